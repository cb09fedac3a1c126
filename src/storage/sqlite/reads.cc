#include "storage/sqlite/reads.h"

#include <string>

#include "core/address.h"
#include "storage/sqlite/bodies.h"
#include "storage/sqlite/rows.h"

namespace herald::storage::sqlite {
namespace {

constexpr int kMaxPage = 1000;
constexpr int kMaxUnfinishedPage = 10000;

Status CheckLimit(int limit, int max) {
  if (limit < 1 || limit > max) {
    return Status::InvalidArgument("limit must be between 1 and " + std::to_string(max));
  }
  return Status::Ok();
}

// Reads one message (joined with the columns after it) or NotFound.
template <typename Extra>
auto ReadOne(Statement& stmt, std::string_view message_id, Extra extra)
    -> decltype(extra(stmt, core::MessageRecord())) {
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no message " + std::string(message_id));
  Result<core::MessageRecord> record = ReadMessage(stmt, 0);
  if (!record.ok()) return record.status();
  return extra(stmt, std::move(*record));
}

// The statement's columns after the message's are the body's raw, parts and compression (bodies.h).
Result<DeliveryItem> WithBody(Connection& db, const Statement& stmt, core::MessageRecord record) {
  std::optional<std::string_view> parts;
  if (!stmt.IsNull(kMessageColumnCount + 1)) parts = stmt.Text(kMessageColumnCount + 1);
  Result<std::string> raw =
      AssembleBodySql(db, stmt.Blob(kMessageColumnCount), parts, stmt.Text(kMessageColumnCount + 2));
  if (!raw.ok()) return Status(raw.status().code(), record.id + ": " + raw.status().message());
  return DeliveryItem{std::move(record), std::move(*raw)};
}

}  // namespace

Result<core::ApiKey> FindApiKeyByHashSql(Connection& db, std::string_view key_hash) {
  Result<Statement> find = db.Prepare("SELECT " HERALD_API_KEY_COLUMNS " FROM api_keys WHERE key_hash = ?1");
  if (!find.ok()) return find.status();
  find->Bind(1, key_hash);
  Result<bool> row = find->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such API key");
  return ReadApiKey(*find, 0);
}

Result<std::vector<core::ApiKey>> ListApiKeysSql(Connection& db, std::string_view account_id) {
  Result<Statement> list =
      db.Prepare("SELECT " HERALD_API_KEY_COLUMNS " FROM api_keys WHERE account_id = ?1 ORDER BY id");
  if (!list.ok()) return list.status();
  list->Bind(1, account_id);
  std::vector<core::ApiKey> keys;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) return keys;
    Result<core::ApiKey> key = ReadApiKey(*list, 0);
    if (!key.ok()) return key.status();
    keys.push_back(std::move(*key));
  }
}

Result<core::Account> GetAccountSql(Connection& db, std::string_view account_id) {
  Result<Statement> get = db.Prepare("SELECT " HERALD_ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1");
  if (!get.ok()) return get.status();
  get->Bind(1, account_id);
  Result<bool> row = get->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no account " + std::string(account_id));
  return ReadAccount(*get, 0);
}

Result<core::Account> GetOperatorAccountSql(Connection& db) {
  Result<Statement> get = db.Prepare("SELECT " HERALD_ACCOUNT_COLUMNS
                                     " FROM accounts WHERE is_operator = 1 ORDER BY created_at, id LIMIT 1");
  if (!get.ok()) return get.status();
  Result<bool> row = get->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no operator account");
  return ReadAccount(*get, 0);
}

Result<core::MessageRecord> GetMessageSql(Connection& db, std::string_view account_id,
                                          std::string_view message_id) {
  Result<Statement> get =
      db.Prepare("SELECT " HERALD_MESSAGE_COLUMNS " FROM messages m WHERE m.id = ?1 AND m.account_id = ?2");
  if (!get.ok()) return get.status();
  get->Bind(1, message_id).Bind(2, account_id);
  return ReadOne(*get, message_id,
                 [](const Statement&, core::MessageRecord r) -> Result<core::MessageRecord> { return r; });
}

Result<std::vector<core::Event>> GetEventsSql(Connection& db, std::string_view account_id,
                                              std::string_view message_id) {
  {
    Result<Statement> exists = db.Prepare("SELECT 1 FROM messages WHERE id = ?1 AND account_id = ?2");
    if (!exists.ok()) return exists.status();
    exists->Bind(1, message_id).Bind(2, account_id);
    Result<bool> row = exists->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no message " + std::string(message_id));
  }
  Result<Statement> list = db.Prepare("SELECT " HERALD_EVENT_COLUMNS
                                      " FROM events WHERE message_id = ?1 AND account_id = ?2 ORDER BY id");
  if (!list.ok()) return list.status();
  list->Bind(1, message_id).Bind(2, account_id);
  std::vector<core::Event> events;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) return events;
    Result<core::Event> event = ReadEvent(*list, 0);
    if (!event.ok()) return event.status();
    events.push_back(std::move(*event));
  }
}

Result<MessagePage> SearchMessagesSql(Connection& db, const MessageQuery& query) {
  HERALD_RETURN_IF_ERROR(CheckLimit(query.limit, kMaxPage));
  // One SQL text per combination of filters, so each can use its own index.
  std::string sql = "SELECT " HERALD_MESSAGE_COLUMNS " FROM messages m WHERE m.account_id = ?1";
  if (query.recipient) sql += " AND lower(m.rcpt_to) = ?2";
  if (query.status) sql += " AND m.status = ?3";
  if (query.campaign) sql += " AND m.campaign = ?6";
  if (query.created_from) sql += " AND m.created_at >= ?7";
  if (query.created_to) sql += " AND m.created_at < ?8";
  if (!query.cursor.empty()) sql += " AND m.id < ?4";
  sql += " ORDER BY m.id DESC LIMIT ?5";

  Result<Statement> search = db.Prepare(sql);
  if (!search.ok()) return search.status();
  search->Bind(1, query.account_id);
  if (query.recipient) search->Bind(2, core::AsciiLower(*query.recipient));
  if (query.status) search->Bind(3, core::ToString(*query.status));
  if (!query.cursor.empty()) search->Bind(4, query.cursor);
  if (query.campaign) search->Bind(6, *query.campaign);
  if (query.created_from) search->Bind(7, ToUnixMillis(*query.created_from));
  if (query.created_to) search->Bind(8, ToUnixMillis(*query.created_to));
  search->Bind(5, static_cast<int64_t>(query.limit) + 1);  // one more tells whether a next page exists

  MessagePage page;
  for (;;) {
    Result<bool> row = search->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (page.messages.size() == static_cast<size_t>(query.limit)) {
      page.next_cursor = page.messages.back().id;
      break;
    }
    Result<core::MessageRecord> record = ReadMessage(*search, 0);
    if (!record.ok()) return record.status();
    page.messages.push_back(std::move(*record));
  }
  return page;
}

Result<DeliveryItem> GetSandboxMessageSql(Connection& db, std::string_view account_id,
                                          std::string_view message_id) {
  Result<Statement> get = db.Prepare("SELECT " HERALD_MESSAGE_COLUMNS
                                     ", b.raw, b.parts, b.compression FROM messages m JOIN message_bodies b"
                                     " ON b.message_id = coalesce(m.body_id, m.id)"
                                     " WHERE m.id = ?1 AND m.account_id = ?2 AND m.captured_at IS NOT NULL");
  if (!get.ok()) return get.status();
  get->Bind(1, message_id).Bind(2, account_id);
  return ReadOne(*get, message_id, [&db](const Statement& s, core::MessageRecord r) -> Result<DeliveryItem> {
    return WithBody(db, s, std::move(r));
  });
}

Result<SandboxPage> ListSandboxSql(Connection& db, std::string_view account_id, std::string_view cursor,
                                   int limit) {
  HERALD_RETURN_IF_ERROR(CheckLimit(limit, kMaxPage));
  Result<Statement> list = db.Prepare(
      cursor.empty() ? "SELECT " HERALD_MESSAGE_COLUMNS
                       ", m.captured_at FROM messages m WHERE m.account_id = ?1 AND m.captured_at IS NOT NULL"
                       " ORDER BY m.id DESC LIMIT ?3"
                     : "SELECT " HERALD_MESSAGE_COLUMNS
                       ", m.captured_at FROM messages m WHERE m.account_id = ?1 AND m.captured_at IS NOT NULL"
                       " AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3");
  if (!list.ok()) return list.status();
  list->Bind(1, account_id).Bind(3, static_cast<int64_t>(limit) + 1);
  if (!cursor.empty()) list->Bind(2, cursor);

  SandboxPage page;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (page.entries.size() == static_cast<size_t>(limit)) {
      page.next_cursor = page.entries.back().record.id;
      break;
    }
    Result<core::MessageRecord> record = ReadMessage(*list, 0);
    if (!record.ok()) return record.status();
    page.entries.push_back({std::move(*record), FromUnixMillis(list->Int(kMessageColumnCount))});
  }
  return page;
}

Result<MessageRecipient> FindMessageRecipientSql(Connection& db, std::string_view message_id) {
  Result<Statement> find = db.Prepare("SELECT account_id, rcpt_to FROM messages WHERE id = ?1");
  if (!find.ok()) return find.status();
  find->Bind(1, message_id);
  Result<bool> row = find->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no message " + std::string(message_id));
  return MessageRecipient{std::string(find->Text(0)), std::string(find->Text(1))};
}

Result<DeliveryItem> LoadForDeliverySql(Connection& db, std::string_view message_id) {
  Result<Statement> load = db.Prepare("SELECT " HERALD_MESSAGE_COLUMNS
                                      ", b.raw, b.parts, b.compression FROM messages m JOIN message_bodies b"
                                      " ON b.message_id = coalesce(m.body_id, m.id)"
                                      " WHERE m.id = ?1");
  if (!load.ok()) return load.status();
  load->Bind(1, message_id);
  return ReadOne(*load, message_id, [&db](const Statement& s, core::MessageRecord r) -> Result<DeliveryItem> {
    return WithBody(db, s, std::move(r));
  });
}

Result<std::vector<PendingMessage>> ListUnfinishedSql(Connection& db, std::string_view after_id, int limit) {
  HERALD_RETURN_IF_ERROR(CheckLimit(limit, kMaxUnfinishedPage));
  // The WHERE repeats the partial index's condition word for word so the planner can use it.
  Result<Statement> list = db.Prepare(
      "SELECT id, next_attempt_at, attempts, created_at, rcpt_to, pool FROM messages"
      " WHERE status IN ('queued', 'deferred') AND id > ?1 ORDER BY id LIMIT ?2");
  if (!list.ok()) return list.status();
  list->Bind(1, after_id).Bind(2, static_cast<int64_t>(limit));
  std::vector<PendingMessage> pending;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) return pending;
    PendingMessage message;
    message.id = list->Text(0);
    message.created_at = FromUnixMillis(list->Int(3));
    // A waiting message always has a due time; should one lack it, it is due at once.
    message.due = list->IsNull(1) ? message.created_at : FromUnixMillis(list->Int(1));
    message.attempts = static_cast<int>(list->Int(2));
    message.rcpt_to = list->Text(4);
    message.pool = list->Text(5);
    pending.push_back(std::move(message));
  }
}

Status PingSql(Connection& db) {
  // Reads the database file, not just the library: a vanished or damaged file fails here.
  Result<Statement> ping = db.Prepare("SELECT max(version) FROM schema_version");
  if (!ping.ok()) return ping.status();
  Result<bool> row = ping->Step();
  if (!row.ok()) return row.status();
  return *row ? Status::Ok() : Status::Internal("the schema version query returned no row");
}

}  // namespace herald::storage::sqlite
