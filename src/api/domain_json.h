// The JSON shape of a sending domain (DESIGN §5): its records to publish with their last checks,
// its DKIM keys (public parts only: never the private key, sealed or not), warnings and events.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "core/sending_domain.h"

namespace herald::api {

// Without "events" unless given.
nlohmann::json DomainJson(const core::SendingDomain& domain, const std::vector<core::AccountEvent>* events = nullptr);

}  // namespace herald::api
