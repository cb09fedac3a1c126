// Versioned schema migrations for the SQLite store.
//
// Migration N is an SQL script; the table `schema_version` records which have been applied. Each
// pending migration runs in its own transaction together with its `schema_version` row, so a failed
// migration leaves the database exactly at the previous version. A database whose version is newer
// than the last migration this binary knows is refused (FailedPrecondition): an older Herald must not
// write to a schema it does not understand.
//
// Thread-safety: run once, on the write connection, before any other use of the database.
#pragma once

#include <span>
#include <string_view>

#include "base/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

struct Migration {
  int version;           // 1, 2, 3, … without gaps
  std::string_view sql;  // one or more statements
};

// Herald's schema, oldest first.
std::span<const Migration> SchemaMigrations();

// The version recorded in the database (0 for a new one).
Result<int> SchemaVersion(Connection& db);

// Applies the migrations of `migrations` newer than the database's version.
Status Migrate(Connection& db, std::span<const Migration> migrations);

}  // namespace herald::storage::sqlite
