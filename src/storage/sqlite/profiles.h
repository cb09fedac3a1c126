// The SQL of profile tables and profiles (tables profile_tables, profiles, profile_values; schema
// migration 5).
//
// An upsert runs in one savepoint on the writer thread (write_ops.h): it finds the profile by its
// lookup value, merges the changes (core::MergeAttributes), checks that no other profile holds the
// new value of a unique attribute, then rewrites the profile's row and its indexed values. Since one
// thread makes every write, nothing slips in between the check and the change.
//
// Thread-safety: as write_ops.h (writes) and reads.h (reads). Untrusted input: values are bound, never
// spliced; the JSON read back that lacks the expected shape is Corruption.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/profile.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace herald::storage::sqlite {

// Typed definitions (a profile table's attributes, an interaction table's columns) as stored: a JSON
// array of {name, type, unique, required, values}. Reading names `owner` in a Corruption.
std::string AttributeDefsJson(const std::vector<core::AttributeDef>& defs);
Result<std::vector<core::AttributeDef>> ReadAttributeDefs(std::string_view text, std::string_view owner);

Status CreateProfileTableSql(Connection& db, const core::ProfileTable& table);
Status UpsertProfileSql(Connection& db, const ProfileWrite& write, ProfileWriteOutcome& outcome);
Status DeleteProfileSql(Connection& db, std::string_view table_id, std::string_view profile_id);

Result<core::ProfileTable> GetProfileTableSql(Connection& db, std::string_view account_id, std::string_view name);
Result<std::vector<core::ProfileTable>> ListProfileTablesSql(Connection& db, std::string_view account_id);
Result<core::Profile> FindProfileSql(Connection& db, std::string_view table_id, std::string_view attribute,
                                     std::string_view value);
Result<ProfilePage> SearchProfilesSql(Connection& db, std::string_view table_id, std::string_view attribute,
                                      std::string_view value, std::string_view cursor, int limit);

}  // namespace herald::storage::sqlite
