// ImportProfilesCsv: profiles created or changed from CSV text (issue 6's bulk import) — the first
// row names attributes of the table, each row after it upserts one profile.
//
// A row's profile is found as a trigger's would be: in a custom table by its key column; in a
// transactional table by emailAddress when the row has one, else by gsmNumber. Its cells are read
// by their attribute's type (attribute_values.h); an empty cell leaves that attribute as it is, so a
// sparse file changes only what it names. Each row is its own store write, all or nothing; the
// store's writer groups the writes into commits, so `window` of them are kept in flight: memory is
// one row per write in flight, whatever the size of the text.
//
// A row that fails writes nothing and the others go on. Its error names the row (1-based in the whole
// file: the header is row 1, and `first_row` places the text's rows when it is a part of a larger
// file), the column, a stable code and a message:
//   unterminated_quote, bad_quote, record_too_long, field_too_long, too_many_fields  malformed CSV
//     (base/csv_reader.h)
//   wrong_column_count  not as many fields as the header has columns
//   invalid_value       a value not of its attribute's type; a required attribute that a new
//                       profile would lack
//   missing_key         no value to find the profile by (the key; emailAddress or gsmNumber)
//   duplicate_value     a unique attribute's value that belongs to another profile
//   unavailable         the store could not write it (retry the row)
// Rows in the same text that name the same profile are written in their order: the last one wins.
// Blank lines are skipped (they keep their row numbers).
//
// The header is checked before anything is written; a header that cannot be read refuses the whole
// import (`refused`): invalid_csv_header (empty text, a malformed or empty column name, a column
// twice, no column to find profiles by) or unknown_attribute (a column the table does not define).
//
// Thread-safety: the coroutine runs on its caller's executor; the store's completions run on its
// thread and touch only state shared under a lock. Untrusted input: `csv`, any bytes.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/csv_reader.h"
#include "core/profile.h"
#include "storage/store.h"

namespace herald::profiles {

struct ImportOptions {
  uint64_t first_row = 2;    // the row number of the row after the header, in the whole file
  size_t window = 1000;      // store writes in flight at once
  size_t max_errors = 1000;  // errors kept in the report, the first by row (all are counted)
  CsvLimits limits;
};

struct ImportError {
  uint64_t row = 0;   // in the whole file; 1 is the header
  std::string code;   // see above
  std::string field;  // the column at fault, or ""
  std::string message;
  bool operator==(const ImportError&) const = default;
};

struct ImportReport {
  uint64_t rows = 0;  // rows read after the header, blank lines not counted
  uint64_t created = 0;
  uint64_t updated = 0;
  uint64_t failed = 0;
  std::vector<ImportError> errors;  // by row, at most max_errors
  // Set when the header was refused: nothing was read past it nor written (row 1; the counts are 0).
  std::optional<ImportError> refused;
};

// Writes one profile: Store::UpsertProfile (a stand-in in tests).
using ProfileUpsert =
    std::function<void(storage::ProfileWrite, storage::ResultCallback<storage::ProfileWriteOutcome>)>;

// Reads `csv` (which must outlive the coroutine) and writes its rows through `upsert`; answers once
// every write has completed.
boost::asio::awaitable<ImportReport> ImportProfilesCsv(ProfileUpsert upsert, const Clock& clock,
                                                       core::ProfileTable table, std::string_view csv,
                                                       ImportOptions options = {});

// Adds `error` to `errors`, keeping the first `max_errors` by row (the sorting is done by
// SortErrors; until then the vector may hold up to twice as many).
void KeepError(std::vector<ImportError>& errors, ImportError error, size_t max_errors);
// Sorts by row and cuts to the first `max_errors`.
void SortErrors(std::vector<ImportError>& errors, size_t max_errors);

}  // namespace herald::profiles
