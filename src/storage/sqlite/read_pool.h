// ReadPool: a few read-only connections, each lent to one thread at a time.
//
// In WAL mode readers never block the writer nor each other, so a small pool serves reads from any
// number of threads; a caller waits only when every connection is lent out. Each connection keeps its
// own prepared statements.
//
// Thread-safety: Acquire() may be called from any thread; a Lease is used by the thread that holds it.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

class ReadPool {
 public:
  // Opens `size` read-only connections to the (existing, WAL-mode) database at `path`.
  static Result<std::unique_ptr<ReadPool>> Open(const std::string& path, int size);

  // A lent connection, given back when the Lease is destroyed.
  class Lease {
   public:
    Lease(ReadPool& pool, std::unique_ptr<Connection> db) : pool_(pool), db_(std::move(db)) {}
    ~Lease() { pool_.GiveBack(std::move(db_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() { return *db_; }

   private:
    ReadPool& pool_;
    std::unique_ptr<Connection> db_;
  };

  // Waits until a connection is free.
  Lease Acquire();

 private:
  ReadPool() = default;
  void GiveBack(std::unique_ptr<Connection> db);

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mutex_
};

}  // namespace herald::storage::sqlite
