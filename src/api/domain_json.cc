#include "api/domain_json.h"

#include "base/time_format.h"

namespace herald::api {
namespace {

using nlohmann::json;

json OptionalTime(const std::optional<TimePoint>& at) { return at ? json(FormatRfc3339(*at)) : json(nullptr); }

json RecordJson(const core::DnsRecord& r) {
  json out = {{"purpose", core::ToString(r.purpose)},
              {"type", r.type},
              {"name", r.name},
              {"value", r.value},
              {"status", core::ToString(r.status)},
              {"found", r.found},
              {"checked_at", OptionalTime(r.checked_at)}};
  if (!r.selector.empty()) out["selector"] = r.selector;
  return out;
}

}  // namespace

json DomainJson(const core::SendingDomain& d, const std::vector<core::AccountEvent>* events) {
  json records = json::array();
  for (const core::DnsRecord& r : d.records) records.push_back(RecordJson(r));
  json keys = json::array();
  for (const core::DkimKey& k : d.keys) {
    keys.push_back({{"selector", k.selector},
                    {"algorithm", k.algorithm},
                    {"state", core::ToString(k.state)},
                    {"created_at", FormatRfc3339(k.created_at)}});
  }
  json out = {{"id", d.id},
              {"name", d.name},
              {"purpose", core::ToString(d.purpose)},
              {"pool", d.pool},
              {"status", core::ToString(d.status)},
              {"records", std::move(records)},
              {"dkim_keys", std::move(keys)},
              {"warnings", d.warnings},
              {"created_at", FormatRfc3339(d.created_at)},
              {"verified_at", OptionalTime(d.verified_at)},
              {"checked_at", OptionalTime(d.checked_at)}};
  if (events != nullptr) {
    json list = json::array();
    for (const core::AccountEvent& e : *events) {
      json item = e.details;
      item["type"] = e.type;
      item["at"] = FormatRfc3339(e.at);
      list.push_back(std::move(item));
    }
    out["events"] = std::move(list);
  }
  return out;
}

}  // namespace herald::api
