#include "mime/submitted_message_fields.h"

#include <gtest/gtest.h>

namespace herald::mime {
namespace {

TEST(ScanHeaderSection, GivesEachFieldItsNameValueAndByteRange) {
  std::string_view raw = "From : a@b.example\r\nSubject: one\r\n two\r\n\tthree\r\nX-Empty:\r\n\r\nbody\r\n";
  Result<RawHeaderSection> section = ScanHeaderSection(raw, 1000);
  ASSERT_TRUE(section.ok()) << section.status().ToString();
  ASSERT_EQ(section->fields.size(), 3u);
  EXPECT_EQ(section->fields[0].name, "From");
  EXPECT_EQ(section->fields[0].value, " a@b.example");
  EXPECT_EQ(raw.substr(section->fields[0].begin, section->fields[0].end - section->fields[0].begin),
            "From : a@b.example\r\n");
  EXPECT_EQ(section->fields[1].value, " one\r\n two\r\n\tthree");
  EXPECT_EQ(raw.substr(section->fields[1].begin, section->fields[1].end - section->fields[1].begin),
            "Subject: one\r\n two\r\n\tthree\r\n");
  EXPECT_EQ(section->fields[2].value, "");
  EXPECT_EQ(raw.substr(section->end), "\r\nbody\r\n");
  EXPECT_FALSE(section->last_line_unended);
}

TEST(ScanHeaderSection, HandlesMessagesWithoutABody) {
  Result<RawHeaderSection> ended = ScanHeaderSection("A: 1\r\nB: 2\r\n", 1000);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->end, 12u);
  EXPECT_FALSE(ended->last_line_unended);
  Result<RawHeaderSection> unended = ScanHeaderSection("A: 1\r\nB: 2", 1000);
  ASSERT_TRUE(unended.ok());
  EXPECT_EQ(unended->fields[1].value, " 2");
  EXPECT_EQ(unended->fields[1].end, 10u);
  EXPECT_TRUE(unended->last_line_unended);
  Result<RawHeaderSection> empty = ScanHeaderSection("\r\nbody", 1000);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->fields.empty());
  EXPECT_EQ(empty->end, 0u);
}

TEST(ScanHeaderSection, CountsTheLimitUpToTheSectionsEnd) {
  EXPECT_TRUE(ScanHeaderSection("A: 1\r\n\r\n" + std::string(5000, 'x'), 6).ok());
  EXPECT_FALSE(ScanHeaderSection("A: 12\r\n\r\n", 6).ok());
}

TEST(UnfoldValue, RemovesLineBreaksAndTrims) {
  EXPECT_EQ(UnfoldValue(" one\r\n two\r\n\tthree \t"), "one two\tthree");
  EXPECT_EQ(UnfoldValue("\r\n "), "");
  EXPECT_EQ(UnfoldValue(""), "");
}

}  // namespace
}  // namespace herald::mime
