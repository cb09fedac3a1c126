// Checkpointer: copies the WAL back into the database file on a thread and connection of its own.
//
// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, so the writer thread
// would stop taking writes while it reads the WAL and writes and syncs the database file — as much I/O
// again as the commits themselves. Here the write connection's commits only report the WAL's size
// (Connection::OnCommit), and each time `wal_frames` more have been written the checkpointer's thread
// copies what has been committed. That never waits for the writer, but under a steady stream of commits it
// never finds the WAL wholly copied at the moment a transaction begins either, which is when SQLite writes
// the WAL from its start again: the WAL would only grow. So past `restart_frames` the checkpointer's thread
// copies what it has not yet, at once, and then the writer copies the rest — the last few commits' frames —
// on its own connection right after a commit, so that its next transaction finds the WAL wholly copied and
// starts it over. The writer is the one thread every write waits for: it copies no more than that, unless the
// WAL has grown to twice `restart_frames`.
//
// Thread-safety: Committed() is called on the writer thread (from the commit hook); the copying happens
// on the checkpointer's thread. The destructor stops and joins the thread; the caller closes the write
// connection afterwards, which checkpoints what is left.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

class Checkpointer {
 public:
  // `db`: a connection of its own to the same database.
  Checkpointer(std::unique_ptr<Connection> db, int wal_frames, int restart_frames);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // A commit on `writer` left the WAL with `wal_frames` frames.
  void Committed(Connection& writer, int wal_frames);

 private:
  void Run();
  // With mutex_ held: enough has been written since the last checkpoint, or a restart waits.
  bool Due() const;
  // With mutex_ held: whether the writer copies what is left of a WAL past `restart_frames` now.
  bool WriterCopies(int wal_frames) const;
  // With mutex_ held: a checkpoint found `checkpoint.copied_frames` of the WAL copied.
  void NoteCopied(const Connection::CheckpointResult& checkpoint);

  std::unique_ptr<Connection> db_;
  const int wal_frames_;
  const int restart_frames_;

  std::mutex mutex_;
  std::condition_variable wake_;
  int latest_frames_ = 0;        // guarded by mutex_: the WAL's size after the last commit
  int checkpointed_at_ = 0;      // guarded by mutex_: the WAL's size when the last checkpoint began
  int copied_ = 0;               // guarded by mutex_: the WAL's frames known to be copied
  bool copying_ = false;         // guarded by mutex_: the checkpointer's thread is copying
  bool restart_wanted_ = false;  // guarded by mutex_: past `restart_frames`, the thread should copy now
  bool stopping_ = false;        // guarded by mutex_

  std::thread thread_;  // last, so it starts after everything it uses exists
};

}  // namespace herald::storage::sqlite
