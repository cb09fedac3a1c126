// The JSON shapes of the API's resources (DESIGN §2a): messages, events, API keys.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "core/account.h"
#include "core/message.h"

namespace herald::api {

nlohmann::json EventJson(const core::Event& event);
// Without "events" unless given.
nlohmann::json MessageJson(const core::MessageRecord& message, const std::vector<core::Event>* events = nullptr);
// Never includes the secret or its hash.
nlohmann::json ApiKeyJson(const core::ApiKey& key);

}  // namespace herald::api
