// The SQL of interaction tables, their rows and the rows' events (tables interaction_tables,
// interaction_rows, row_events; schema migration 7).
//
// A row write runs in one savepoint on the writer thread (write_ops.h): it finds the row's profile
// (a new row) or the row itself (a change), merges the values (core::MergeRowValues), writes the row
// and appends its event. The key column's uniqueness is the UNIQUE (table_id, key) constraint, so a
// duplicate fails the statement and the savepoint is undone: nothing is half-written. Since one
// thread makes every write and event ids are never reused (AUTOINCREMENT), ids follow commit order and
// a reader of the change feed never sees a lower id appear behind one it has read.
// Deleting a row, or a table, removes its events with it in the same commit.
//
// Thread-safety: as write_ops.h (writes) and reads.h (reads). Untrusted input: values are bound, never
// spliced; JSON read back that lacks the expected shape is Corruption.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/interaction_table.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace herald::storage::sqlite {

Status CreateInteractionTableSql(Connection& db, const core::InteractionTable& table);
Status CreateRowSql(Connection& db, const NewRow& row, RowWriteOutcome& outcome);
Status UpdateRowSql(Connection& db, const RowChange& change, RowWriteOutcome& outcome);
Status DeleteRowSql(Connection& db, std::string_view table_id, std::string_view row_id);
Status DeleteInteractionTableSql(Connection& db, std::string_view account_id, std::string_view name);

Result<core::InteractionTable> GetInteractionTableSql(Connection& db, std::string_view account_id,
                                                      std::string_view name);
Result<std::vector<core::InteractionTable>> ListInteractionTablesSql(Connection& db,
                                                                     std::string_view account_id);
Result<core::Row> GetRowSql(Connection& db, std::string_view table_id, std::string_view row_id);
Result<core::Row> FindRowByKeySql(Connection& db, std::string_view table_id, std::string_view key);
Result<RowPage> ListRowsSql(Connection& db, std::string_view table_id, std::string_view profile_id,
                            std::string_view cursor, int limit);
Result<RowEventPage> ListRowEventsSql(Connection& db, std::string_view table_id, int64_t after_id, int limit);

}  // namespace herald::storage::sqlite
