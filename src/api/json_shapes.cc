#include "api/json_shapes.h"

#include "base/time_format.h"

namespace herald::api {

using nlohmann::json;

json EventJson(const core::Event& event) {
  json out = event.details.is_object() ? event.details : json::object();
  out["type"] = core::ToString(event.type);
  out["at"] = FormatRfc3339(event.at);
  return out;
}

json MessageJson(const core::MessageRecord& m, const std::vector<core::Event>* events) {
  json out = {
      {"id", m.id},
      {"status", core::ToString(m.status)},
      {"campaign", m.campaign.empty() ? json(nullptr) : json(m.campaign)},
      {"campaign_version", m.campaign_version ? json(*m.campaign_version) : json(nullptr)},
      {"from", m.from_header},
      {"to", m.to_header},
      {"recipient", m.rcpt_to},  // the envelope recipient: one per message, also when To: names several
      {"subject", m.subject},
      {"tags", m.tags},
      {"metadata", m.metadata},
      {"attempts", m.attempts},
      {"created_at", FormatRfc3339(m.created_at)},
      {"updated_at", FormatRfc3339(m.updated_at)},
      {"next_attempt_at", m.next_attempt_at ? json(FormatRfc3339(*m.next_attempt_at)) : json(nullptr)},
  };
  if (events) {
    json list = json::array();
    for (const core::Event& e : *events) list.push_back(EventJson(e));
    out["events"] = std::move(list);
  }
  return out;
}

json ApiKeyJson(const core::ApiKey& key) {
  return {
      {"id", key.id},
      {"name", key.name},
      {"scope", core::ToString(key.scope)},
      {"prefix", key.prefix},
      {"created_at", FormatRfc3339(key.created_at)},
      {"revoked_at", key.revoked_at ? json(FormatRfc3339(*key.revoked_at)) : json(nullptr)},
  };
}

}  // namespace herald::api
