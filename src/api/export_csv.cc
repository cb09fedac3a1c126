#include "api/export_csv.h"

#include "base/csv_writer.h"
#include "base/time_format.h"

namespace herald::api {
namespace {

using nlohmann::json;

// What the recipient's side said, from a `bounced` event: the reply delivery recorded ("remote"), or
// the delivery status notification's recipient group ("report").
struct Refusal {
  std::string code;
  std::string enhanced_code;
  std::string diagnostic;
};

std::string TextAt(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string CodeAt(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_number_integer() && it->get<int64_t>() > 0
             ? std::to_string(it->get<int64_t>())
             : std::string();
}

Refusal RefusalOf(const core::Event& event) {
  Refusal refusal;
  if (!event.details.is_object()) return refusal;
  if (auto remote = event.details.find("remote"); remote != event.details.end() && remote->is_object()) {
    refusal.code = CodeAt(*remote, "code");
    refusal.enhanced_code = TextAt(*remote, "enhanced_code");
    refusal.diagnostic = TextAt(*remote, "text");
  } else if (auto report = event.details.find("report");
             report != event.details.end() && report->is_object()) {
    refusal.code = CodeAt(*report, "code");
    refusal.enhanced_code = TextAt(*report, "status");
    refusal.diagnostic = TextAt(*report, "diagnostic");
  }
  return refusal;
}

}  // namespace

void AppendMessageRecord(std::string& out, const core::MessageRecord& m) {
  std::string tags;
  for (const std::string& tag : m.tags) tags += (tags.empty() ? "" : " ") + tag;
  const std::string fields[] = {
      m.id,
      FormatRfc3339(m.created_at),
      m.campaign,
      m.campaign_version ? std::to_string(*m.campaign_version) : "",
      m.from_header,
      m.sender_domain,
      m.rcpt_to,
      m.subject,
      std::string(core::ToString(m.status)),
      FormatRfc3339(m.updated_at),
      std::to_string(m.attempts),
      tags,
  };
  AppendCsvRecord(out, fields);
}

void AppendSuppressionRecord(std::string& out, const storage::SuppressionExportRow& row) {
  const core::Suppression& s = row.suppression;
  const Refusal refusal = row.cause ? RefusalOf(*row.cause) : Refusal{};
  const std::string fields[] = {
      s.address,    FormatRfc3339(s.created_at), s.source,           s.reason,
      refusal.code, refusal.enhanced_code,       refusal.diagnostic, s.message_id.value_or(""),
  };
  AppendCsvRecord(out, fields);
}

}  // namespace herald::api
