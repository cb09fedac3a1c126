#include "profiles/csv_import.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <variant>

#include "base/await_callback.h"
#include "base/log.h"
#include "base/printable.h"
#include "base/random.h"
#include "profiles/attribute_values.h"

namespace herald::profiles {
namespace {

using nlohmann::json;

// The header's columns, each an attribute of the table.
struct Columns {
  std::vector<const core::AttributeDef*> defs;  // by column
};

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::variant<Columns, ImportError> ReadHeader(const core::ProfileTable& table, const CsvRecord& header,
                                              const CsvLimits& limits) {
  auto refuse = [](std::string code, std::string field, std::string message) {
    return ImportError{1, std::move(code), std::move(field), std::move(message)};
  };
  if (header.error != CsvError::kNone)
    return refuse("invalid_csv_header", "", "the header (row 1): " + CsvErrorMessage(header.error, limits));
  if (header.blank) return refuse("invalid_csv_header", "", "the first row must name the columns: attributes of the table");
  Columns columns;
  std::set<std::string_view> seen;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string_view name = TrimSpaces(header.fields[i]);
    if (name.empty()) return refuse("invalid_csv_header", "", "column " + std::to_string(i + 1) + " has no name");
    const core::AttributeDef* def = table.Find(name);
    const std::string shown = Printable(name, 64);
    if (def == nullptr)
      return refuse("unknown_attribute", shown, shown + ": the table " + table.name + " has no such attribute");
    if (!seen.insert(def->name).second) return refuse("invalid_csv_header", shown, shown + ": a column named twice");
    columns.defs.push_back(def);
  }
  if (table.kind == core::ProfileTableKind::kCustom && !seen.contains(table.key)) {
    return refuse("invalid_csv_header", table.key,
                  "no column " + table.key + ": each row's profile is found by the table's key");
  }
  if (table.kind == core::ProfileTableKind::kTransactional && !seen.contains(core::kEmailAttribute) &&
      !seen.contains(core::kGsmAttribute)) {
    return refuse("invalid_csv_header", "",
                  "no column emailAddress or gsmNumber: each row's profile is found by one of them");
  }
  return columns;
}

// The write a row asks for, or why it cannot be made.
std::variant<storage::ProfileWrite, ImportError> RowWrite(const core::ProfileTable& table, const Columns& columns,
                                                          const CsvRecord& record, uint64_t row, const Clock& clock,
                                                          const CsvLimits& limits) {
  if (record.error != CsvError::kNone)
    return ImportError{row, std::string(CsvErrorCode(record.error)), "", CsvErrorMessage(record.error, limits)};
  if (record.fields.size() != columns.defs.size()) {
    return ImportError{row, "wrong_column_count", "",
                       "the row has " + std::to_string(record.fields.size()) + " fields, the header " +
                           std::to_string(columns.defs.size())};
  }
  json changes = json::object();
  for (size_t i = 0; i < record.fields.size(); ++i) {
    const core::AttributeDef& def = *columns.defs[i];
    if (record.fields[i].empty()) continue;  // left as it is
    Result<json> value = CanonicalValueFromText(def, record.fields[i]);
    if (!value.ok()) return ImportError{row, "invalid_value", def.name, def.name + ": " + value.status().message()};
    changes[def.name] = std::move(*value);
  }
  std::string lookup = table.key;
  if (table.kind == core::ProfileTableKind::kTransactional) {
    lookup = std::string(changes.contains(core::kEmailAttribute) ? core::kEmailAttribute : core::kGsmAttribute);
  }
  if (!changes.contains(lookup)) {
    if (table.kind == core::ProfileTableKind::kTransactional)
      return ImportError{row, "missing_key", "", "emailAddress and gsmNumber are empty; each row's profile is found by one of them"};
    return ImportError{row, "missing_key", lookup, lookup + ": empty; each row's profile is found by the table's key"};
  }
  const TimePoint now = clock.Now();
  std::string lookup_value = core::IndexText(changes[lookup]);
  return storage::ProfileWrite{table, std::move(lookup), std::move(lookup_value), std::move(changes),
                               NewId("prf", now), now};
}

// The error of a row the store did not write.
ImportError FromWriteStatus(uint64_t row, const Status& status) {
  const std::string& message = status.message();
  const std::string attribute = message.substr(0, message.find(':'));
  switch (status.code()) {
    case Code::kAlreadyExists: return {row, "duplicate_value", attribute, message};
    case Code::kInvalidArgument: return {row, "invalid_value", attribute, message};
    default: return {row, "unavailable", "", "the row could not be stored; import it again"};
  }
}

// What the coroutine shares with the store's completions.
struct InFlight {
  explicit InFlight(size_t errors_kept) : max_errors(errors_kept) {}

  void Failed(ImportError error) {
    std::lock_guard lock(mutex);
    ++report.failed;
    KeepError(report.errors, std::move(error), max_errors);
  }

  void Written(uint64_t row, const Result<storage::ProfileWriteOutcome>& written) {
    std::function<void(bool)> wake;
    {
      std::lock_guard lock(mutex);
      --writes;
      if (written.ok()) {
        ++(written->created ? report.created : report.updated);
      } else {
        const Code code = written.status().code();
        if (code != Code::kAlreadyExists && code != Code::kInvalidArgument && !logged_store_failure) {
          logged_store_failure = true;
          Logger("profiles")->error("import: row {} not stored: {}", row, written.status().ToString());
        }
        ++report.failed;
        KeepError(report.errors, FromWriteStatus(row, written.status()), max_errors);
      }
      if (waiter && writes <= wake_at) wake = std::exchange(waiter, nullptr);
    }
    if (wake) wake(true);
  }

  size_t InFlightWrites() {
    std::lock_guard lock(mutex);
    return writes;
  }

  const size_t max_errors;
  std::mutex mutex;
  size_t writes = 0;                  // guarded by mutex: submitted, not completed
  size_t wake_at = 0;                 // guarded by mutex: wake the waiter at this many writes or fewer
  std::function<void(bool)> waiter;   // guarded by mutex
  ImportReport report;                // guarded by mutex
  bool logged_store_failure = false;  // guarded by mutex
};

// Until at most `at_most` writes are in flight.
boost::asio::awaitable<void> WaitForWrites(std::shared_ptr<InFlight> flight, size_t at_most) {
  co_await AwaitCallback<bool>([&](std::function<void(bool)> wake) {
    std::unique_lock lock(flight->mutex);
    if (flight->writes > at_most) {
      flight->wake_at = at_most;
      flight->waiter = std::move(wake);
      return;
    }
    lock.unlock();
    wake(true);
  });
}

}  // namespace

void SortErrors(std::vector<ImportError>& errors, size_t max_errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const ImportError& a, const ImportError& b) { return a.row < b.row; });
  if (errors.size() > max_errors) errors.resize(max_errors);
}

void KeepError(std::vector<ImportError>& errors, ImportError error, size_t max_errors) {
  errors.push_back(std::move(error));
  if (errors.size() > 2 * max_errors) SortErrors(errors, max_errors);
}

boost::asio::awaitable<ImportReport> ImportProfilesCsv(ProfileUpsert upsert, const Clock& clock,
                                                       core::ProfileTable table, std::string_view csv,
                                                       ImportOptions options) {
  CsvReader reader(options.limits);
  CsvRecord record;
  auto next = [&] {
    const CsvStep step = reader.Next(csv, true, record);
    csv.remove_prefix(step.consumed);
    return step.kind == CsvStep::kRecord;
  };

  ImportReport refusal;
  if (!next()) {
    refusal.refused = ImportError{1, "invalid_csv_header", "", "the CSV is empty: its first row names the columns"};
    co_return refusal;
  }
  auto columns = ReadHeader(table, record, options.limits);
  if (auto* error = std::get_if<ImportError>(&columns)) {
    refusal.refused = std::move(*error);
    co_return refusal;
  }

  const size_t window = std::max<size_t>(options.window, 1);
  const uint64_t first_row = std::max<uint64_t>(options.first_row, 2);
  auto flight = std::make_shared<InFlight>(options.max_errors);
  uint64_t rows = 0;
  while (next()) {
    if (record.blank) continue;
    ++rows;
    const uint64_t row = first_row + (record.row - 2);
    auto write = RowWrite(table, std::get<Columns>(columns), record, row, clock, options.limits);
    if (auto* error = std::get_if<ImportError>(&write)) {
      flight->Failed(std::move(*error));
      continue;
    }
    {
      std::lock_guard lock(flight->mutex);
      ++flight->writes;
    }
    upsert(std::get<storage::ProfileWrite>(std::move(write)),
           [flight, row](Result<storage::ProfileWriteOutcome> written) { flight->Written(row, written); });
    if (flight->InFlightWrites() >= window) co_await WaitForWrites(flight, window / 2);
  }
  co_await WaitForWrites(flight, 0);

  std::lock_guard lock(flight->mutex);
  ImportReport report = std::move(flight->report);
  report.rows = rows;
  SortErrors(report.errors, options.max_errors);
  co_return report;
}

}  // namespace herald::profiles
