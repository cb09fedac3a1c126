// Rows ↔ records: how accounts, keys, messages and events are laid out in SQLite columns.
//
// The column lists are macros so that queries can be whole string literals, compiled once per
// connection. A row that cannot be read back (an unknown status, broken JSON) is Corruption.
//
// Thread-safety: pure functions. Untrusted input: JSON text read back from the database is parsed
// without exceptions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"
#include "core/account.h"
#include "core/message.h"
#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

// 19 columns of `messages m`, read by ReadMessage.
#define HERALD_MESSAGE_COLUMNS                                                                     \
  "m.id, m.account_id, m.status, m.campaign, m.mail_from, m.rcpt_to, m.from_header, m.to_header, " \
  "m.subject, m.tags, m.metadata, m.idempotency_key, m.created_at, m.updated_at, m.attempts, "     \
  "m.next_attempt_at, m.smtputf8, m.pool, m.campaign_version, m.sender_domain"
inline constexpr int kMessageColumnCount = 20;

// 8 columns of `api_keys`, read by ReadApiKey.
#define HERALD_API_KEY_COLUMNS "id, account_id, name, scope, key_hash, prefix, created_at, revoked_at"

// 5 columns of `accounts`, read by ReadAccount.
#define HERALD_ACCOUNT_COLUMNS "id, name, is_operator, created_at, pool"

// 3 columns of `events`, read by ReadEvent.
#define HERALD_EVENT_COLUMNS "type, at, details"

Result<core::MessageRecord> ReadMessage(const Statement& row, int first_column);
Result<core::ApiKey> ReadApiKey(const Statement& row, int first_column);
core::Account ReadAccount(const Statement& row, int first_column);
Result<core::Event> ReadEvent(const Statement& row, int first_column);

// Compact JSON text; invalid UTF-8 in strings is replaced rather than thrown on.
std::string CompactJson(const nlohmann::json& value);
std::string TagsJson(const std::vector<std::string>& tags);

}  // namespace herald::storage::sqlite
