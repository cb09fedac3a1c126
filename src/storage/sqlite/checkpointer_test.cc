// The checkpointer: with it, commits no longer checkpoint by themselves; it copies the WAL into the
// database file on its own thread, and past its restart threshold the WAL is written from its start again
// although commits never stop.
#include "storage/sqlite/checkpointer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "storage/sqlite/test_support.h"

namespace herald::storage::sqlite {
namespace {

constexpr int kRows = 400;
const std::string kValue(8000, 'x');  // two or three pages a row

std::unique_ptr<Connection> Open(const std::string& path) {
  auto db = Connection::Open(path, Connection::Mode::kReadWrite);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(*db) : nullptr;
}

void InsertRows(Connection& db) {
  for (int i = 0; i < kRows; ++i) {
    Result<Statement> insert = db.Prepare("INSERT INTO t (v) VALUES (?1)");
    ASSERT_TRUE(insert.ok());
    insert->Bind(1, kValue);
    ASSERT_TRUE(insert->Run().ok());  // its own transaction, its own commit
  }
}

uintmax_t SizeOf(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

// Polls for up to 30 s.
template <typename Predicate>
bool Eventually(Predicate predicate) {
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(std::chrono::milliseconds(10))) {
    if (predicate()) return true;
  }
  return predicate();
}

TEST(CheckpointerTest, CommitsLeaveTheCopyingToTheCheckpointer) {
  TempDir dir;
  const std::string path = dir.File("c.db");
  std::unique_ptr<Connection> db = Open(path);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").ok());
  const uintmax_t empty = SizeOf(path);

  {
    int last_frames = 0;
    db->OnCommit([&](int frames) { last_frames = frames; });
    InsertRows(*db);
    // No automatic checkpoint ran: the WAL holds every row, the database file none.
    EXPECT_GE(last_frames, 2 * kRows);
    EXPECT_EQ(SizeOf(path), empty);
  }

  Checkpointer checkpointer(Open(path), /*wal_frames=*/10, /*restart_frames=*/1'000'000);
  db->OnCommit([&](int frames) { checkpointer.Committed(*db, frames); });
  InsertRows(*db);
  EXPECT_TRUE(Eventually([&] { return SizeOf(path) >= 2 * kRows * kValue.size(); }))
      << "the database file holds " << SizeOf(path) << " bytes";
}

TEST(CheckpointerTest, PastTheRestartThresholdTheWalStartsOver) {
  TempDir dir;
  const std::string path = dir.File("c.db");
  std::unique_ptr<Connection> db = Open(path);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").ok());
  Checkpointer checkpointer(Open(path), /*wal_frames=*/10, /*restart_frames=*/50);
  int smallest_after_restart = 1'000'000;
  int largest = 0;
  db->OnCommit([&](int frames) {
    if (frames > largest) largest = frames;
    if (largest >= 50 && frames < smallest_after_restart) smallest_after_restart = frames;
    checkpointer.Committed(*db, frames);
  });
  // Commits go on until the WAL has started over at least once (a commit finds it small again).
  for (int round = 0; round < 50 && smallest_after_restart >= 50; ++round) InsertRows(*db);
  EXPECT_LT(smallest_after_restart, 50) << "the WAL grew to " << largest << " frames and never started over";
}

TEST(CheckpointerTest, CheckpointsThatMeetAreNoError) {
  TempDir dir;
  const std::string path = dir.File("c.db");
  std::unique_ptr<Connection> db = Open(path);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").ok());
  std::atomic<bool> writing = true;
  std::atomic<int> busy = 0;
  std::atomic<int> failed = 0;
  auto checkpoint = [&] {
    std::unique_ptr<Connection> own = Open(path);
    while (writing) {
      Result<Connection::CheckpointResult> done = own->Checkpoint();
      if (!done.ok()) {
        ++failed;
      } else if (done->busy) {
        ++busy;
        EXPECT_EQ(done->copied_frames, 0);
      }
    }
  };
  std::thread first(checkpoint);
  std::thread second(checkpoint);
  InsertRows(*db);
  writing = false;
  first.join();
  second.join();
  EXPECT_EQ(failed, 0) << busy << " checkpoints met another";
}

}  // namespace
}  // namespace herald::storage::sqlite
