// The SQLite backend of Store: the embedded default, one database file in the data directory (DESIGN §6).
//
// The file runs in WAL mode with synchronous=FULL, so a commit is on disk before a write's `done` runs.
// One writer thread commits queued writes in groups (one fsync per group, see writer.h); a small pool of
// read-only connections serves the synchronous reads. Opening creates the file if it is missing and
// brings its schema up to date; a file written by a newer Herald is refused (FailedPrecondition) and a
// file that is not a sound SQLite database gives Corruption.
//
// Thread-safety: the returned Store is safe to use from any thread (see store.h). Its destructor
// completes every write already submitted, then stops the writer. The Clock must outlive the Store;
// it stamps the times the store chooses itself (updated_at, captured_at, idempotency key use).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "storage/store.h"

namespace herald::storage {

struct SqliteOptions {
  std::string path;          // the database file; its directory must exist
  int read_connections = 4;  // read-only connections in the pool (at least 1)
  int max_batch = 1024;      // most writes committed together in one transaction (at least 1)
};

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options, const Clock& clock);

// Counters of the writer, for metrics and tests: far fewer commits than writes means group commit works.
struct SqliteStoreStats {
  uint64_t writes = 0;   // write operations completed (successfully or not)
  uint64_t commits = 0;  // transactions committed
};

// The counters of a store made by OpenSqliteStore; nullopt for any other Store.
std::optional<SqliteStoreStats> GetSqliteStoreStats(const Store& store);

}  // namespace herald::storage
