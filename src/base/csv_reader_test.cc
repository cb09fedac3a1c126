#include "base/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald {
namespace {

struct Read {
  uint64_t row;
  std::vector<std::string> fields;
  std::string error;  // the code, "" when well-formed
  bool blank;
  std::string raw;  // the record as written
  bool operator==(const Read&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Read& r) {
  out << "{row " << r.row << ", [";
  for (const std::string& f : r.fields) out << "'" << f << "' ";
  return out << "], error '" << r.error << "', blank " << r.blank << ", raw '" << r.raw << "'}";
}

// Every record of `text`, handed to the reader `piece` bytes at a time (0: all at once), the way a
// caller reading a file does: unconsumed bytes kept, more appended when the reader needs them.
std::vector<Read> ReadAll(std::string_view text, size_t piece = 0, CsvLimits limits = {}) {
  CsvReader reader(limits);
  std::vector<Read> out;
  std::string buffer;
  size_t given = 0;
  CsvRecord record;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    const bool at_end = given == text.size();
    const CsvStep step = reader.Next(buffer, at_end, record);
    if (step.kind == CsvStep::kRecord) {
      out.push_back({record.row, record.fields, std::string(CsvErrorCode(record.error)), record.blank,
                     buffer.substr(step.skipped, step.consumed - step.skipped)});
    }
    buffer.erase(0, step.consumed);
    if (step.kind == CsvStep::kEnd) return out;
    if (step.kind == CsvStep::kNeedMore) {
      EXPECT_FALSE(at_end) << "kNeedMore at the end of the input";
      const size_t n = piece == 0 ? text.size() - given : std::min(piece, text.size() - given);
      buffer.append(text.substr(given, n));
      given += n;
    }
  }
  ADD_FAILURE() << "the reader does not finish";
  return out;
}

// The same records however the input is cut.
std::vector<Read> ReadEveryWay(std::string_view text, CsvLimits limits = {}) {
  std::vector<Read> whole = ReadAll(text, 0, limits);
  for (size_t piece : {1, 2, 3, 5, 64}) {
    EXPECT_EQ(ReadAll(text, piece, limits), whole) << "read " << piece << " bytes at a time";
  }
  return whole;
}

using Fields = std::vector<std::string>;

Read Ok(uint64_t row, Fields fields, std::string raw) { return {row, std::move(fields), "", false, std::move(raw)}; }
Read Bad(uint64_t row, std::string code, std::string raw) { return {row, {}, std::move(code), false, std::move(raw)}; }
Read Blank(uint64_t row, std::string raw) { return {row, {""}, "", true, std::move(raw)}; }

TEST(CsvReader, FieldsAndRecords) {
  EXPECT_EQ(ReadEveryWay("a,b,c\n1,2,3\n"),
            (std::vector<Read>{Ok(1, {"a", "b", "c"}, "a,b,c\n"), Ok(2, {"1", "2", "3"}, "1,2,3\n")}));
}

TEST(CsvReader, CrlfAndLfLineEnds) {
  EXPECT_EQ(ReadEveryWay("a,b\r\n1,2\n3,4\r\n"),
            (std::vector<Read>{Ok(1, {"a", "b"}, "a,b\r\n"), Ok(2, {"1", "2"}, "1,2\n"), Ok(3, {"3", "4"}, "3,4\r\n")}));
}

TEST(CsvReader, TheLastLineEndIsOptional) {
  EXPECT_EQ(ReadEveryWay("a,b\n1,2"), (std::vector<Read>{Ok(1, {"a", "b"}, "a,b\n"), Ok(2, {"1", "2"}, "1,2")}));
  EXPECT_EQ(ReadEveryWay("a\r\n\"x\"\r"), (std::vector<Read>{Ok(1, {"a"}, "a\r\n"), Ok(2, {"x"}, "\"x\"\r")}));
  EXPECT_EQ(ReadEveryWay("a\nb\r"), (std::vector<Read>{Ok(1, {"a"}, "a\n"), Ok(2, {"b"}, "b\r")}));
}

TEST(CsvReader, EmptyInput) {
  EXPECT_EQ(ReadEveryWay(""), std::vector<Read>{});
  EXPECT_EQ(ReadEveryWay("\xEF\xBB\xBF"), std::vector<Read>{});
}

TEST(CsvReader, EmptyFields) {
  EXPECT_EQ(ReadEveryWay(",\n,,x\n\"\",\n"),
            (std::vector<Read>{Ok(1, {"", ""}, ",\n"), Ok(2, {"", "", "x"}, ",,x\n"), Ok(3, {"", ""}, "\"\",\n")}));
}

TEST(CsvReader, QuotedFieldsHoldCommasLineEndsAndDoubledQuotes) {
  EXPECT_EQ(ReadEveryWay("\"a,b\",\"line 1\r\nline 2\nline 3\",\"say \"\"hi\"\"\",\"\"\"\"\r\nnext\n"),
            (std::vector<Read>{Ok(1, {"a,b", "line 1\r\nline 2\nline 3", "say \"hi\"", "\""},
                                  "\"a,b\",\"line 1\r\nline 2\nline 3\",\"say \"\"hi\"\"\",\"\"\"\"\r\n"),
                               Ok(2, {"next"}, "next\n")}));
}

TEST(CsvReader, SpacesAndUtf8AreKeptAsWritten) {
  EXPECT_EQ(ReadEveryWay(" a , \"b\"\nZoë,日本\n"),
            (std::vector<Read>{Bad(1, "bad_quote", " a , \"b\"\n"), Ok(2, {"Zoë", "日本"}, "Zoë,日本\n")}));
  EXPECT_EQ(ReadEveryWay(" a ,b \n"), (std::vector<Read>{Ok(1, {" a ", "b "}, " a ,b \n")}));
}

TEST(CsvReader, AByteOrderMarkIsSkipped) {
  auto records = ReadEveryWay("\xEF\xBB\xBF" "email\nx\n");
  EXPECT_EQ(records, (std::vector<Read>{Ok(1, {"email"}, "email\n"), Ok(2, {"x"}, "x\n")}));
  // Only at the start.
  EXPECT_EQ(ReadEveryWay("a\n\xEF\xBB\xBF" "b\n")[1].fields, Fields{"\xEF\xBB\xBF" "b"});
}

TEST(CsvReader, BlankLinesAreRowsOfTheirOwn) {
  EXPECT_EQ(ReadEveryWay("a\n\n\r\nb\n\n"),
            (std::vector<Read>{Ok(1, {"a"}, "a\n"), Blank(2, "\n"), Blank(3, "\r\n"), Ok(4, {"b"}, "b\n"), Blank(5, "\n")}));
  // A quoted empty field is not a blank line.
  EXPECT_EQ(ReadEveryWay("\"\"\n"), (std::vector<Read>{Ok(1, {""}, "\"\"\n")}));
}

TEST(CsvReader, AQuoteInAnUnquotedFieldSkipsTheRestOfTheLine) {
  EXPECT_EQ(ReadEveryWay("a,b\n1,5\" screen,3\n4,5\n"),
            (std::vector<Read>{Ok(1, {"a", "b"}, "a,b\n"), Bad(2, "bad_quote", "1,5\" screen,3\n"), Ok(3, {"4", "5"}, "4,5\n")}));
}

TEST(CsvReader, TextAfterAClosingQuoteSkipsTheRestOfTheLine) {
  EXPECT_EQ(ReadEveryWay("\"a\"b,c\n\"x\"\ry\nok\n"),
            (std::vector<Read>{Bad(1, "bad_quote", "\"a\"b,c\n"), Bad(2, "bad_quote", "\"x\"\ry\n"), Ok(3, {"ok"}, "ok\n")}));
  // In a record that spans lines, the bad quote more likely closes a stray quote on an earlier line:
  // that one is unterminated, and each line after it is read again.
  EXPECT_EQ(ReadEveryWay("\"a\nb\"c\nd\n"),
            (std::vector<Read>{Bad(1, "unterminated_quote", "\"a\n"), Bad(2, "bad_quote", "b\"c\n"), Ok(3, {"d"}, "d\n")}));
  EXPECT_EQ(ReadEveryWay("id,email\n1,\"x@example.com\n2,y@example.com\n3,\"z\"@example.com\n4,ok\n"),
            (std::vector<Read>{Ok(1, {"id", "email"}, "id,email\n"), Bad(2, "unterminated_quote", "1,\"x@example.com\n"),
                               Ok(3, {"2", "y@example.com"}, "2,y@example.com\n"),
                               Bad(4, "bad_quote", "3,\"z\"@example.com\n"), Ok(5, {"4", "ok"}, "4,ok\n")}));
  EXPECT_EQ(ReadEveryWay("\"a\nb\"\rc\n")[0], Bad(1, "unterminated_quote", "\"a\n"));
}

TEST(CsvReader, AnUnterminatedQuoteCostsOneRow) {
  EXPECT_EQ(ReadEveryWay("h\n\"open,1\n2,3\n4,5\n"),
            (std::vector<Read>{Ok(1, {"h"}, "h\n"), Bad(2, "unterminated_quote", "\"open,1\n"), Ok(3, {"2", "3"}, "2,3\n"),
                               Ok(4, {"4", "5"}, "4,5\n")}));
  // On the last line, without a line end.
  EXPECT_EQ(ReadEveryWay("h\n\"open"), (std::vector<Read>{Ok(1, {"h"}, "h\n"), Bad(2, "unterminated_quote", "\"open")}));
  // In a later field.
  EXPECT_EQ(ReadEveryWay("a,\"b\nc\n"), (std::vector<Read>{Bad(1, "unterminated_quote", "a,\"b\n"), Ok(2, {"c"}, "c\n")}));
}

TEST(CsvReader, AQuoteNotClosedWithinTheRecordLimitIsUnterminated) {
  CsvLimits limits;
  limits.max_record_bytes = 32;
  const std::string rows = "1,x\n2,y\n3,z\n4,w\n5,v\n6,u\n7,t\n8,s\n";  // 4 bytes each
  const std::string text = "\"open\n" + rows + "\"\n";
  std::vector<Read> records = ReadEveryWay(text, limits);
  ASSERT_EQ(records.size(), 10u);
  EXPECT_EQ(records[0], Bad(1, "unterminated_quote", "\"open\n"));
  EXPECT_EQ(records[1], Ok(2, {"1", "x"}, "1,x\n"));
  EXPECT_EQ(records[8], Ok(9, {"8", "s"}, "8,s\n"));
  // The stray closing quote at the end opens a field that the input ends.
  EXPECT_EQ(records[9], Bad(10, "unterminated_quote", "\"\n"));
  // Closed within the limit, the same bytes are one record.
  limits.max_record_bytes = 64;
  records = ReadEveryWay(text, limits);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, Fields{"open\n" + rows});
}

TEST(CsvReader, ARecordTooLongIsSkippedToItsLineEnd) {
  CsvLimits limits;
  limits.max_record_bytes = 16;
  const std::string long_line(40, 'x');
  const std::string text = "a,b\n" + long_line + "\n1,2\n";
  EXPECT_EQ(ReadEveryWay(text, limits),
            (std::vector<Read>{Ok(1, {"a", "b"}, "a,b\n"), Bad(2, "record_too_long", std::string(16, 'x')),
                               Ok(3, {"1", "2"}, "1,2\n")}));
  // The skipped rest of the line comes before the next record, outside it.
  CsvReader reader(limits);
  CsvRecord record;
  std::string input = long_line + "\n1,2\n";
  CsvStep step = reader.Next(input, true, record);
  EXPECT_EQ(record.error, CsvError::kRecordTooLong);
  input.erase(0, step.consumed);
  step = reader.Next(input, true, record);
  EXPECT_EQ(step.skipped, 25u);
  EXPECT_EQ(input.substr(step.skipped, step.consumed - step.skipped), "1,2\n");
  // A line too long that is the last one.
  EXPECT_EQ(ReadEveryWay(long_line, limits), (std::vector<Read>{Bad(1, "record_too_long", std::string(16, 'x'))}));
  // Exactly at the limit, line end included, is not too long.
  EXPECT_EQ(ReadEveryWay(std::string(15, 'y') + "\n", limits), (std::vector<Read>{Ok(1, {std::string(15, 'y')}, std::string(15, 'y') + "\n")}));
  // A quoted field too long without a line end in it.
  EXPECT_EQ(ReadEveryWay("\"" + long_line + "\"\nok\n", limits),
            (std::vector<Read>{Bad(1, "record_too_long", "\"" + std::string(15, 'x')), Ok(2, {"ok"}, "ok\n")}));
}

TEST(CsvReader, AFieldTooLongFailsItsRecordOnly) {
  CsvLimits limits;
  limits.max_field_bytes = 4;
  EXPECT_EQ(ReadEveryWay("abcd,\"ab\"\"c\"\nabcde,1\n\"a\nbcd\",2\nok\n", limits),
            (std::vector<Read>{Ok(1, {"abcd", "ab\"c"}, "abcd,\"ab\"\"c\"\n"), Bad(2, "field_too_long", "abcde,1\n"),
                               Bad(3, "field_too_long", "\"a\nbcd\",2\n"), Ok(4, {"ok"}, "ok\n")}));
  // The CR of a CRLF line end is no part of the field.
  EXPECT_EQ(ReadEveryWay("abcd\r\n", limits), (std::vector<Read>{Ok(1, {"abcd"}, "abcd\r\n")}));
}

TEST(CsvReader, TooManyFieldsFailsItsRecordOnly) {
  CsvLimits limits;
  limits.max_fields = 3;
  EXPECT_EQ(ReadEveryWay("1,2,3\n1,2,3,4\n1,\"2\n\",3,4,5\nok\n", limits),
            (std::vector<Read>{Ok(1, {"1", "2", "3"}, "1,2,3\n"), Bad(2, "too_many_fields", "1,2,3,4\n"),
                               Bad(3, "too_many_fields", "1,\"2\n\",3,4,5\n"), Ok(4, {"ok"}, "ok\n")}));
}

TEST(CsvReader, ErrorsHaveCodesAndMessages) {
  CsvLimits limits;
  for (CsvError error : {CsvError::kUnterminatedQuote, CsvError::kBadQuote, CsvError::kRecordTooLong,
                         CsvError::kFieldTooLong, CsvError::kTooManyFields}) {
    EXPECT_FALSE(CsvErrorCode(error).empty());
    EXPECT_FALSE(CsvErrorMessage(error, limits).empty());
  }
  EXPECT_NE(CsvErrorMessage(CsvError::kRecordTooLong, limits).find("65536"), std::string::npos);
}

TEST(CsvReader, ReadingStaysLinearForLongInputs) {
  std::string text = "email,name\n";
  for (int i = 0; i < 20000; ++i) text += "user" + std::to_string(i) + "@example.com,\"Name, " + std::to_string(i) + "\"\n";
  std::vector<Read> records = ReadAll(text, 4096);
  ASSERT_EQ(records.size(), 20001u);
  EXPECT_EQ(records.back().fields, (Fields{"user19999@example.com", "Name, 19999"}));
  EXPECT_EQ(records.back().row, 20001u);
}

}  // namespace
}  // namespace herald
