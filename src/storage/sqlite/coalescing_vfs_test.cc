// The coalescing VFS: a commit's WAL frames are written, and a checkpoint's read, with few system
// calls, yet every reader sees every commit (through this VFS or, like another process, through
// SQLite's own), a checkpoint copies every page exactly, and a process killed mid-stream loses nothing
// it had committed.
#include "storage/sqlite/coalescing_vfs.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/test_support.h"

namespace herald::storage::sqlite {
namespace {

const std::string kValue(3000, 'v');  // most of a page a row

std::unique_ptr<Connection> Open(const std::string& path, Connection::Mode mode) {
  auto db = Connection::Open(path, mode);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(*db) : nullptr;
}

void Insert(Connection& db, int64_t id) {
  Result<Statement> insert = db.Prepare("INSERT INTO t (id, v) VALUES (?1, ?2)");
  ASSERT_TRUE(insert.ok());
  insert->Bind(1, id).Bind(2, kValue);
  ASSERT_TRUE(insert->Run().ok());
}

// Rows and the largest id, read in one statement so they come from one snapshot.
std::pair<int64_t, int64_t> CountAndMax(Connection& db) {
  Result<Statement> query = db.Prepare("SELECT count(*), coalesce(max(id), 0) FROM t");
  EXPECT_TRUE(query.ok());
  Result<bool> row = query->Step();
  EXPECT_TRUE(row.ok() && *row);
  return {query->Int(0), query->Int(1)};
}

class CoalescingVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_ = Open(path_, Connection::Mode::kReadWrite);
    ASSERT_NE(writer_, nullptr);
    ASSERT_TRUE(writer_->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").ok());
  }

  TempDir dir_;
  const std::string path_ = dir_.File("vfs.db");
  std::unique_ptr<Connection> writer_;
};

TEST_F(CoalescingVfsTest, WritesTheFramesOfACommitInFewSystemCalls) {
  const CoalescingVfsCounters before = ReadCoalescingVfsCounters();
  ASSERT_TRUE(writer_->Exec("BEGIN").ok());
  for (int id = 1; id <= 100; ++id) Insert(*writer_, id);
  ASSERT_TRUE(writer_->Exec("COMMIT").ok());
  const CoalescingVfsCounters after = ReadCoalescingVfsCounters();

  // 100 rows of most of a page: at least 100 frames, each a header and a page, 412 KB written in
  // pieces of 64 KiB.
  EXPECT_GE(after.wal_appends - before.wal_appends, 200u);
  EXPECT_LE(after.wal_writes - before.wal_writes, 8u);
  EXPECT_EQ(CountAndMax(*Open(path_, Connection::Mode::kReadOnly)),
            std::make_pair(int64_t{100}, int64_t{100}));
}

TEST_F(CoalescingVfsTest, ACheckpointReadsTheWalInLargePiecesAndCopiesItExactly) {
  ASSERT_TRUE(writer_->Exec("PRAGMA wal_autocheckpoint=0").ok());
  constexpr int kRows = 300;
  auto value_of = [](int64_t id) { return std::string(3000, static_cast<char>('a' + id % 26)); };
  for (int64_t id = 1; id <= kRows; ++id) {  // a commit each, as the daemon's groups are many
    Result<Statement> insert = writer_->Prepare("INSERT INTO t (id, v) VALUES (?1, ?2)");
    ASSERT_TRUE(insert.ok());
    ASSERT_TRUE(insert->Bind(1, id).Bind(2, value_of(id)).Run().ok());
  }

  auto checkpointer = Open(path_, Connection::Mode::kReadWrite);
  const CoalescingVfsCounters before = ReadCoalescingVfsCounters();
  Result<Connection::CheckpointResult> copied = checkpointer->Checkpoint();
  const CoalescingVfsCounters after = ReadCoalescingVfsCounters();
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(copied->copied_frames, copied->wal_frames);
  EXPECT_GE(after.wal_reads - before.wal_reads, uint64_t{kRows});  // a frame a row at least
  EXPECT_LE(after.wal_read_calls - before.wal_read_calls, (after.wal_reads - before.wal_reads) / 10);

  // What the database file now holds, read without the WAL.
  ASSERT_TRUE(checkpointer->Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  checkpointer.reset();
  writer_.reset();
  auto reader = Open(path_, Connection::Mode::kReadWrite);
  Result<Statement> rows = reader->Prepare("SELECT id, v FROM t ORDER BY id");
  ASSERT_TRUE(rows.ok());
  int64_t expected = 0;
  while (*rows->Step()) {
    ASSERT_EQ(rows->Int(0), ++expected);
    ASSERT_EQ(rows->Text(1), value_of(expected));
  }
  EXPECT_EQ(expected, kRows);
}

TEST_F(CoalescingVfsTest, ReadersSeeEveryCommitAsItLands) {
  // A reader through this VFS, and one through SQLite's own VFS as another process would read.
  auto reader = Open(path_, Connection::Mode::kReadOnly);
  sqlite3* foreign = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &foreign, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  auto foreign_count_and_max = [foreign] {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(foreign, "SELECT count(*), coalesce(max(id), 0) FROM t", -1, &stmt, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    std::pair<int64_t, int64_t> result{sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1)};
    sqlite3_finalize(stmt);
    return result;
  };

  constexpr int kCommits = 300;
  constexpr int kRowsACommit = 3;  // so a commit is several frames, and half of one would show
  std::atomic<int64_t> committed{0};
  std::atomic<bool> done{false};
  std::vector<std::string> failures;
  std::thread readers([&] {
    int64_t seen = 0;
    while (!done.load()) {
      const int64_t floor = committed.load();  // read first: the snapshots hold at least these rows
      for (auto [count, max] : {CountAndMax(*reader), foreign_count_and_max()}) {
        if (count != max || count % kRowsACommit != 0 || count < floor || count < seen) {
          failures.push_back("count " + std::to_string(count) + ", max " + std::to_string(max) + ", floor " +
                             std::to_string(floor));
        }
        seen = std::max(seen, count);
      }
    }
  });
  for (int64_t id = 1; id <= kCommits * kRowsACommit;) {
    ASSERT_TRUE(writer_->Exec("BEGIN").ok());
    for (int row = 0; row < kRowsACommit; ++row) Insert(*writer_, id++);
    ASSERT_TRUE(writer_->Exec("COMMIT").ok());
    committed.store(id - 1);
  }
  done.store(true);
  readers.join();
  sqlite3_close(foreign);

  EXPECT_TRUE(failures.empty()) << failures.size() << " inconsistent reads, the first: "
                                << (failures.empty() ? "" : failures.front());
  const int64_t rows = kCommits * kRowsACommit;
  EXPECT_EQ(CountAndMax(*reader), std::make_pair(rows, rows));
}

TEST_F(CoalescingVfsTest, AKilledProcessLosesNoCommit) {
  int acknowledged[2];
  ASSERT_EQ(pipe(acknowledged), 0);
  writer_.reset();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // commits rows one by one and reports each id once its commit returned
    close(acknowledged[0]);
    auto db = Connection::Open(path_, Connection::Mode::kReadWrite);
    for (int64_t id = 1; db.ok(); ++id) {
      Result<Statement> insert = (*db)->Prepare("INSERT INTO t (id, v) VALUES (?1, ?2)");
      if (!insert.ok() || !insert->Bind(1, id).Bind(2, kValue).Run().ok()) break;
      if (write(acknowledged[1], &id, sizeof id) != sizeof id) break;
    }
    _exit(1);
  }
  close(acknowledged[1]);
  int64_t last = 0;
  while (last < 200 && read(acknowledged[0], &last, sizeof last) == sizeof last) {
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  for (int64_t id; read(acknowledged[0], &id, sizeof id) == sizeof id;) last = id;
  close(acknowledged[0]);

  auto db = Open(path_, Connection::Mode::kReadWrite);
  const auto [count, max] = CountAndMax(*db);
  EXPECT_GE(count, last);  // a commit may have landed without being reported
  EXPECT_EQ(count, max);
  Result<Statement> check = db->Prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.ok());
  ASSERT_TRUE(*check->Step());
  EXPECT_EQ(check->Text(0), "ok");
}

}  // namespace
}  // namespace herald::storage::sqlite
