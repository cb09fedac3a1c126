#include "webhooks/payload.h"

#include <nlohmann/json.hpp>

#include "base/time_format.h"

namespace herald::webhooks {

std::string EventPayload(const storage::WebhookEvent& event) {
  nlohmann::json body = {
      {"id", "evt_" + std::to_string(event.id)},
      {"type", core::ToString(event.type)},
      {"at", FormatRfc3339(event.at)},
      {"message_id", event.message_id},
      {"campaign", event.campaign.empty() ? nlohmann::json(nullptr) : nlohmann::json(event.campaign)},
      {"recipient", event.recipient},
      {"tags", event.tags},
      {"metadata", event.metadata.is_object() ? event.metadata : nlohmann::json::object()},
      {"details", event.details.is_object() ? event.details : nlohmann::json::object()},
  };
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace herald::webhooks
