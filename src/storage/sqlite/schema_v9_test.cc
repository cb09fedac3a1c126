// Schema migration 9 (reports and the suppression API): a suppression written by an older Herald's
// synchronous hard bounce is read with the source the other writers use, and the list pages over it.
#include <gtest/gtest.h>

#include <string>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/test_support.h"

namespace herald::storage::sqlite {
namespace {

TEST(SchemaV9Test, AnOlderHardBounceSuppressionReadsAsABounce) {
  TempDir dir;
  const std::string path = dir.File("herald.db");
  ASSERT_NO_FATAL_FAILURE(WriteOlderDatabase(
      path, 8,
      "INSERT INTO accounts (id, name, is_operator, created_at) VALUES ('acc_1', 'A', 0, 0);"
      "INSERT INTO suppressions (account_id, address, reason, source, message_id, created_at)"
      " VALUES ('acc_1', 'gone@example.com', 'user_unknown', 'hard_bounce', 'msg_1', 5);"));
  ManualClock clock{FromUnixMillis(1'700'000'000'000)};
  auto store = OpenSqliteStore({path}, clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto suppression = (*store)->GetSuppression("acc_1", "Gone@Example.com");
  ASSERT_TRUE(suppression.ok()) << suppression.status().ToString();
  EXPECT_EQ(suppression->source, "bounce");
  EXPECT_EQ(suppression->reason, "user_unknown");
  auto page = (*store)->ListSuppressions({"acc_1"});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->suppressions.size(), 1u);
  EXPECT_EQ(page->suppressions[0].address, "gone@example.com");
}

}  // namespace
}  // namespace herald::storage::sqlite
