#include "storage/sqlite/suppressions.h"

#include <string>

#include "core/address.h"
#include "storage/sqlite/reads.h"
#include "storage/sqlite/rows.h"
#include "storage/sqlite/write_ops.h"

namespace herald::storage::sqlite {
namespace {

constexpr int kMaxPage = 1000;
constexpr size_t kMaxSources = 8;
constexpr size_t kFirstSourceParameter = 8;  // ?8, ?9, … in ExportSuppressionsSql
constexpr std::string_view kHexDigits = "0123456789abcdef";

core::Suppression ReadSuppression(const Statement& row, std::string_view account_id) {
  core::Suppression suppression;
  suppression.account_id = std::string(account_id);
  suppression.address = row.Text(0);
  suppression.reason = row.Text(1);
  suppression.source = row.Text(2);
  if (!row.IsNull(3)) suppression.message_id = std::string(row.Text(3));
  suppression.created_at = FromUnixMillis(row.Int(4));
  return suppression;
}

std::string Cursor(const core::Suppression& last) {
  std::string cursor = std::to_string(ToUnixMillis(last.created_at)) + ".";
  for (unsigned char c : last.address) {
    cursor += kHexDigits[c >> 4];
    cursor += kHexDigits[c & 0xf];
  }
  return cursor;
}

struct CursorPosition {
  int64_t created_at = 0;
  std::string address;
};

std::optional<CursorPosition> ReadCursor(std::string_view cursor) {
  const size_t dot = cursor.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 19 || (cursor.size() - dot - 1) % 2 != 0) return std::nullopt;
  CursorPosition position;
  for (char c : cursor.substr(0, dot)) {
    if (c < '0' || c > '9') return std::nullopt;
    position.created_at = position.created_at * 10 + (c - '0');
  }
  auto nibble = [](char c) -> int {
    size_t at = kHexDigits.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
  };
  for (size_t i = dot + 1; i < cursor.size(); i += 2) {
    int high = nibble(cursor[i]);
    int low = nibble(cursor[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    position.address += static_cast<char>(high * 16 + low);
  }
  return position;
}

}  // namespace

Result<bool> SuppressSql(Connection& db, const core::Suppression& suppression) {
  Result<Statement> insert = db.Prepare(
      "INSERT INTO suppressions (account_id, address, reason, source, message_id, created_at)"
      " VALUES (?1, lower(?2), ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, suppression.account_id)
      .Bind(2, suppression.address)
      .Bind(3, suppression.reason)
      .Bind(4, suppression.source)
      .Bind(6, ToUnixMillis(suppression.created_at));
  if (suppression.message_id) {
    insert->Bind(5, *suppression.message_id);
  } else {
    insert->Bind(5, nullptr);
  }
  Status status = insert->Run();
  if (status.code() == Code::kNotFound) return Status::NotFound("no account " + suppression.account_id);
  if (!status.ok()) return status;
  return db.Changes() > 0;
}

Status AddSuppressionSql(Connection& db, const core::Suppression& suppression) {
  if (suppression.account_id.empty() || suppression.address.empty())
    return Status::InvalidArgument("a suppression needs an account and an address");
  Result<bool> added = SuppressSql(db, suppression);
  if (!added.ok()) return added.status();
  if (!*added) return Status::AlreadyExists(core::AsciiLower(suppression.address) + " is suppressed already");
  return Status::Ok();
}

Status DeleteSuppressionSql(Connection& db, std::string_view account_id, std::string_view address) {
  Result<Statement> remove = db.Prepare("DELETE FROM suppressions WHERE account_id = ?1 AND address = lower(?2)");
  if (!remove.ok()) return remove.status();
  remove->Bind(1, account_id).Bind(2, address);
  HERALD_RETURN_IF_ERROR(remove->Run());
  if (db.Changes() == 0) return Status::NotFound("no suppression of " + std::string(address));
  return Status::Ok();
}

Status RecordReportSql(Connection& db, const ReportRecord& report, TimePoint now) {
  core::Suppression suppression;
  {
    // Delivery's own statuses are left to delivery; a withdrawn or never-sent message stays as it is.
    Result<Statement> update = db.Prepare(
        "UPDATE messages SET updated_at = ?2, status = CASE WHEN ?3 = 1 AND status NOT IN"
        " ('queued', 'deferred', 'cancelled', 'suppressed') THEN 'bounced' ELSE status END"
        " WHERE id = ?1 RETURNING account_id, rcpt_to");
    if (!update.ok()) return update.status();
    update->Bind(1, report.message_id).Bind(2, ToUnixMillis(now)).Bind(3, int64_t{report.hard_bounce ? 1 : 0});
    Result<bool> row = update->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no message " + report.message_id);
    suppression.account_id = update->Text(0);
    suppression.address = update->Text(1);
    HERALD_RETURN_IF_ERROR(update->Run());  // finishes the statement
  }
  if (report.suppress_reason) {
    suppression.reason = *report.suppress_reason;
    suppression.source = report.suppress_source;
    suppression.message_id = report.message_id;
    suppression.created_at = now;
    Result<bool> added = SuppressSql(db, suppression);
    if (!added.ok()) return added.status();
  }
  return InsertEventSql(db, report.message_id, suppression.account_id, report.event);
}

Result<std::optional<core::Suppression>> FindSuppressionSql(Connection& db, std::string_view account_id,
                                                            std::string_view address) {
  Result<Statement> get = db.Prepare(
      "SELECT address, reason, source, message_id, created_at FROM suppressions"
      " WHERE account_id = ?1 AND address = lower(?2)");
  if (!get.ok()) return get.status();
  get->Bind(1, account_id).Bind(2, address);
  Result<bool> row = get->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<core::Suppression>();
  return std::optional<core::Suppression>(ReadSuppression(*get, account_id));
}

Result<std::optional<core::Suppression>> FindRecipientSuppressionSql(Connection& db, std::string_view message_id) {
  Result<MessageRecipient> message = FindMessageRecipientSql(db, message_id);
  if (!message.ok()) return message.status();
  return FindSuppressionSql(db, message->account_id, message->rcpt_to);
}

Result<core::Suppression> GetSuppressionSql(Connection& db, std::string_view account_id, std::string_view address) {
  Result<std::optional<core::Suppression>> found = FindSuppressionSql(db, account_id, address);
  if (!found.ok()) return found.status();
  if (!*found) return Status::NotFound("no suppression of " + std::string(address));
  return std::move(**found);
}

Result<SuppressionPage> ListSuppressionsSql(Connection& db, const SuppressionQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPage)
    return Status::InvalidArgument("limit must be between 1 and " + std::to_string(kMaxPage));
  std::optional<CursorPosition> after;
  if (!query.cursor.empty()) {
    after = ReadCursor(query.cursor);
    if (!after) return Status::InvalidArgument("malformed cursor");
  }
  std::string sql =
      "SELECT address, reason, source, message_id, created_at FROM suppressions WHERE account_id = ?1";
  if (query.address) sql += " AND address = lower(?2)";
  if (after) sql += " AND (created_at, address) < (?3, ?4)";
  sql += " ORDER BY created_at DESC, address DESC LIMIT ?5";
  Result<Statement> list = db.Prepare(sql);
  if (!list.ok()) return list.status();
  list->Bind(1, query.account_id).Bind(5, static_cast<int64_t>(query.limit) + 1);
  if (query.address) list->Bind(2, *query.address);
  if (after) list->Bind(3, after->created_at).Bind(4, after->address);

  SuppressionPage page;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (page.suppressions.size() == static_cast<size_t>(query.limit)) {
      page.next_cursor = Cursor(page.suppressions.back());
      break;
    }
    page.suppressions.push_back(ReadSuppression(*list, query.account_id));
  }
  return page;
}

Result<SuppressionExportPage> ExportSuppressionsSql(Connection& db, const SuppressionExportQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPage)
    return Status::InvalidArgument("limit must be between 1 and " + std::to_string(kMaxPage));
  if (query.sources.size() > kMaxSources)
    return Status::InvalidArgument("at most " + std::to_string(kMaxSources) + " sources");
  std::optional<CursorPosition> after;
  if (!query.cursor.empty()) {
    after = ReadCursor(query.cursor);
    if (!after) return Status::InvalidArgument("malformed cursor");
  }
  // The cause is one event found by its message's index, so a page costs a lookup per entry, and the
  // list is read in its index's order (suppressions_by_time), never sorted whole.
  std::string sql =
      "SELECT s.address, s.reason, s.source, s.message_id, s.created_at, " HERALD_EVENT_COLUMNS
      " FROM suppressions s LEFT JOIN events e ON e.id = ("
      "SELECT f.id FROM events f WHERE f.message_id = s.message_id AND f.account_id = s.account_id AND"
      " CASE s.source WHEN 'bounce' THEN f.type = 'bounced' AND json_extract(f.details, '$.bounce.type') = "
      "'hard'"
      " WHEN 'complaint' THEN f.type = 'complained' ELSE 0 END ORDER BY f.id LIMIT 1)"
      " WHERE s.account_id = ?1";
  if (query.reason) sql += " AND s.reason = ?2";
  if (after) sql += " AND (s.created_at, s.address) < (?3, ?4)";
  if (query.created_from) sql += " AND s.created_at >= ?6";
  if (query.created_to) sql += " AND s.created_at < ?7";
  if (!query.sources.empty()) {
    sql += " AND s.source IN (";
    for (size_t i = 0; i < query.sources.size(); ++i)
      sql += (i ? ", ?" : "?") + std::to_string(kFirstSourceParameter + i);
    sql += ")";
  }
  sql += " ORDER BY s.created_at DESC, s.address DESC LIMIT ?5";
  Result<Statement> list = db.Prepare(sql);
  if (!list.ok()) return list.status();
  list->Bind(1, query.account_id).Bind(5, static_cast<int64_t>(query.limit) + 1);
  if (query.reason) list->Bind(2, *query.reason);
  if (after) list->Bind(3, after->created_at).Bind(4, after->address);
  if (query.created_from) list->Bind(6, ToUnixMillis(*query.created_from));
  if (query.created_to) list->Bind(7, ToUnixMillis(*query.created_to));
  for (size_t i = 0; i < query.sources.size(); ++i)
    list->Bind(static_cast<int>(kFirstSourceParameter + i), query.sources[i]);

  SuppressionExportPage page;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (page.rows.size() == static_cast<size_t>(query.limit)) {
      page.next_cursor = Cursor(page.rows.back().suppression);
      break;
    }
    SuppressionExportRow entry{ReadSuppression(*list, query.account_id), std::nullopt};
    if (!list->IsNull(5)) {
      Result<core::Event> cause = ReadEvent(*list, 5);
      if (!cause.ok()) return cause.status();
      entry.cause = std::move(*cause);
    }
    page.rows.push_back(std::move(entry));
  }
  return page;
}

Result<core::MessageRecord> FindReportedMessageSql(Connection& db, std::string_view message_id,
                                                   std::string_view recipient) {
  // The message itself, or a message whose body it owns (a sibling of one SMTP submission) sent to
  // `recipient`; the message itself when no sibling matches.
  Result<Statement> find = db.Prepare("SELECT " HERALD_MESSAGE_COLUMNS
                                      " FROM messages m WHERE m.id = ?1 OR m.body_id = ?1"
                                      " ORDER BY (lower(m.rcpt_to) = lower(?2)) DESC, (m.id = ?1) DESC LIMIT 1");
  if (!find.ok()) return find.status();
  find->Bind(1, message_id).Bind(2, recipient);
  Result<bool> row = find->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no message " + std::string(message_id));
  return ReadMessage(*find, 0);
}

}  // namespace herald::storage::sqlite
