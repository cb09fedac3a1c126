#include "dkim/message_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/ascii.h"

namespace herald::dkim {
namespace {

using ::testing::ElementsAre;

TEST(MessageFieldsTest, SplitsFieldsWithTheirFoldedLinesAndTheBody) {
  std::string message =
      "From: a@shop.example\r\n"
      "Subject : folded\r\n"
      "\tover two lines\r\n"
      "X-Empty:\r\n"
      "\r\n"
      "body\r\n\r\nFrom: not a field\r\n";
  Result<MessageParts> parts = SplitMessage(message);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->fields.size(), 3u);
  EXPECT_EQ(parts->fields[0].name, "From");
  EXPECT_EQ(parts->fields[0].text, "From: a@shop.example\r\n");
  EXPECT_EQ(parts->fields[1].name, "Subject");  // whitespace before the colon dropped
  EXPECT_EQ(parts->fields[1].text, "Subject : folded\r\n\tover two lines\r\n");
  EXPECT_EQ(parts->fields[2].name, "X-Empty");
  EXPECT_EQ(parts->body, "body\r\n\r\nFrom: not a field\r\n");
}

TEST(MessageFieldsTest, KeepsMalformedLinesAsFieldsWithoutAName) {
  Result<MessageParts> parts = SplitMessage(" leading continuation\r\nno colon here\r\nTo: b\r\n\r\n");
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->fields.size(), 3u);
  EXPECT_EQ(parts->fields[0].name, "");
  EXPECT_EQ(parts->fields[1].name, "");
  EXPECT_EQ(parts->fields[2].name, "To");
  EXPECT_EQ(parts->body, "");
}

TEST(MessageFieldsTest, NeedsAnEmptyLineAfterTheHeader) {
  EXPECT_EQ(SplitMessage("From: a\r\n").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SplitMessage("From: a\n\nbody\n").status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(SplitMessage("\r\n").ok());  // no fields, empty body
}

TEST(MessageFieldsTest, SelectsRepeatedFieldsFromTheBottomUp) {
  std::string message =
      "X-Dup: first\r\n"
      "From: a\r\n"
      "x-dup: second\r\n"
      "X-DUP: third\r\n"
      "\r\n";
  Result<MessageParts> parts = SplitMessage(message);
  ASSERT_TRUE(parts.ok());
  EXPECT_THAT(SelectFields(parts->fields, {"x-dup", "from", "X-Dup"}),
              ElementsAre("X-DUP: third\r\n", "From: a\r\n", "x-dup: second\r\n"));
  // A name with no field left selects nothing: over-signing.
  EXPECT_THAT(SelectFields(parts->fields, {"from", "from", "x-dup", "x-dup", "x-dup", "x-dup", "subject"}),
              ElementsAre("From: a\r\n", "X-DUP: third\r\n", "x-dup: second\r\n", "X-Dup: first\r\n"));
}

TEST(MessageFieldsTest, ComparesNamesIgnoringAsciiCase) {
  EXPECT_TRUE(EqualsIgnoreCase("Message-ID", "message-id"));
  EXPECT_FALSE(EqualsIgnoreCase("From", "From "));
  EXPECT_FALSE(EqualsIgnoreCase("", "From"));
  EXPECT_EQ(FieldName("Subject \t: x"), "Subject");
  EXPECT_EQ(FieldName("no colon"), "");
}

}  // namespace
}  // namespace herald::dkim
