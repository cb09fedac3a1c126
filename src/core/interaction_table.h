// Interaction tables (DESIGN §1): rows linked to a profile — orders, tickets, bookings — with typed
// columns. Creating or changing a row is an event (`row.created`, `row.updated`) that scenarios will
// react to, e.g. an order's `status` going from CONFIRMED to SHIPPED.
//
// A table is linked to one profile table of its account; each row belongs to one profile of it. The
// columns are typed like profile attributes (core/profile.h: AttributeDef, canonical values as JSON;
// profiles/attribute_values.h makes values canonical). A table may name a key column (e.g. `orderId`)
// whose value identifies a row beside its id: it is unique within the table and required. No other
// column is unique.
//
// The event of a new row carries its values: {"values": {"orderId": "A1", "status": "CONFIRMED"}}.
// The event of a changed row carries exactly the columns whose value changed, each with its old and
// new value (null for a value that was absent or is removed):
// {"changed": {"status": {"old": "CONFIRMED", "new": "SHIPPED"}}}. A change that changes nothing is no
// event.
//
// Thread-safety: plain values and pure functions. Untrusted input: MakeInteractionTable checks a
// definition from a caller; MergeRowValues takes values already made canonical.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "core/profile.h"

namespace herald::core {

struct InteractionTable {
  std::string id;  // "itab_…"
  std::string account_id;
  std::string name;                   // unique within the account; 1-64 of [a-z0-9_-]
  std::string profile_table;          // the linked profile table's name
  std::string profile_table_id;       // … and id
  std::string key;                    // the key column's name; empty: rows are found by id only
  std::vector<AttributeDef> columns;  // `unique` is set on the key column only
  TimePoint created_at;

  const AttributeDef* Find(std::string_view column) const { return FindAttributeDef(columns, column); }
};

struct Row {
  std::string id;  // "row_…"
  std::string table_id;
  std::string profile_id;
  nlohmann::json values = nlohmann::json::object();  // canonical values, by column name
  TimePoint created_at;
  TimePoint updated_at;
};

enum class RowEventType { kCreated, kUpdated };
std::string_view ToString(RowEventType type);  // "row.created", "row.updated"
std::optional<RowEventType> ParseRowEventType(std::string_view text);

struct RowEvent {
  int64_t id = 0;  // the table's change feed is ordered by it
  RowEventType type = RowEventType::kCreated;
  std::string table_id;
  std::string row_id;
  std::string profile_id;
  nlohmann::json details = nlohmann::json::object();  // {"values": …} or {"changed": …}
  TimePoint at;
};

// The table as created: its key column (if it names one) made unique and required. InvalidArgument
// "<field>: …" for a bad name, a bad column (core::CheckAttributeDefs), a column marked unique that
// is not the key, a key that is not one of its columns or is a boolean, or no profile table.
Result<InteractionTable> MakeInteractionTable(InteractionTable table);

// `existing` (an object; empty for a new row) with `changes` applied: each member sets that column, a
// null member removes it. InvalidArgument "<column>: …" for a column the table does not define ("no
// such column"), or a required one left without a value.
Result<nlohmann::json> MergeRowValues(const InteractionTable& table, const nlohmann::json& existing,
                                      const nlohmann::json& changes);

// {"<column>": {"old", "new"}} for every column whose value differs between the two objects (an
// absent value is null), by column name.
nlohmann::json ChangedColumns(const nlohmann::json& before, const nlohmann::json& after);

// The event details of a new row, and of a change (nullopt when nothing changed).
nlohmann::json CreatedDetails(const Row& row);
std::optional<nlohmann::json> UpdatedDetails(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace herald::core
