// Schema migration 2 (SMTP connections, shared message bodies): a version 1 database is brought up to
// date with its messages intact, and a message group keeps one copy of its body.
#include <gtest/gtest.h>

#include <string>

#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/test_support.h"
#include "storage/sync.h"

namespace herald::storage::sqlite {
namespace {

const TimePoint kStart = FromUnixMillis(1'700'000'000'000);

int64_t CountRows(Connection& db, const std::string& sql) {
  auto count = db.Prepare(sql);
  EXPECT_TRUE(count.ok()) << count.status().ToString();
  if (!count.ok()) return -1;
  auto row = count->Step();
  EXPECT_TRUE(row.ok() && *row);
  return count->Int(0);
}

// Writes an account and a message with its body and event the way Herald 1 did, at schema version 1.
void MakeVersion1Database(const std::string& path) {
  WriteOlderDatabase(
      path, 1,
      "INSERT INTO accounts (id, name, is_operator, created_at) VALUES ('acc_1', 'A', 0, 0);"
      "INSERT INTO messages (id, account_id, status, campaign, mail_from, rcpt_to, from_header,"
      " to_header, subject, tags, metadata, idempotency_key, created_at, updated_at, attempts,"
      " next_attempt_at, smtputf8, captured_at) VALUES ('msg_old', 'acc_1', 'delivered', '',"
      " 'a@shop.example', 'b@example.com', 'a@shop.example', 'b@example.com', 'Old', '[]', '{}',"
      " '', 0, 0, 1, NULL, 0, 5);"
      "INSERT INTO message_bodies (message_id, raw) VALUES ('msg_old', 'Subject: Old\r\n\r\nx\r\n');"
      "INSERT INTO events (message_id, account_id, type, at, details)"
      " VALUES ('msg_old', 'acc_1', 'queued', 0, '{}');");
}

class SchemaV2Test : public ::testing::Test {
 protected:
  std::unique_ptr<Store> OpenOk() {
    auto store = OpenSqliteStore({path_}, clock_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static core::MessageRecord Record(const std::string& id, const std::string& rcpt) {
    core::MessageRecord r;
    r.id = id;
    r.account_id = "acc_1";
    r.rcpt_to = rcpt;
    r.created_at = r.updated_at = kStart;
    r.next_attempt_at = kStart;
    return r;
  }

  TempDir dir_;
  std::string path_ = dir_.File("herald.db");
  ManualClock clock_{kStart};
};

TEST_F(SchemaV2Test, MigratesAVersion1DatabaseKeepingItsMessages) {
  MakeVersion1Database(path_);
  auto store = OpenOk();
  ASSERT_NE(store, nullptr);

  auto item = store->LoadForDelivery("msg_old");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->raw, "Subject: Old\r\n\r\nx\r\n");
  EXPECT_EQ(item->record.subject, "Old");
  auto captured = store->GetSandboxMessage("acc_1", "msg_old");
  ASSERT_TRUE(captured.ok()) << captured.status().ToString();
  EXPECT_EQ(captured->raw, "Subject: Old\r\n\r\nx\r\n");
  EXPECT_EQ(store->GetEvents("acc_1", "msg_old")->size(), 1u);

  // The new tables work.
  core::SmtpConnection c;
  c.id = "smtp_1";
  c.account_id = "acc_1";
  c.name = "Shop";
  c.username = "smtp_abc";
  c.password_hash = "hash";
  c.domains = {"shop.example"};
  c.trusted_networks = {"127.0.0.0/8"};
  c.created_at = kStart;
  ASSERT_TRUE(WaitFor([&](StatusCallback done) { store->CreateSmtpConnection(c, done); }).ok());
  EXPECT_EQ(store->ListTrustedSmtpConnections()->size(), 1u);
  store.reset();

  auto db = Connection::Open(path_, Connection::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*SchemaVersion(**db), static_cast<int>(SchemaMigrations().size()));
  EXPECT_EQ(CountRows(**db, "SELECT count(*) FROM messages WHERE body_id IS NULL"), 1);
}

TEST_F(SchemaV2Test, AGroupKeepsOneBodyAndASingleMessageKeepsItsOwn) {
  MakeVersion1Database(path_);
  auto store = OpenOk();
  ASSERT_NE(store, nullptr);

  NewMessageGroup group;
  group.records = {Record("msg_g1", "a@example.com"), Record("msg_g2", "b@example.com"),
                   Record("msg_g3", "c@example.com")};
  group.raw = std::string(100'000, 'x');
  group.queued_at = kStart;
  ASSERT_TRUE((WaitForResult<std::vector<core::MessageStatus>>(
                   [&](ResultCallback<std::vector<core::MessageStatus>> done) { store->InsertMessageGroup(group, done); }))
                  .ok());

  NewMessage single;
  single.record = Record("msg_single", "d@example.com");
  single.raw = "Subject: single\r\n\r\nx\r\n";
  single.queued_event = {core::EventType::kQueued, kStart, nlohmann::json::object()};
  ASSERT_TRUE(WaitForResult<InsertOutcome>([&](ResultCallback<InsertOutcome> done) {
                store->InsertMessage(single, kStart, done);
              }).ok());
  EXPECT_EQ(store->LoadForDelivery("msg_g3")->raw, group.raw);
  EXPECT_EQ(store->LoadForDelivery("msg_single")->raw, single.raw);
  store.reset();

  auto db = Connection::Open(path_, Connection::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  // msg_old, the group's owner and msg_single: three bodies for five messages.
  EXPECT_EQ(CountRows(**db, "SELECT count(*) FROM message_bodies"), 3);
  EXPECT_EQ(CountRows(**db, "SELECT count(*) FROM message_bodies WHERE message_id = 'msg_g1'"), 1);
  EXPECT_EQ(CountRows(**db, "SELECT count(*) FROM messages WHERE body_id = 'msg_g1'"), 2);
  EXPECT_EQ(CountRows(**db, "SELECT count(*) FROM messages WHERE body_id IS NULL"), 3);
}

}  // namespace
}  // namespace herald::storage::sqlite
