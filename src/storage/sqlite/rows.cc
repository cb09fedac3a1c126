#include "storage/sqlite/rows.h"

#include "base/clock.h"

namespace herald::storage::sqlite {
namespace {

Result<nlohmann::json> ParseJson(std::string_view text, std::string_view column) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Status::Corruption("unreadable JSON in column " + std::string(column));
  return value;
}

}  // namespace

std::string CompactJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string TagsJson(const std::vector<std::string>& tags) { return CompactJson(nlohmann::json(tags)); }

Result<core::MessageRecord> ReadMessage(const Statement& row, int first_column) {
  int c = first_column;
  core::MessageRecord m;
  m.id = row.Text(c++);
  m.account_id = row.Text(c++);
  std::optional<core::MessageStatus> status = core::ParseMessageStatus(row.Text(c++));
  if (!status) return Status::Corruption("message " + m.id + " has an unknown status");
  m.status = *status;
  m.campaign = row.Text(c++);
  m.mail_from = row.Text(c++);
  m.rcpt_to = row.Text(c++);
  m.from_header = row.Text(c++);
  m.to_header = row.Text(c++);
  m.subject = row.Text(c++);

  Result<nlohmann::json> tags = ParseJson(row.Text(c++), "messages.tags");
  if (!tags.ok()) return tags.status();
  if (!tags->is_array()) return Status::Corruption("message " + m.id + " has malformed tags");
  for (const nlohmann::json& tag : *tags) {
    if (!tag.is_string()) return Status::Corruption("message " + m.id + " has malformed tags");
    m.tags.push_back(tag.get<std::string>());
  }
  Result<nlohmann::json> metadata = ParseJson(row.Text(c++), "messages.metadata");
  if (!metadata.ok()) return metadata.status();
  m.metadata = std::move(*metadata);

  m.idempotency_key = row.Text(c++);
  m.created_at = FromUnixMillis(row.Int(c++));
  m.updated_at = FromUnixMillis(row.Int(c++));
  m.attempts = static_cast<int>(row.Int(c++));
  if (std::optional<int64_t> next = row.OptionalInt(c++)) m.next_attempt_at = FromUnixMillis(*next);
  m.smtputf8 = row.Int(c++) != 0;
  m.pool = row.Text(c++);
  if (std::optional<int64_t> version = row.OptionalInt(c++)) m.campaign_version = static_cast<int>(*version);
  m.sender_domain = row.Text(c++);
  return m;
}

Result<core::ApiKey> ReadApiKey(const Statement& row, int first_column) {
  int c = first_column;
  core::ApiKey key;
  key.id = row.Text(c++);
  key.account_id = row.Text(c++);
  key.name = row.Text(c++);
  std::optional<core::Scope> scope = core::ParseScope(row.Text(c++));
  if (!scope) return Status::Corruption("API key " + key.id + " has an unknown scope");
  key.scope = *scope;
  key.key_hash = row.Text(c++);
  key.prefix = row.Text(c++);
  key.created_at = FromUnixMillis(row.Int(c++));
  if (std::optional<int64_t> revoked = row.OptionalInt(c++)) key.revoked_at = FromUnixMillis(*revoked);
  return key;
}

core::Account ReadAccount(const Statement& row, int first_column) {
  int c = first_column;
  core::Account account;
  account.id = row.Text(c++);
  account.name = row.Text(c++);
  account.is_operator = row.Int(c++) != 0;
  account.created_at = FromUnixMillis(row.Int(c++));
  account.pool = row.Text(c++);
  return account;
}

Result<core::Event> ReadEvent(const Statement& row, int first_column) {
  int c = first_column;
  core::Event event;
  std::optional<core::EventType> type = core::ParseEventType(row.Text(c++));
  if (!type) return Status::Corruption("an event has an unknown type");
  event.type = *type;
  event.at = FromUnixMillis(row.Int(c++));
  Result<nlohmann::json> details = ParseJson(row.Text(c++), "events.details");
  if (!details.ok()) return details.status();
  event.details = std::move(*details);
  return event;
}

}  // namespace herald::storage::sqlite
