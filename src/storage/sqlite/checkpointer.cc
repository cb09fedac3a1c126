#include "storage/sqlite/checkpointer.h"

#include <utility>

#include "base/log.h"
#include "base/thread_name.h"

namespace herald::storage::sqlite {

Checkpointer::Checkpointer(std::unique_ptr<Connection> db, int wal_frames, int restart_frames)
    : db_(std::move(db)), wal_frames_(wal_frames), restart_frames_(restart_frames), thread_([this] { Run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool Checkpointer::Due() const {
  // Each checkpoint syncs the database file, so it waits for `wal_frames` new frames (counted from the
  // WAL's start again once it has started over).
  const int since = latest_frames_ >= checkpointed_at_ ? latest_frames_ - checkpointed_at_ : latest_frames_;
  return since >= wal_frames_;
}

void Checkpointer::Committed(Connection& writer, int wal_frames) {
  bool due = false;
  {
    std::lock_guard lock(mutex_);
    latest_frames_ = wal_frames;
    due = Due();
  }
  if (due) wake_.notify_one();
  if (wal_frames >= restart_frames_) {
    Result<Connection::CheckpointResult> done = writer.Checkpoint();
    if (!done.ok()) Logger("storage")->error("checkpoint on the writer failed: {}", done.status().ToString());
  }
}

void Checkpointer::Run() {
  NameThisThread("checkpointer");
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || Due(); });
      if (stopping_) return;
      checkpointed_at_ = latest_frames_;
    }
    Result<Connection::CheckpointResult> done = db_->Checkpoint();
    if (!done.ok()) Logger("storage")->error("checkpoint failed: {}", done.status().ToString());
  }
}

}  // namespace herald::storage::sqlite
