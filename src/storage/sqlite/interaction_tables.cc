#include "storage/sqlite/interaction_tables.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "storage/sqlite/profiles.h"
#include "storage/sqlite/rows.h"

namespace herald::storage::sqlite {
namespace {

using nlohmann::json;

#define HERALD_INTERACTION_TABLE_SELECT                                                           \
  "SELECT t.id, t.account_id, t.name, p.name, t.profile_table_id, t.key, t.columns, t.created_at" \
  " FROM interaction_tables t JOIN profile_tables p ON p.id = t.profile_table_id"
#define HERALD_ROW_COLUMNS "table_id, id, profile_id, values_json, created_at, updated_at"
#define HERALD_ROW_EVENT_COLUMNS "id, type, table_id, row_id, profile_id, details, at"

Result<core::InteractionTable> ReadTable(const Statement& row) {
  core::InteractionTable t;
  t.id = row.Text(0);
  t.account_id = row.Text(1);
  t.name = row.Text(2);
  t.profile_table = row.Text(3);
  t.profile_table_id = row.Text(4);
  t.key = row.Text(5);
  Result<std::vector<core::AttributeDef>> columns =
      ReadAttributeDefs(row.Text(6), "interaction table " + t.name);
  if (!columns.ok()) return columns.status();
  t.columns = std::move(*columns);
  t.created_at = FromUnixMillis(row.Int(7));
  return t;
}

Result<core::Row> ReadRow(const Statement& statement) {
  core::Row row;
  row.table_id = statement.Text(0);
  row.id = statement.Text(1);
  row.profile_id = statement.Text(2);
  row.values = json::parse(statement.Text(3), nullptr, /*allow_exceptions=*/false);
  if (!row.values.is_object()) return Status::Corruption("row " + row.id + " has malformed values");
  row.created_at = FromUnixMillis(statement.Int(4));
  row.updated_at = FromUnixMillis(statement.Int(5));
  return row;
}

Result<core::RowEvent> ReadRowEvent(const Statement& row) {
  core::RowEvent event;
  event.id = row.Int(0);
  std::optional<core::RowEventType> type = core::ParseRowEventType(row.Text(1));
  if (!type) return Status::Corruption("row event " + std::to_string(event.id) + " has an unknown type");
  event.type = *type;
  event.table_id = row.Text(2);
  event.row_id = row.Text(3);
  event.profile_id = row.Text(4);
  event.details = json::parse(row.Text(5), nullptr, /*allow_exceptions=*/false);
  if (!event.details.is_object())
    return Status::Corruption("row event " + std::to_string(event.id) + " has malformed details");
  event.at = FromUnixMillis(row.Int(6));
  return event;
}

// Runs `statement` and reads each of its rows with `read`.
template <typename T, typename Read>
Result<std::vector<T>> ReadAll(Statement& statement, Read read) {
  std::vector<T> out;
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    Result<T> item = read(statement);
    if (!item.ok()) return item.status();
    out.push_back(std::move(*item));
  }
}

// The one row `statement` (bound) finds, read with `read`; NotFound(`missing`) when there is none.
template <typename T, typename Read>
Result<T> ReadOne(Statement& statement, Read read, std::string missing) {
  Result<bool> row = statement.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(std::move(missing));
  return read(statement);
}

// The row of a table that `sql` finds by the table's id (?1) and a value (?2: its id or key).
Result<core::Row> RowWhere(Connection& db, const char* sql, std::string_view table_id, std::string_view value,
                           std::string missing) {
  Result<Statement> get = db.Prepare(sql);
  if (!get.ok()) return get.status();
  get->Bind(1, table_id).Bind(2, value);
  return ReadOne<core::Row>(*get, ReadRow, std::move(missing));
}

// Runs each of `sqls` with ?1 bound to `table_id` and ?2, when a statement has one, to `row_id`.
Status RunForRows(Connection& db, std::initializer_list<const char*> sqls, std::string_view table_id,
                  std::string_view row_id = {}) {
  for (const char* sql : sqls) {
    Result<Statement> statement = db.Prepare(sql);
    if (!statement.ok()) return statement.status();
    statement->Bind(1, table_id);
    if (!row_id.empty()) statement->Bind(2, row_id);
    HERALD_RETURN_IF_ERROR(statement->Run());
  }
  return Status::Ok();
}

// Inserts the row, or rewrites the values, key and updated_at of the row with its id.
Status WriteRow(Connection& db, const core::InteractionTable& table, const core::Row& row) {
  Result<Statement> write = db.Prepare(
      "INSERT INTO interaction_rows (" HERALD_ROW_COLUMNS
      ", key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
      " ON CONFLICT (table_id, id) DO UPDATE SET key = excluded.key, values_json = excluded.values_json,"
      " updated_at = excluded.updated_at");
  if (!write.ok()) return write.status();
  write->Bind(1, row.table_id)
      .Bind(2, row.id)
      .Bind(3, row.profile_id)
      .Bind(4, CompactJson(row.values))
      .Bind(5, ToUnixMillis(row.created_at))
      .Bind(6, ToUnixMillis(row.updated_at));
  if (table.key.empty()) {
    write->Bind(7, nullptr);
  } else {
    write->Bind(7, core::IndexText(row.values.at(table.key)));  // required: MergeRowValues made sure
  }
  Status status = write->Run();
  if (status.code() == Code::kAlreadyExists)
    return Status::AlreadyExists(table.key + ": the value belongs to another row");
  if (status.code() == Code::kNotFound) return Status::NotFound("table: no interaction table " + table.id);
  return status;
}

// Appends `event` (its id is set to the one it was given).
Status AppendEvent(Connection& db, const std::string& account_id, core::RowEvent& event) {
  Result<Statement> insert = db.Prepare(
      "INSERT INTO row_events (account_id, table_id, row_id, profile_id, type, at, details)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, account_id)
      .Bind(2, event.table_id)
      .Bind(3, event.row_id)
      .Bind(4, event.profile_id)
      .Bind(5, core::ToString(event.type))
      .Bind(6, ToUnixMillis(event.at))
      .Bind(7, CompactJson(event.details));
  Result<bool> row = insert->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal("a row event was inserted without an id");
  event.id = insert->Int(0);
  return Status::Ok();
}

// Writes `row` and its event, and makes them the outcome.
Status WriteWithEvent(Connection& db, const core::InteractionTable& table, core::Row row,
                      core::RowEventType type, json details, RowWriteOutcome& outcome) {
  HERALD_RETURN_IF_ERROR(WriteRow(db, table, row));
  core::RowEvent event{0, type, row.table_id, row.id, row.profile_id, std::move(details), row.updated_at};
  HERALD_RETURN_IF_ERROR(AppendEvent(db, table.account_id, event));
  outcome.row = std::move(row);
  outcome.event = std::move(event);
  return Status::Ok();
}

}  // namespace

Status CreateInteractionTableSql(Connection& db, const core::InteractionTable& t) {
  Result<Statement> insert = db.Prepare(
      "INSERT INTO interaction_tables (id, account_id, name, profile_table_id, key, columns, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, t.id)
      .Bind(2, t.account_id)
      .Bind(3, t.name)
      .Bind(4, t.profile_table_id)
      .Bind(5, t.key)
      .Bind(6, AttributeDefsJson(t.columns))
      .Bind(7, ToUnixMillis(t.created_at));
  Status status = insert->Run();
  if (status.code() == Code::kAlreadyExists)
    return Status::AlreadyExists("an interaction table named " + t.name + " exists");
  if (status.code() == Code::kNotFound) return Status::NotFound("no profile table " + t.profile_table);
  return status;
}

Status CreateRowSql(Connection& db, const NewRow& w, RowWriteOutcome& outcome) {
  Result<core::Profile> profile =
      FindProfileSql(db, w.table.profile_table_id, w.profile_attribute, w.profile_value);
  if (profile.status().code() == Code::kNotFound)
    return Status::NotFound("profile: the profile table " + w.table.profile_table + " has no such profile");
  if (!profile.ok()) return profile.status();
  Result<json> values = core::MergeRowValues(w.table, json::object(), w.values);
  if (!values.ok()) return values.status();
  core::Row row{w.id, w.table.id, profile->id, std::move(*values), w.now, w.now};
  json details = core::CreatedDetails(row);
  return WriteWithEvent(db, w.table, std::move(row), core::RowEventType::kCreated, std::move(details),
                        outcome);
}

Status UpdateRowSql(Connection& db, const RowChange& c, RowWriteOutcome& outcome) {
  Result<core::Row> row = GetRowSql(db, c.table.id, c.row_id);
  if (row.status().code() == Code::kNotFound) return Status::NotFound("row: no row " + c.row_id);
  if (!row.ok()) return row.status();
  Result<json> values = core::MergeRowValues(c.table, row->values, c.changes);
  if (!values.ok()) return values.status();
  std::optional<json> details = core::UpdatedDetails(row->values, *values);
  if (!details) {  // nothing changed: nothing to write
    outcome.row = std::move(*row);
    outcome.event.reset();
    return Status::Ok();
  }
  row->values = std::move(*values);
  row->updated_at = c.now;
  return WriteWithEvent(db, c.table, std::move(*row), core::RowEventType::kUpdated, std::move(*details),
                        outcome);
}

Status DeleteRowSql(Connection& db, std::string_view table_id, std::string_view row_id) {
  if (row_id.empty()) return Status::NotFound("row: no row");
  HERALD_RETURN_IF_ERROR(
      RunForRows(db, {"DELETE FROM interaction_rows WHERE table_id = ?1 AND id = ?2"}, table_id, row_id));
  if (db.Changes() == 0) return Status::NotFound("row: no row " + std::string(row_id));
  return RunForRows(db, {"DELETE FROM row_events WHERE table_id = ?1 AND row_id = ?2"}, table_id, row_id);
}

Status DeleteInteractionTableSql(Connection& db, std::string_view account_id, std::string_view name) {
  Result<core::InteractionTable> table = GetInteractionTableSql(db, account_id, name);
  if (!table.ok()) return table.status();
  return RunForRows(
      db,
      {"DELETE FROM row_events WHERE table_id = ?1", "DELETE FROM interaction_rows WHERE table_id = ?1",
       "DELETE FROM interaction_tables WHERE id = ?1"},
      table->id);
}

Result<core::InteractionTable> GetInteractionTableSql(Connection& db, std::string_view account_id,
                                                      std::string_view name) {
  Result<Statement> get =
      db.Prepare(HERALD_INTERACTION_TABLE_SELECT " WHERE t.account_id = ?1 AND t.name = ?2");
  if (!get.ok()) return get.status();
  get->Bind(1, account_id).Bind(2, name);
  return ReadOne<core::InteractionTable>(*get, ReadTable, "no interaction table " + std::string(name));
}

Result<std::vector<core::InteractionTable>> ListInteractionTablesSql(Connection& db,
                                                                     std::string_view account_id) {
  Result<Statement> list =
      db.Prepare(HERALD_INTERACTION_TABLE_SELECT " WHERE t.account_id = ?1 ORDER BY t.name");
  if (!list.ok()) return list.status();
  list->Bind(1, account_id);
  return ReadAll<core::InteractionTable>(*list, ReadTable);
}

Result<core::Row> GetRowSql(Connection& db, std::string_view table_id, std::string_view row_id) {
  return RowWhere(db, "SELECT " HERALD_ROW_COLUMNS " FROM interaction_rows WHERE table_id = ?1 AND id = ?2",
                  table_id, row_id, "no row " + std::string(row_id));
}

Result<core::Row> FindRowByKeySql(Connection& db, std::string_view table_id, std::string_view key) {
  return RowWhere(db, "SELECT " HERALD_ROW_COLUMNS " FROM interaction_rows WHERE table_id = ?1 AND key = ?2",
                  table_id, key, "no row with that key");
}

Result<RowPage> ListRowsSql(Connection& db, std::string_view table_id, std::string_view profile_id,
                            std::string_view cursor, int limit) {
  limit = std::clamp(limit, 1, 1000);
  Result<Statement> list = db.Prepare(
      profile_id.empty() ? "SELECT " HERALD_ROW_COLUMNS
                           " FROM interaction_rows WHERE table_id = ?1 AND id > ?3 ORDER BY id LIMIT ?4"
                         : "SELECT " HERALD_ROW_COLUMNS
                           " FROM interaction_rows WHERE profile_id = ?2 AND table_id = ?1 AND id > ?3"
                           " ORDER BY id LIMIT ?4");
  if (!list.ok()) return list.status();
  list->Bind(1, table_id).Bind(3, cursor).Bind(4, static_cast<int64_t>(limit) + 1);
  if (!profile_id.empty()) list->Bind(2, profile_id);
  Result<std::vector<core::Row>> rows = ReadAll<core::Row>(*list, ReadRow);
  if (!rows.ok()) return rows.status();
  RowPage page{std::move(*rows), ""};
  if (page.rows.size() > static_cast<size_t>(limit)) {
    page.rows.pop_back();
    page.next_cursor = page.rows.back().id;
  }
  return page;
}

Result<RowEventPage> ListRowEventsSql(Connection& db, std::string_view table_id, int64_t after_id,
                                      int limit) {
  limit = std::clamp(limit, 1, 1000);
  Result<Statement> list =
      db.Prepare("SELECT " HERALD_ROW_EVENT_COLUMNS
                 " FROM row_events WHERE table_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
  if (!list.ok()) return list.status();
  list->Bind(1, table_id).Bind(2, after_id).Bind(3, static_cast<int64_t>(limit) + 1);
  Result<std::vector<core::RowEvent>> events = ReadAll<core::RowEvent>(*list, ReadRowEvent);
  if (!events.ok()) return events.status();
  RowEventPage page{std::move(*events), false};
  if (page.events.size() > static_cast<size_t>(limit)) {
    page.events.pop_back();
    page.more = true;
  }
  return page;
}

}  // namespace herald::storage::sqlite
