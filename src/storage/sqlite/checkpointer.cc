#include "storage/sqlite/checkpointer.h"

#include <algorithm>
#include <utility>

#include "base/log.h"
#include "base/thread_name.h"

namespace herald::storage::sqlite {

Checkpointer::Checkpointer(std::unique_ptr<Connection> db, int wal_frames, int restart_frames)
    : db_(std::move(db)),
      wal_frames_(wal_frames),
      restart_frames_(restart_frames),
      thread_([this] { Run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

namespace {

// Past the restart threshold, the most frames the writer copies itself (a few commits' worth: 1 MiB).
constexpr int kMostFramesTheWriterCopies = 256;

}  // namespace

bool Checkpointer::Due() const {
  // Each checkpoint syncs the database file, so it waits for `wal_frames` new frames (counted from the
  // WAL's start again once it has started over).
  const int since = latest_frames_ >= checkpointed_at_ ? latest_frames_ - checkpointed_at_ : latest_frames_;
  return restart_wanted_ || since >= wal_frames_;
}

bool Checkpointer::WriterCopies(int wal_frames) const {
  if (wal_frames >= 2 * restart_frames_) return true;  // the thread is not keeping up
  return !copying_ && wal_frames - copied_ <= kMostFramesTheWriterCopies;
}

void Checkpointer::NoteCopied(const Connection::CheckpointResult& checkpoint) {
  // A result from before the WAL started over says nothing of the new one.
  if (!checkpoint.busy && checkpoint.wal_frames <= latest_frames_)
    copied_ = std::max(copied_, checkpoint.copied_frames);
}

void Checkpointer::Committed(Connection& writer, int wal_frames) {
  bool due = false;
  bool writer_copies = false;
  {
    std::lock_guard lock(mutex_);
    if (wal_frames < latest_frames_) copied_ = 0;  // the WAL started over
    latest_frames_ = wal_frames;
    if (wal_frames >= restart_frames_) {
      writer_copies = WriterCopies(wal_frames);
      if (!writer_copies && !copying_) restart_wanted_ = true;
    }
    due = Due();
  }
  if (due) wake_.notify_one();
  if (!writer_copies) return;
  Result<Connection::CheckpointResult> done = writer.Checkpoint();
  if (!done.ok()) {
    Logger("storage")->error("checkpoint on the writer failed: {}", done.status().ToString());
    return;
  }
  std::lock_guard lock(mutex_);
  NoteCopied(*done);
}

void Checkpointer::Run() {
  NameThisThread("checkpointer");
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || Due(); });
      if (stopping_) return;
      checkpointed_at_ = latest_frames_;
      restart_wanted_ = false;
      copying_ = true;
    }
    Result<Connection::CheckpointResult> done = db_->Checkpoint();
    if (!done.ok()) Logger("storage")->error("checkpoint failed: {}", done.status().ToString());
    std::lock_guard lock(mutex_);
    copying_ = false;
    if (done.ok()) NoteCopied(*done);
  }
}

}  // namespace herald::storage::sqlite
