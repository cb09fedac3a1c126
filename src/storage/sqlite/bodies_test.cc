// Bodies with shared parts (bodies.h): what lands in which table, and how a damaged parts list reads.
#include "storage/sqlite/bodies.h"

#include <gtest/gtest.h>

#include <string>

#include "base/digest.h"
#include "base/random.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/test_support.h"

namespace herald::storage::sqlite {
namespace {

class BodiesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Connection::Open(dir_.File("herald.db"), Connection::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_, SchemaMigrations()).ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO accounts (id, name, is_operator, created_at) VALUES"
                          " ('acc_a', 'A', 0, 0), ('acc_b', 'B', 0, 0)")
                    .ok());
  }

  // Inserts the message row a body belongs to (its foreign key), then the body.
  Status Insert(const std::string& id, const std::string& account, const std::string& raw,
                std::vector<SharedPart> parts) {
    std::string sql =
        "INSERT INTO messages (id, account_id, status, campaign, mail_from, rcpt_to, from_header, to_header, subject,"
        " tags, metadata, idempotency_key, created_at, updated_at, attempts, smtputf8) VALUES ('" + id + "', '" +
        account + "', 'queued', '', '', 'a@b.example', '', '', '', '[]', '{}', '', 0, 0, 0, 0)";
    if (Status s = db_->Exec(sql); !s.ok()) return s;
    return InsertBodySql(*db_, id, account, raw, parts);
  }

  int64_t Count(const std::string& sql) {
    auto stmt = db_->Prepare(sql);
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(*stmt->Step());
    return stmt->Int(0);
  }

  // The message `id` read back whole.
  std::string Read(const std::string& id) {
    std::string raw;
    std::optional<std::string> parts;
    std::string compression;
    {
      auto stmt = db_->Prepare("SELECT raw, parts, compression FROM message_bodies WHERE message_id = ?1");
      EXPECT_TRUE(stmt.ok());
      stmt->Bind(1, id);
      EXPECT_TRUE(*stmt->Step());
      raw = stmt->Blob(0);
      if (!stmt->IsNull(1)) parts = std::string(stmt->Text(1));
      compression = stmt->Text(2);
    }
    Result<std::string> whole = AssembleBodySql(*db_, raw, parts, compression);
    EXPECT_TRUE(whole.ok()) << whole.status().ToString();
    return whole.ok() ? *whole : "";
  }

  TempDir dir_;
  std::unique_ptr<Connection> db_;
};

TEST_F(BodiesTest, APartIsKeptOncePerAccountAndPutBackInItsPlace) {
  const std::string first(5000, 'F'), second(6000, 'S');
  const std::string one = "head\r\n" + first + "\r\nmiddle\r\n" + second + "\r\ntail\r\n";
  const std::string two = "other head\r\n" + second + "\r\n";
  const std::vector<SharedPart> one_parts = {{6, first.size(), Sha256(first)},
                                             {6 + first.size() + 10, second.size(), Sha256(second)}};
  ASSERT_TRUE(Insert("msg_1", "acc_a", one, one_parts).ok());
  ASSERT_TRUE(Insert("msg_2", "acc_a", two, {{12, second.size(), Sha256(second)}}).ok());
  ASSERT_TRUE(Insert("msg_3", "acc_b", two, {{12, second.size(), Sha256(second)}}).ok());

  EXPECT_EQ(Count("SELECT count(*) FROM body_parts WHERE account_id = 'acc_a'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM body_parts WHERE account_id = 'acc_b'"), 1);  // never shared across accounts
  // The bodies hold only what is not shared.
  EXPECT_EQ(Count("SELECT length(raw) FROM message_bodies WHERE message_id = 'msg_1'"),
            static_cast<int64_t>(one.size() - first.size() - second.size()));
  EXPECT_EQ(Read("msg_1"), one);
  EXPECT_EQ(Read("msg_2"), two);
  EXPECT_EQ(Read("msg_3"), two);
}

TEST_F(BodiesTest, SmallPartsAndBodiesWithoutPartsStayWhole) {
  ASSERT_TRUE(Insert("msg_1", "acc_a", "head\r\nsmall\r\n", {{6, 5, Sha256("small")}}).ok());
  ASSERT_TRUE(Insert("msg_2", "acc_a", "plain\r\n", {}).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM body_parts"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM message_bodies WHERE parts IS NULL"), 2);
  EXPECT_EQ(Read("msg_1"), "head\r\nsmall\r\n");
}

TEST_F(BodiesTest, PartsOutsideTheMessageAreRefused) {
  const std::string raw = "head\r\n" + std::string(5000, 'x');
  EXPECT_EQ(Insert("msg_1", "acc_a", raw, {{10, 5000, Sha256("x")}}).code(), Code::kInvalidArgument);
  const std::vector<SharedPart> overlapping = {{6, 4096, Sha256("a")}, {100, 4096, Sha256("b")}};
  EXPECT_EQ(Insert("msg_2", "acc_a", raw, overlapping).code(), Code::kInvalidArgument);
}

std::string RandomText(size_t size) {
  std::string bytes(size, '\0');
  RandomBytes(bytes.data(), size);
  return bytes;
}

// An HTML message: markup and text repeated, as a rendered campaign is.
std::string HtmlMessage(size_t rows) {
  std::string html = "Content-Type: text/html\r\n\r\n<table>\r\n";
  for (size_t i = 0; i < rows; ++i)
    html += "<tr><td style=\"padding:12px\">Row " + std::to_string(i) + ": you may return any item.</td></tr>\r\n";
  return html + "</table>\r\n";
}

TEST_F(BodiesTest, WhatCompressesIsStoredCompressedAndReadsBackWhole) {
  const std::string alone = HtmlMessage(500);
  const std::string shared = RandomText(6000);  // an attachment, which does not compress
  const std::string with_part = HtmlMessage(300) + shared + HtmlMessage(10);
  const size_t part_at = with_part.size() - shared.size() - HtmlMessage(10).size();
  ASSERT_TRUE(Insert("msg_1", "acc_a", alone, {}).ok());
  ASSERT_TRUE(Insert("msg_2", "acc_a", with_part, {{part_at, shared.size(), Sha256(shared)}}).ok());

  EXPECT_EQ(Count("SELECT count(*) FROM message_bodies WHERE compression = 'zstd'"), 2);
  EXPECT_LT(Count("SELECT length(raw) FROM message_bodies WHERE message_id = 'msg_1'"),
            static_cast<int64_t>(alone.size() / 5));
  EXPECT_EQ(Count("SELECT length(bytes) FROM body_parts"), static_cast<int64_t>(shared.size()));
  EXPECT_EQ(Read("msg_1"), alone);
  EXPECT_EQ(Read("msg_2"), with_part);
}

TEST_F(BodiesTest, WhatDoesNotCompressIsStoredAsItIs) {
  const std::string random = RandomText(3000);
  ASSERT_TRUE(Insert("msg_1", "acc_a", random, {}).ok());
  ASSERT_TRUE(Insert("msg_2", "acc_a", "tiny\r\n", {}).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM message_bodies WHERE compression IS NULL"), 2);
  EXPECT_EQ(Read("msg_1"), random);
  EXPECT_EQ(Read("msg_2"), "tiny\r\n");
}

TEST_F(BodiesTest, ADamagedOrUnknownCompressionIsCorruption) {
  Result<StoredBody> body = PrepareBody("msg_1", HtmlMessage(100), {});
  ASSERT_TRUE(body.ok());
  ASSERT_TRUE(body->compressed);
  std::string damaged = body->bytes;
  damaged[damaged.size() / 2] ^= 0x5a;
  const std::string truncated = body->bytes.substr(0, body->bytes.size() - 10);
  for (const std::string& frame : {damaged, truncated, std::string("not a frame")}) {
    EXPECT_EQ(AssembleBodySql(*db_, frame, std::nullopt, kZstd).status().code(), Code::kCorruption);
  }
  EXPECT_EQ(AssembleBodySql(*db_, body->bytes, std::nullopt, "brotli").status().code(), Code::kCorruption);
  // A body written before compression (NULL) is read as it is.
  EXPECT_EQ(*AssembleBodySql(*db_, "raw bytes", std::nullopt, ""), "raw bytes");
}

TEST_F(BodiesTest, ADamagedPartsListIsCorruptionNotAGuess) {
  for (const char* parts : {"not json", "{}", "[[1]]", "[[\"1\", 1]]", "[[-1, 1]]", "[[99, 1]]", "[[0, 12345]]",
                            "[[3, 1], [1, 1]]"}) {
    Result<std::string> whole = AssembleBodySql(*db_, "raw", std::string_view(parts));
    EXPECT_EQ(whole.status().code(), Code::kCorruption) << parts;
  }
}

}  // namespace
}  // namespace herald::storage::sqlite
