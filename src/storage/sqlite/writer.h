// Writer: the one thread that owns the write connection and commits queued writes in groups.
//
// Submit() queues an operation. The writer thread takes everything queued (up to `max_batch`), runs it
// in ONE transaction with a savepoint per operation — so an operation that fails (a constraint
// violation) is undone alone and gets its own error while the others go on — commits, which costs one
// fsync for the whole group, and only then completes each operation. If the commit fails, every
// operation of the group that had succeeded is completed with IoError: nothing is acknowledged that is
// not on disk. There is no waiting to fill a group: writes that arrive during one commit's fsync form
// the next group.
//
// Thread-safety: Submit() may be called from any thread, including from a completion. `apply` runs on
// the writer thread inside the transaction; `complete` runs on the writer thread after the commit and
// must be quick. The destructor completes everything queued, then joins the thread. The connection is
// the caller's, so it can close it last (after its readers), which lets SQLite checkpoint and remove
// the WAL file.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "base/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

struct WriteOp {
  std::function<Status(Connection&)> apply;  // the operation's SQL; an error undoes only this op
  std::function<void(Status)> complete;      // apply's status, or the commit's failure
};

class Writer {
 public:
  // `db` must outlive the Writer and be used by nothing else while it runs.
  Writer(Connection& db, int max_batch);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void Submit(WriteOp op);

  uint64_t writes() const { return writes_.load(std::memory_order_relaxed); }    // ops completed
  uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }  // successful COMMITs

 private:
  void Run();
  void RunBatch(std::vector<WriteOp>& batch);
  Status ApplyInSavepoint(WriteOp& op);
  Status Sql(std::string_view statement);

  Connection& db_;  // used only by the writer thread
  const size_t max_batch_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<WriteOp> queue_;  // guarded by mutex_
  bool stopping_ = false;      // guarded by mutex_: the destructor has begun
  bool stopped_ = false;       // guarded by mutex_: the thread has drained the queue and left

  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> commits_{0};

  std::thread thread_;  // last, so it starts after everything it uses exists
};

}  // namespace herald::storage::sqlite
