#include "bounces/fields.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::bounces {
namespace {

TEST(ReadHeaderBlock, UnfoldsAndStopsAtTheBody) {
  std::vector<Field> fields = ReadHeaderBlock(
      "Received: from a.example\r\n\tby b.example;\r\n    Thu, 29 Apr 2010\r\nMessage-ID: <x@y.example>\r\n"
      "Subject:\r\n\r\nBody: not a field\r\n",
      {});
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].name, "Received");
  EXPECT_EQ(fields[0].value, "from a.example by b.example; Thu, 29 Apr 2010");
  EXPECT_EQ(*FindField(fields, "message-id"), "<x@y.example>");
  EXPECT_EQ(*FindField(fields, "SUBJECT"), "");
  EXPECT_EQ(FindField(fields, "Body"), nullptr);
}

TEST(ReadHeaderBlock, EndsWhereABodyStartsWithoutItsEmptyLine) {
  std::vector<Field> fields =
      ReadHeaderBlock("To: a@b.example\nSubject: Nyaan\nNyaaaan, this is the body\nX: y\n", {});
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].value, "Nyaan");
}

TEST(ReadFieldGroups, SplitsAtBlankLines) {
  std::vector<std::vector<Field>> groups = ReadFieldGroups(
      "\nReporting-MTA: dns; mx.example\n \t \nFinal-Recipient: rfc822; a@b.example\nAction: failed\n"
      "some text that is not a field\nStatus: 5.1.1\n\n\nFinal-Recipient: rfc822; c@d.example\n",
      {});
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].size(), 1u);
  EXPECT_EQ(groups[1].size(), 3u);
  EXPECT_EQ(FindFields(groups[1], "status"), (std::vector<std::string_view>{"5.1.1"}));
  EXPECT_EQ(groups[2].size(), 1u);
}

TEST(FieldLines, AreRecognised) {
  EXPECT_TRUE(IsFieldLine("Final-Recipient: rfc822; a@b.example"));
  EXPECT_TRUE(IsFieldLine("Subject :old style"));
  EXPECT_FALSE(IsFieldLine("Original Sender:    <a@b.example>"));  // a space inside the name
  EXPECT_FALSE(IsFieldLine(": no name"));
  EXPECT_FALSE(IsFieldLine("no colon at all"));
  EXPECT_FALSE(IsFieldLine(std::string(100, 'X') + ": too long a name"));
}

TEST(FieldLimits, BoundFieldsAndValues) {
  std::string many;
  for (int i = 0; i < 50; ++i) many += "X-Field-" + std::to_string(i) + ": value\n";
  EXPECT_EQ(ReadHeaderBlock(many, {.max_fields = 10, .max_field_bytes = 100}).size(), 10u);
  EXPECT_EQ(ReadFieldGroups(many + "\n" + many, {.max_fields = 60, .max_field_bytes = 100})[1].size(), 10u);

  // A giant folded value is cut at the limit, at a UTF-8 character boundary.
  std::string giant = "Subject: start";
  for (int i = 0; i < 10000; ++i) giant += "\n \xc3\xa9\xc3\xa9";
  std::vector<Field> fields = ReadHeaderBlock(giant, {.max_fields = 10, .max_field_bytes = 1001});
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_LE(fields[0].value.size(), 1001u);
  EXPECT_NE(static_cast<unsigned char>(fields[0].value.back()), 0xc3);
}

}  // namespace
}  // namespace herald::bounces
