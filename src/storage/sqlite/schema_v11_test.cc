// Schema migration 11 (attachments kept once): a body written before it has no parts list and reads back
// whole, as it was stored.
#include <gtest/gtest.h>

#include <string>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/test_support.h"

namespace herald::storage::sqlite {
namespace {

TEST(SchemaV11Test, ABodyWrittenBeforeReadsBackWhole) {
  TempDir dir;
  const std::string path = dir.File("herald.db");
  ASSERT_NO_FATAL_FAILURE(WriteOlderDatabase(
      path, 10,
      "INSERT INTO accounts (id, name, is_operator, created_at) VALUES ('acc_1', 'A', 0, 0);"
      "INSERT INTO messages (id, account_id, status, campaign, mail_from, rcpt_to, from_header,"
      " to_header, subject, tags, metadata, idempotency_key, created_at, updated_at, attempts,"
      " next_attempt_at, smtputf8) VALUES ('msg_1', 'acc_1', 'queued', '', 'a@b.example',"
      " 'c@d.example', '', '', 'Old', '[]', '{}', '', 5, 5, 0, 5, 0);"
      "INSERT INTO message_bodies (message_id, raw) VALUES ('msg_1', CAST("
      "'Subject: Old\r\n\r\nStored before schema 11.\r\n' AS BLOB));"));
  ManualClock clock{FromUnixMillis(1'700'000'000'000)};
  auto store = OpenSqliteStore({path}, clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto item = (*store)->LoadForDelivery("msg_1");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->raw, "Subject: Old\r\n\r\nStored before schema 11.\r\n");
}

}  // namespace
}  // namespace herald::storage::sqlite
