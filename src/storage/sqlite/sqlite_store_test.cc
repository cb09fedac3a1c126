// What only the SQLite backend promises: group commit, migrations, refusing a newer schema, surviving a
// crash, and meeting a damaged file with an error instead of a crash.
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <latch>
#include <thread>
#include <vector>

#include "base/random.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/test_support.h"
#include "storage/sync.h"

namespace herald::storage::sqlite {
namespace {

const TimePoint kStart = FromUnixMillis(1'700'000'000'000);

class SqliteStoreTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<Store>> Open() { return OpenSqliteStore({path_}, clock_); }

  std::unique_ptr<Store> OpenOk() {
    auto store = Open();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static void MakeAccount(Store& store, const std::string& id) {
    core::Account account{id, "A", false, kStart};
    core::ApiKey key{"key_" + id, id, "k", core::Scope::kAdmin, "hash_" + id, "hk_", kStart, std::nullopt};
    ASSERT_TRUE(WaitFor([&](StatusCallback done) { store.CreateAccount(account, key, done); }).ok());
  }

  static NewMessage Message(const std::string& account_id, TimePoint at) {
    NewMessage m;
    m.record.id = NewId("msg", at);
    m.record.account_id = account_id;
    m.record.rcpt_to = "x@example.com";
    m.record.created_at = m.record.updated_at = at;
    m.record.next_attempt_at = at;
    m.raw = "Subject: x\r\n\r\nx\r\n";
    m.queued_event = {core::EventType::kQueued, at, nlohmann::json::object()};
    return m;
  }

  void WriteFile(const std::string& bytes, std::streamoff offset = 0) {
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    if (!file) file.open(path_, std::ios::out | std::ios::binary);
    file.seekp(offset);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  TempDir dir_;
  std::string path_ = dir_.File("herald.db");
  ManualClock clock_{kStart};
};

TEST_F(SqliteStoreTest, ConcurrentWritesShareCommits) {
  auto store = OpenOk();
  ASSERT_NE(store, nullptr);
  MakeAccount(*store, "acc_a");
  SqliteStoreStats before = *GetSqliteStoreStats(*store);

  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  std::atomic<int> acknowledged{0};
  std::latch done(kThreads * kPerThread);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        store->InsertMessage(Message("acc_a", kStart + Duration(t * kPerThread + i)), kStart,
                             [&](Result<InsertOutcome> r) {
                               if (r.ok()) ++acknowledged;
                               done.count_down();
                             });
      }
    });
  }
  for (auto& t : threads) t.join();
  done.wait();

  SqliteStoreStats after = *GetSqliteStoreStats(*store);
  const uint64_t writes = after.writes - before.writes;
  const uint64_t commits = after.commits - before.commits;
  EXPECT_EQ(acknowledged.load(), kThreads * kPerThread);
  EXPECT_EQ(writes, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_LE(commits * 10, writes) << commits << " commits for " << writes << " writes";
  RecordProperty("commits", static_cast<int>(commits));
}

TEST_F(SqliteStoreTest, StatsAreOnlyForSqliteStores) {
  class NotSqlite : public Store {
   public:
    void CreateAccount(core::Account, core::ApiKey, StatusCallback) override {}
    void SetAccountPool(std::string, std::string, StatusCallback) override {}
    void CreateApiKey(core::ApiKey, StatusCallback) override {}
    void RevokeApiKey(std::string, std::string, TimePoint, StatusCallback) override {}
    void InsertMessage(NewMessage, TimePoint, ResultCallback<InsertOutcome>) override {}
    void InsertMessageGroup(NewMessageGroup, ResultCallback<std::vector<core::MessageStatus>>) override {}
    void RecordReport(ReportRecord, StatusCallback) override {}
    void AddSuppression(core::Suppression, StatusCallback) override {}
    void DeleteSuppression(std::string, std::string, StatusCallback) override {}
    Result<SuppressionPage> ListSuppressions(const SuppressionQuery&) override { return Status::Internal(""); }
    Result<SuppressionExportPage> ExportSuppressions(const SuppressionExportQuery&) override {
      return Status::Internal("");
    }
    Result<core::MessageRecord> FindReportedMessage(std::string_view, std::string_view) override {
      return Status::Internal("");
    }
    void RecordAttempt(AttemptRecord, StatusCallback) override {}
    void CancelMessage(std::string, core::Event, ResultCallback<CancelOutcome>) override {}
    void RecordEngagement(std::string, core::Event, StatusCallback) override {}
    void CreateSmtpConnection(core::SmtpConnection, StatusCallback) override {}
    void UpdateSmtpConnection(core::SmtpConnection, StatusCallback) override {}
    void DeleteSmtpConnection(std::string, std::string, StatusCallback) override {}
    void TouchSmtpConnection(std::string, TimePoint, StatusCallback) override {}
    void CreateDomain(core::SendingDomain, StatusCallback) override {}
    void CreateProfileTable(core::ProfileTable, StatusCallback) override {}
    void CreateCampaign(core::Campaign, StatusCallback) override {}
    void CreateInteractionTable(core::InteractionTable, StatusCallback) override {}
    void CreateRow(NewRow, ResultCallback<RowWriteOutcome>) override {}
    void UpdateRow(RowChange, ResultCallback<RowWriteOutcome>) override {}
    void DeleteRow(std::string, std::string, StatusCallback) override {}
    void DeleteInteractionTable(std::string, std::string, StatusCallback) override {}
    Result<core::InteractionTable> GetInteractionTable(std::string_view, std::string_view) override {
      return Status::Internal("");
    }
    Result<std::vector<core::InteractionTable>> ListInteractionTables(std::string_view) override {
      return Status::Internal("");
    }
    Result<core::Row> GetRow(std::string_view, std::string_view) override { return Status::Internal(""); }
    Result<core::Row> FindRowByKey(std::string_view, std::string_view) override { return Status::Internal(""); }
    Result<RowPage> ListRows(std::string_view, std::string_view, std::string_view, int) override {
      return Status::Internal("");
    }
    Result<RowEventPage> ListRowEvents(std::string_view, int64_t, int) override { return Status::Internal(""); }
    void UpdateCampaign(core::Campaign, ResultCallback<core::Campaign>) override {}
    void DeleteCampaign(std::string, std::string, StatusCallback) override {}
    Result<core::Campaign> GetCampaign(std::string_view, std::string_view) override { return Status::Internal(""); }
    Result<std::vector<core::Campaign>> ListCampaigns(std::string_view) override { return Status::Internal(""); }
    Result<core::CampaignContent> GetCampaignVersion(std::string_view, int) override { return Status::Internal(""); }
    void UpsertProfile(ProfileWrite, ResultCallback<ProfileWriteOutcome>) override {}
    void DeleteProfile(std::string, std::string, StatusCallback) override {}
    Result<core::ProfileTable> GetProfileTable(std::string_view, std::string_view) override { return Status::Internal(""); }
    Result<std::vector<core::ProfileTable>> ListProfileTables(std::string_view) override { return Status::Internal(""); }
    Result<core::Profile> FindProfile(std::string_view, std::string_view, std::string_view) override {
      return Status::Internal("");
    }
    Result<ProfilePage> SearchProfiles(std::string_view, std::string_view, std::string_view, std::string_view,
                                       int) override {
      return Status::Internal("");
    }
    void UpdateDomain(core::SendingDomain, std::vector<core::AccountEvent>, StatusCallback) override {}
    void DeleteDomain(std::string, std::string, StatusCallback) override {}
    Result<core::SendingDomain> GetDomain(std::string_view, std::string_view) override { return Status::Internal(""); }
    Result<std::vector<core::SendingDomain>> ListDomains(std::string_view) override { return Status::Internal(""); }
    Result<std::vector<core::SendingDomain>> ListAllDomains() override { return Status::Internal(""); }
    Result<std::vector<core::AccountEvent>> ListAccountEvents(std::string_view, std::string_view, int) override {
      return Status::Internal("");
    }
    void CreateWebhook(core::Webhook, StatusCallback) override {}
    void UpdateWebhook(core::Webhook, StatusCallback) override {}
    void DeleteWebhook(std::string, std::string, StatusCallback) override {}
    void QueueWebhookDeliveries(WebhookFanOut, StatusCallback) override {}
    void RecordWebhookAttempts(std::vector<WebhookAttempt>, StatusCallback) override {}
    void DisableWebhook(std::string, TimePoint, core::AccountEvent, StatusCallback) override {}
    void PruneWebhookAttempts(TimePoint, int, ResultCallback<int>) override {}
    Result<core::Webhook> GetWebhook(std::string_view, std::string_view) override { return Status::Internal(""); }
    Result<std::vector<core::Webhook>> ListWebhooks(std::string_view) override { return Status::Internal(""); }
    Result<WebhookAttemptPage> ListWebhookAttempts(std::string_view, std::string_view, std::string_view,
                                                   int) override {
      return Status::Internal("");
    }
    Result<std::vector<core::Webhook>> ListAllWebhooks() override { return Status::Internal(""); }
    Result<int64_t> LastEventId() override { return Status::Internal(""); }
    Result<std::vector<std::string>> AccountsWithEvents(int64_t, int64_t) override { return Status::Internal(""); }
    Result<std::vector<WebhookEvent>> ListEventsAfter(std::string_view, int64_t, int) override {
      return Status::Internal("");
    }
    Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(std::string_view, int64_t, int) override {
      return Status::Internal("");
    }
    Result<core::ApiKey> FindApiKeyByHash(std::string_view) override { return Status::Internal(""); }
    Result<std::vector<core::ApiKey>> ListApiKeys(std::string_view) override { return Status::Internal(""); }
    Result<core::Account> GetAccount(std::string_view) override { return Status::Internal(""); }
    Result<core::Suppression> GetSuppression(std::string_view, std::string_view) override {
      return Status::Internal("");
    }
    Result<std::optional<core::Suppression>> FindRecipientSuppression(std::string_view) override {
      return Status::Internal("");
    }
    Result<core::Account> GetOperatorAccount() override { return Status::Internal(""); }
    Result<core::MessageRecord> GetMessage(std::string_view, std::string_view) override {
      return Status::Internal("");
    }
    Result<std::vector<core::Event>> GetEvents(std::string_view, std::string_view) override {
      return Status::Internal("");
    }
    Result<MessagePage> SearchMessages(const MessageQuery&) override { return Status::Internal(""); }
    Result<DeliveryItem> GetSandboxMessage(std::string_view, std::string_view) override {
      return Status::Internal("");
    }
    Result<SandboxPage> ListSandbox(std::string_view, std::string_view, int) override {
      return Status::Internal("");
    }
    Result<core::SmtpConnection> GetSmtpConnection(std::string_view, std::string_view) override {
      return Status::Internal("");
    }
    Result<std::vector<core::SmtpConnection>> ListSmtpConnections(std::string_view) override {
      return Status::Internal("");
    }
    Result<core::SmtpConnection> FindSmtpConnectionByUsername(std::string_view) override {
      return Status::Internal("");
    }
    Result<std::vector<core::SmtpConnection>> ListTrustedSmtpConnections() override {
      return Status::Internal("");
    }
    Result<DeliveryItem> LoadForDelivery(std::string_view) override { return Status::Internal(""); }
    Result<std::vector<PendingMessage>> ListUnfinished(std::string_view, int) override {
      return Status::Internal("");
    }
    Result<core::StatsReport> GetStats(const core::StatsQuery&) override { return Status::Internal(""); }
    Status Ping() override { return Status::Ok(); }
  };
  NotSqlite other;
  EXPECT_FALSE(GetSqliteStoreStats(other).has_value());
}

TEST_F(SqliteStoreTest, CreatesAWalDatabaseAtTheLatestSchema) {
  auto store = OpenOk();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Ping().ok());

  auto db = Connection::Open(path_, Connection::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  {
    auto mode = (*db)->Prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok());
    ASSERT_TRUE(*mode->Step());
    EXPECT_EQ(mode->Text(0), "wal");
  }
  EXPECT_EQ(*SchemaVersion(**db), static_cast<int>(SchemaMigrations().size()));

  // Closing checkpoints the WAL into the file and removes it; opening again applies nothing.
  db->reset();
  store.reset();
  EXPECT_FALSE(std::filesystem::exists(path_ + "-wal"));
  db = Connection::Open(path_, Connection::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  store = OpenOk();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*SchemaVersion(**db), static_cast<int>(SchemaMigrations().size()));
}

TEST_F(SqliteStoreTest, AppliesEachMigrationWholeOrNotAtAll) {
  auto db = Connection::Open(path_, Connection::Mode::kReadWrite);
  ASSERT_TRUE(db.ok());
  const Migration v1{1, "CREATE TABLE a (x INTEGER);"};
  const Migration v2{2, "CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1);"};
  const Migration broken{3, "CREATE TABLE c (x INTEGER); INSERT INTO nowhere VALUES (1);"};

  std::vector<Migration> first = {v1};
  ASSERT_TRUE(Migrate(**db, first).ok());
  EXPECT_EQ(*SchemaVersion(**db), 1);

  std::vector<Migration> second = {v1, v2};
  ASSERT_TRUE(Migrate(**db, second).ok());
  EXPECT_EQ(*SchemaVersion(**db), 2);
  EXPECT_TRUE(Migrate(**db, second).ok());  // nothing left to do

  std::vector<Migration> third = {v1, v2, broken};
  Status failed = Migrate(**db, third);
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("migration 3"), std::string::npos) << failed.ToString();
  EXPECT_EQ(*SchemaVersion(**db), 2);
  EXPECT_FALSE((*db)->InTransaction());
  EXPECT_FALSE((*db)->Prepare("SELECT * FROM c").ok());  // the migration's first statement was undone

  std::vector<Migration> gap = {v1, {3, "SELECT 1;"}};
  EXPECT_EQ(Migrate(**db, gap).code(), Code::kInternal);
}

TEST_F(SqliteStoreTest, RefusesADatabaseNewerThanTheBinary) {
  ASSERT_NE(OpenOk(), nullptr);
  {
    auto db = Connection::Open(path_, Connection::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)").ok());
  }
  auto store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("schema version 999"), std::string::npos)
      << store.status().ToString();
}

TEST_F(SqliteStoreTest, AFileThatIsNotADatabaseIsCorruption) {
  std::string garbage(16384, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 131 + 7) % 251);
  WriteFile(garbage);
  auto store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kCorruption) << store.status().ToString();
}

TEST_F(SqliteStoreTest, DamagedPagesGiveErrorsNotCrashes) {
  std::vector<std::string> ids;
  {
    auto store = OpenOk();
    ASSERT_NE(store, nullptr);
    MakeAccount(*store, "acc_a");
    for (int i = 0; i < 300; ++i) {
      NewMessage m = Message("acc_a", kStart + Duration(i));
      ids.push_back(m.record.id);
      ASSERT_TRUE(WaitForResult<InsertOutcome>([&](ResultCallback<InsertOutcome> done) {
                    store->InsertMessage(m, kStart, done);
                  }).ok());
    }
  }  // closing checkpoints the WAL into the file
  const auto size = std::filesystem::file_size(path_);
  ASSERT_GT(size, 40 * 4096u);
  // The second half: data pages, leaving the schema's root pages readable so the damage is met by reads.
  const auto from = size / 2 / 4096 * 4096;
  WriteFile(std::string(size - from, '\xa5'), static_cast<std::streamoff>(from));

  auto store = Open();
  if (!store.ok()) {
    EXPECT_EQ(store.status().code(), Code::kCorruption) << store.status().ToString();
    RecordProperty("damage_seen_at", "open");
    return;
  }
  RecordProperty("damage_seen_at", "read");
  // If the damage was not seen at open, reads must report it.
  int corrupt = 0;
  for (const std::string& id : ids) {
    auto m = (*store)->GetMessage("acc_a", id);
    if (!m.ok() && m.status().code() == Code::kCorruption) ++corrupt;
  }
  EXPECT_GT(corrupt, 0);
}

TEST_F(SqliteStoreTest, AcknowledgedWritesSurviveAKilledProcess) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child: write, report each acknowledged id, then die without closing anything.
    close(fds[0]);
    auto store = Open();
    if (!store.ok()) _exit(2);
    core::Account account{"acc_a", "A", false, kStart};
    core::ApiKey key{"key_a", "acc_a", "k", core::Scope::kAdmin, "hash_a", "hk_", kStart, std::nullopt};
    if (!WaitFor([&](StatusCallback done) { (*store)->CreateAccount(account, key, done); }).ok()) _exit(3);
    std::latch acked(200);
    for (int i = 0; i < 200; ++i) {
      NewMessage m = Message("acc_a", kStart + Duration(i));
      (*store)->InsertMessage(m, kStart, [&, id = m.record.id](Result<InsertOutcome> r) {
        if (r.ok()) {
          std::string line = id + "\n";
          if (write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
        }
        acked.count_down();
      });
    }
    acked.wait();
    kill(getpid(), SIGKILL);
    _exit(5);
  }
  close(fds[1]);
  std::string reported;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
    reported.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited with " << WEXITSTATUS(wstatus);

  auto store = OpenOk();
  ASSERT_NE(store, nullptr);
  int lines = 0;
  for (size_t start = 0, end; (end = reported.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string id = reported.substr(start, end - start);
    EXPECT_TRUE(store->GetMessage("acc_a", id).ok()) << id;
    ++lines;
  }
  EXPECT_EQ(lines, 200);
}

TEST_F(SqliteStoreTest, RefusesBadOptions) {
  EXPECT_EQ(OpenSqliteStore({""}, clock_).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(OpenSqliteStore({path_, 0}, clock_).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(OpenSqliteStore({path_, 4, 0}, clock_).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(OpenSqliteStore({dir_.File("missing/dir/herald.db")}, clock_).status().code(), Code::kIoError);
}

}  // namespace
}  // namespace herald::storage::sqlite
