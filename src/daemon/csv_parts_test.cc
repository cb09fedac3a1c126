#include "daemon/csv_parts.h"

#include <gtest/gtest.h>

#include <sstream>

namespace herald::daemon {
namespace {

// A text cut into parts.
struct Split {
  Split(const std::string& text, size_t part_bytes) : in(text), parts(in, part_bytes) {}

  std::vector<CsvPart> All() {
    std::vector<CsvPart> out;
    for (;;) {
      auto part = parts.Next();
      EXPECT_TRUE(part.ok()) << part.status().ToString();
      if (!part.ok() || !*part) return out;
      out.push_back(std::move(**part));
    }
  }

  std::istringstream in;
  CsvParts parts;
};

// Each record of each part, numbered as the daemon numbers it (first_row), with its fields.
std::vector<std::pair<uint64_t, std::vector<std::string>>> AsTheDaemonReadsThem(const std::vector<CsvPart>& parts) {
  std::vector<std::pair<uint64_t, std::vector<std::string>>> rows;
  for (const CsvPart& part : parts) {
    CsvReader reader;
    CsvRecord record;
    std::string_view csv = part.csv;
    for (;;) {
      const CsvStep step = reader.Next(csv, true, record);
      csv.remove_prefix(step.consumed);
      if (step.kind != CsvStep::kRecord) break;
      EXPECT_EQ(record.error, CsvError::kNone);
      if (record.row == 1) {
        EXPECT_EQ(record.fields, (std::vector<std::string>{"email", "name"}));
      } else if (!record.blank) {
        rows.emplace_back(part.first_row + record.row - 2, record.fields);
      }
    }
  }
  return rows;
}

TEST(CsvParts, CutsBetweenRecordsAndKeepsTheirRowNumbers) {
  std::string text = "\xEF\xBB\xBF" "email,name\r\n";
  for (int i = 0; i < 100; ++i) text += "u" + std::to_string(i) + "@example.com,\"Name\n" + std::to_string(i) + "\"\r\n";
  text += "\nlast@example.com,Last";  // a blank line, and no line end at the end
  std::vector<CsvPart> parts = Split(text, 256).All();
  ASSERT_GT(parts.size(), 5u);
  uint64_t next_row = 2;
  for (const CsvPart& part : parts) {
    EXPECT_TRUE(part.csv.starts_with("email,name\r\n")) << part.csv;
    EXPECT_TRUE(part.csv.ends_with("\n"));
    EXPECT_LT(part.csv.size(), 256u + 64u);
    EXPECT_EQ(part.first_row, next_row);
    next_row += part.records;
  }
  EXPECT_EQ(next_row, 104u);
  auto rows = AsTheDaemonReadsThem(parts);
  ASSERT_EQ(rows.size(), 101u);
  EXPECT_EQ(rows[0], (std::pair<uint64_t, std::vector<std::string>>{2, {"u0@example.com", "Name\n0"}}));
  EXPECT_EQ(rows[99].first, 101u);
  EXPECT_EQ(rows[100], (std::pair<uint64_t, std::vector<std::string>>{103, {"last@example.com", "Last"}}));
}

TEST(CsvParts, MalformedRecordsAreReportedAndSentAsBlankLines) {
  Split split("email,name\na@example.com,A\n\"b@example.com,B\nc@example.com,\"C\"x\nd@example.com,D\n", 20);
  std::vector<CsvPart> sent = split.All();
  EXPECT_EQ(split.parts.malformed(), 2u);
  ASSERT_EQ(split.parts.errors().size(), 2u);
  EXPECT_EQ(split.parts.errors()[0],
            (profiles::ImportError{3, "unterminated_quote", "", CsvErrorMessage(CsvError::kUnterminatedQuote, {})}));
  EXPECT_EQ(split.parts.errors()[1].row, 4u);
  EXPECT_EQ(split.parts.errors()[1].code, "bad_quote");
  auto rows = AsTheDaemonReadsThem(sent);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].first, 2u);
  EXPECT_EQ(rows[1], (std::pair<uint64_t, std::vector<std::string>>{5, {"d@example.com", "D"}}));
  std::string all;
  for (const CsvPart& part : sent) all += part.csv;
  EXPECT_EQ(all.find("b@example.com"), std::string::npos);
}

TEST(CsvParts, ShortFiles) {
  std::vector<CsvPart> parts = Split("", 1024).All();
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].csv, "");  // for the daemon to say what is wrong with it
  parts = Split("email,name", 1024).All();
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].csv, "email,name\n");
  EXPECT_EQ(parts[0].records, 0u);
  parts = Split("email,name\nx@example.com,X\ny@example.com,Y\n", 8).All();  // one record a part
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].csv, "email,name\ny@example.com,Y\n");
  EXPECT_EQ(parts[1].first_row, 3u);
}

TEST(CsvParts, AMalformedHeaderIsNotSent) {
  std::istringstream in("email,\"name\nx,y\n");
  CsvParts parts(in, 1024);
  auto part = parts.Next();
  EXPECT_EQ(part.status().code(), Code::kInvalidArgument);
  EXPECT_NE(part.status().message().find("the header (row 1)"), std::string::npos);
  EXPECT_FALSE(*parts.Next());
}

}  // namespace
}  // namespace herald::daemon
