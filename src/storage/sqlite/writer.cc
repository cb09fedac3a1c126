#include "storage/sqlite/writer.h"

#include <algorithm>
#include <exception>
#include <iterator>
#include <utility>

#include "base/log.h"
#include "base/thread_name.h"

namespace herald::storage::sqlite {
namespace {

// Runs `apply`, turning an escaping exception (a bug, or memory exhaustion) into a Status so that it
// fails one write instead of the writer thread.
Status ApplyCatching(WriteOp& op, Connection& db) {
  try {
    return op.apply(db);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("write failed: ") + e.what());
  } catch (...) {
    return Status::Internal("write failed with an unknown exception");
  }
}

void CompleteCatching(WriteOp& op, Status status) {
  if (!op.complete) return;  // fire and forget
  try {
    op.complete(std::move(status));
  } catch (const std::exception& e) {
    Logger("storage")->error("a write completion threw: {}", e.what());
  } catch (...) {
    Logger("storage")->error("a write completion threw");
  }
}

// Replaces every OK status in [first, last) with `failure`: those writes were undone with their group.
void FailSucceeded(std::vector<Status>& results, size_t first, size_t last, const Status& failure) {
  for (size_t i = first; i < last; ++i) {
    if (results[i].ok()) results[i] = failure;
  }
}

}  // namespace

Writer::Writer(Connection& db, int max_batch)
    : db_(db), max_batch_(static_cast<size_t>(std::max(1, max_batch))), thread_([this] { Run(); }) {}

Writer::~Writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Writer::Submit(WriteOp op) {
  {
    std::lock_guard lock(mutex_);
    if (!stopped_) {
      queue_.push_back(std::move(op));
      wake_.notify_one();
      return;
    }
  }
  CompleteCatching(op, Status::Unavailable("the store is closed"));
}

void Writer::Run() {
  NameThisThread("writer");
  std::vector<WriteOp> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) {
        stopped_ = true;
        return;
      }
      auto end = queue_.begin() + static_cast<std::ptrdiff_t>(std::min(queue_.size(), max_batch_));
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
      queue_.erase(queue_.begin(), end);
    }
    RunBatch(batch);
    batch.clear();
  }
}

Status Writer::Sql(std::string_view statement) {
  Result<Statement> prepared = db_.Prepare(statement);
  if (!prepared.ok()) return prepared.status();
  return prepared->Run();
}

Status Writer::ApplyInSavepoint(WriteOp& op) {
  HERALD_RETURN_IF_ERROR(Sql("SAVEPOINT op"));
  Status status = ApplyCatching(op, db_);
  if (status.ok()) return Sql("RELEASE op");
  // SQLite may already have rolled back the whole transaction (I/O error, full disk); the caller
  // notices that. Otherwise undo just this operation. If even that fails, the transaction's state is
  // unknown, so abandon it whole.
  if (db_.InTransaction() && !(Sql("ROLLBACK TO op").ok() && Sql("RELEASE op").ok())) {
    (void)Sql("ROLLBACK");
  }
  return status;
}

void Writer::RunBatch(std::vector<WriteOp>& batch) {
  std::vector<Status> results(batch.size());
  size_t tx_first = 0;  // the first operation of the open transaction
  Status tx = Sql("BEGIN IMMEDIATE");
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!tx.ok()) {
      results[i] = Status::IoError("cannot begin a transaction: " + tx.message());
      continue;
    }
    results[i] = ApplyInSavepoint(batch[i]);
    if (!db_.InTransaction()) {
      // The transaction is gone, and with it every write of this group so far.
      Logger("storage")->error("a write transaction was rolled back: {}", results[i].ToString());
      FailSucceeded(results, tx_first, i + 1,
                    Status::IoError("the write was rolled back: " + results[i].message()));
      tx = Sql("BEGIN IMMEDIATE");
      tx_first = i + 1;
    }
  }
  if (tx.ok()) {
    Status commit = Sql("COMMIT");
    if (commit.ok()) {
      commits_.fetch_add(1, std::memory_order_relaxed);
    } else {
      Logger("storage")->error("commit of {} writes failed: {}", batch.size() - tx_first, commit.ToString());
      if (db_.InTransaction()) (void)Sql("ROLLBACK");
      FailSucceeded(results, tx_first, batch.size(), Status::IoError("commit failed: " + commit.message()));
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    writes_.fetch_add(1, std::memory_order_relaxed);
    CompleteCatching(batch[i], std::move(results[i]));
  }
}

}  // namespace herald::storage::sqlite
