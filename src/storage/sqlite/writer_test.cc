// The group-commit writer: one transaction per group, one savepoint per write, nothing acknowledged
// before COMMIT. A "blocker" write holds the writer thread so the writes queued meanwhile are sure to
// form one group.
#include "storage/sqlite/writer.h"

#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "storage/sqlite/migrations.h"
#include "storage/sqlite/test_support.h"
#include "storage/sqlite/write_ops.h"

namespace herald::storage::sqlite {
namespace {

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Connection::Open(dir_.File("w.db"), Connection::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)
                    ->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE);"
                           "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                           "CREATE TABLE child (id INTEGER PRIMARY KEY,"
                           " parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);")
                    .ok());
    ASSERT_TRUE(Migrate(**db, SchemaMigrations()).ok());
    db_ = std::move(*db);
    writer_ = std::make_unique<Writer>(*db_, 1024);
  }

  void TearDown() override {
    if (blocked_ && !released_) Release();
    writer_.reset();  // completes what is queued while the fixture's members still exist
  }

  // Occupies the writer thread until Release().
  void Block() {
    auto started = std::make_shared<std::promise<void>>();
    auto started_future = started->get_future();
    auto released = release_.get_future().share();
    writer_->Submit({[started, released](Connection&) {
                       started->set_value();
                       released.wait();
                       return Status::Ok();
                     },
                     nullptr});
    started_future.wait();
    blocked_ = true;
  }
  void Release() {
    released_ = true;
    release_.set_value();
  }

  // Queues a write whose status lands in results_[index].
  void Submit(size_t index, std::function<Status(Connection&)> apply) {
    writer_->Submit({std::move(apply), [this, index](Status s) {
                       std::lock_guard lock(mutex_);
                       if (results_.size() <= index) results_.resize(index + 1);
                       results_[index] = std::move(s);
                       done_.count_down();
                     }});
  }

  static std::function<Status(Connection&)> InsertT(std::string v) {
    return [v](Connection& db) {
      auto insert = db.Prepare("INSERT INTO t (v) VALUES (?1)");
      if (!insert.ok()) return insert.status();
      insert->Bind(1, v);
      return insert->Run();
    };
  }

  int64_t Count(const std::string& sql) {
    auto reader = Connection::Open(dir_.File("w.db"), Connection::Mode::kReadOnly);
    EXPECT_TRUE(reader.ok());
    auto count = (*reader)->Prepare(sql);
    EXPECT_TRUE(count.ok());
    EXPECT_TRUE(*count->Step());
    return count->Int(0);
  }

  TempDir dir_;
  std::unique_ptr<Connection> db_;
  std::unique_ptr<Writer> writer_;
  std::promise<void> release_;
  bool blocked_ = false;
  bool released_ = false;
  std::mutex mutex_;
  std::vector<Status> results_;
  std::latch done_{3};
};

TEST_F(WriterTest, AFailingWriteIsUndoneAloneAndTheGroupCommitsOnce) {
  const uint64_t commits_before = writer_->commits();
  Block();
  Submit(0, InsertT("a"));
  Submit(1, InsertT("a"));  // violates UNIQUE
  Submit(2, InsertT("b"));
  Release();
  done_.wait();

  EXPECT_TRUE(results_[0].ok()) << results_[0].ToString();
  EXPECT_EQ(results_[1].code(), Code::kAlreadyExists) << results_[1].ToString();
  EXPECT_TRUE(results_[2].ok()) << results_[2].ToString();
  EXPECT_EQ(writer_->commits(), commits_before + 2);  // the blocker's group, then this one
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 2);
}

TEST_F(WriterTest, AFailedCommitAcknowledgesNothingOfTheGroup) {
  const uint64_t commits_before = writer_->commits();
  Block();
  Submit(0, InsertT("a"));
  // Passes its own statement but breaks the deferred foreign key, so COMMIT fails.
  Submit(1, [](Connection& db) { return db.Exec("INSERT INTO child (parent) VALUES (99)"); });
  Submit(2, InsertT("b"));
  Release();
  done_.wait();

  for (const Status& s : results_) EXPECT_EQ(s.code(), Code::kIoError) << s.ToString();
  EXPECT_EQ(writer_->commits(), commits_before + 1);  // the blocker's group only
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 0);

  // The writer goes on working afterwards.
  std::promise<Status> later;
  writer_->Submit({InsertT("c"), [&](Status s) { later.set_value(s); }});
  EXPECT_TRUE(later.get_future().get().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 1);
}

TEST_F(WriterTest, AnExceptionFailsOnlyItsWrite) {
  Block();
  Submit(0, InsertT("a"));
  Submit(1, [](Connection&) -> Status { throw std::runtime_error("boom"); });
  Submit(2, InsertT("b"));
  Release();
  done_.wait();
  EXPECT_TRUE(results_[0].ok());
  EXPECT_EQ(results_[1].code(), Code::kInternal);
  EXPECT_TRUE(results_[2].ok());
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 2);
}

TEST_F(WriterTest, TwoInsertsWithOneKeyInOneGroupGiveOneMessage) {
  const TimePoint now = FromUnixMillis(1'700'000'000'000);
  core::Account account{"acc_1", "A", false, now};
  core::ApiKey key{"key_1", "acc_1", "k", core::Scope::kAdmin, "hash", "hk_", now, std::nullopt};
  std::promise<Status> created;
  writer_->Submit({[&](Connection& db) { return CreateAccountSql(db, account, key); },
                   [&](Status s) { created.set_value(s); }});
  ASSERT_TRUE(created.get_future().get().ok());

  std::vector<InsertOutcome> outcomes(2);
  const uint64_t commits_before = writer_->commits();
  Block();
  for (size_t i = 0; i < 2; ++i) {
    auto message = std::make_shared<NewMessage>();
    message->record.id = "msg_" + std::to_string(i);
    message->record.account_id = "acc_1";
    message->record.idempotency_key = "same";
    message->record.created_at = message->record.updated_at = now;
    Submit(i, [message, now, &outcomes, i](Connection& db) {
      return InsertMessageSql(db, *message, StoredBody{}, now - Duration(1000), now, outcomes[i]);
    });
  }
  Submit(2, InsertT("x"));
  Release();
  done_.wait();

  ASSERT_TRUE(results_[0].ok()) << results_[0].ToString();
  ASSERT_TRUE(results_[1].ok()) << results_[1].ToString();
  EXPECT_FALSE(outcomes[0].duplicate);
  EXPECT_EQ(outcomes[0].message_id, "msg_0");
  EXPECT_TRUE(outcomes[1].duplicate);
  EXPECT_EQ(outcomes[1].message_id, "msg_0");
  EXPECT_EQ(writer_->commits(), commits_before + 2);
  EXPECT_EQ(Count("SELECT count(*) FROM messages"), 1);
}

TEST_F(WriterTest, DestructionCompletesEveryQueuedWrite) {
  std::atomic<int> ok{0};
  for (int i = 0; i < 200; ++i) {
    writer_->Submit({InsertT("v" + std::to_string(i)), [&](Status s) { ok += s.ok() ? 1 : 0; }});
  }
  writer_.reset();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 200);
}

}  // namespace
}  // namespace herald::storage::sqlite
