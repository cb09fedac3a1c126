#include "base/csv_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/csv_reader.h"

namespace herald {
namespace {

std::string Record(const std::vector<std::string>& fields) {
  std::string out;
  AppendCsvRecord(out, fields);
  return out;
}

TEST(CsvWriter, QuotesOnlyWhatMustBe) {
  EXPECT_EQ(Record({"plain", "jane@example.com", "", "5.1.1"}), "plain,jane@example.com,,5.1.1\r\n");
  EXPECT_EQ(Record({"a,b", "say \"hi\"", "two\nlines", "cr\r"}),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\r\n");
  EXPECT_EQ(Record({"\""}), "\"\"\"\"\r\n");
  EXPECT_EQ(Record({""}), "\r\n");
  std::string field;
  AppendCsvField(field, "=1+1");  // formulas are data here
  EXPECT_EQ(field, "=1+1");
}

TEST(CsvWriter, WhatItWritesIsReadBackAsItWas) {
  const std::vector<std::vector<std::string>> records = {
      {"address", "reason", "diagnostic"},
      {"jane@example.com", "asked \"twice\", by phone", "550 5.1.1 <jane@example.com>:\r\nUser unknown"},
      {"", ",", "\"\""},
      {"ünïcode, too", " spaces ", "tab\there"},
  };
  std::string text;
  for (const auto& record : records) AppendCsvRecord(text, record);

  CsvReader reader;
  CsvRecord record;
  std::vector<std::vector<std::string>> read;
  std::string_view rest = text;
  for (;;) {
    const CsvStep step = reader.Next(rest, true, record);
    if (step.kind != CsvStep::kRecord) break;
    EXPECT_EQ(record.error, CsvError::kNone);
    read.push_back(record.fields);
    rest.remove_prefix(step.consumed);
  }
  EXPECT_EQ(read, records);
}

}  // namespace
}  // namespace herald
