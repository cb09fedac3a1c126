// The JSON shape of a campaign, and reading a campaign from POST /v1/campaigns or applying a
// PATCH to one (DESIGN §1). Content is checked here too: every template must compile.
//
// Thread-safety: pure functions. Untrusted input: the request bodies.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <variant>

#include "api/api_error.h"
#include "core/campaign.h"

namespace herald::api {

nlohmann::json CampaignJson(const core::Campaign& campaign);

// The campaign a POST body describes (without id, account or times).
std::variant<core::Campaign, ApiError> ReadCampaign(const nlohmann::json& body);
// `campaign` with a PATCH body's members applied (key, channel and type cannot change).
std::optional<ApiError> PatchCampaign(const nlohmann::json& body, core::Campaign& campaign);

}  // namespace herald::api
