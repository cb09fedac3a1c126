// CsvReader: the records of CSV text (RFC 4180) read one at a time from bytes that arrive in
// pieces, within limits, with an error per malformed record that does not stop the reading.
//
// The text: records end with LF or CRLF (the last one may end with the input instead); fields are
// separated by commas; a field in double quotes may hold commas, line ends and quotes (written
// twice: `""`). A UTF-8 byte order mark before the first record is skipped. Bytes are not checked
// for UTF-8 here (fields are handed on as they are; their readers check them). Records are numbered
// from 1 in the order they are read; an empty line is a record too (`blank`), so that as long as no
// field spans lines, row N is line N of the file.
//
// Malformed records, each reported with its row and its fields left out, and where reading goes on:
//   unterminated_quote  a quoted field that is not closed by the end of the input, nor within
//                       max_record_bytes: reading resumes on the line after the one where the record
//                       began (so one stray quote costs one row, not the rest of the file)
//   bad_quote           a quote inside an unquoted field, or anything but a comma or a line end after
//                       a closing quote: the rest of that line is skipped. In a record that spans
//                       lines, such a quote more likely pairs with a stray quote lines above than
//                       closes a field: that record is an unterminated_quote on its first line, and
//                       reading resumes on the next
//   record_too_long     more than max_record_bytes without a line end: the rest of the line is skipped
//   field_too_long      a field over max_field_bytes: the record is read to its end, as written
//   too_many_fields     over max_fields: likewise
//
// I/O-free: the caller holds the bytes and hands over what it has not consumed yet; Next answers
// one record, or that it needs more bytes. A record split across two calls is read again from its
// start on the next call (bounded by max_record_bytes, so reading stays linear). Memory: one record.
//
// Why not a library: Debian 12's libcsv (3.0.3, upstream quiet since 2013) has no size limits and, in
// strict mode, stops at the first malformed byte with no way to resume on the next row; its
// fast-cpp-csv-parser (libfccp-dev, a 2016 snapshot) fixes the column count at compile time, reads
// files itself and throws. Neither says where a record ends, which the CLI needs to cut a file.
//
// Thread-safety: one reader per input, used by one thread at a time. Untrusted input: yes, any bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

struct CsvLimits {
  size_t max_record_bytes = 64 * 1024;  // one record as written: quotes and line end included
  size_t max_field_bytes = 16 * 1024;   // one field's value
  size_t max_fields = 1024;             // fields in one record
};

enum class CsvError { kNone, kUnterminatedQuote, kBadQuote, kRecordTooLong, kFieldTooLong, kTooManyFields };

// "unterminated_quote", "bad_quote", …; "" for kNone.
std::string_view CsvErrorCode(CsvError error);
// What is wrong, for a person: "a quoted field is not closed …".
std::string CsvErrorMessage(CsvError error, const CsvLimits& limits);

struct CsvRecord {
  uint64_t row = 0;                 // 1-based, in reading order
  std::vector<std::string> fields;  // one at least (an empty line is one empty field); none when malformed
  CsvError error = CsvError::kNone;
  bool blank = false;  // an empty line (nothing before its line end)
};

struct CsvStep {
  enum Kind { kRecord, kNeedMore, kEnd };
  Kind kind = kEnd;
  // Bytes of the input used, to be dropped before the next call (also with kNeedMore: skipped bytes).
  size_t consumed = 0;
  // kRecord: how many of the consumed bytes came before the record and are no part of it (the byte
  // order mark, the rest of a line too long); the record as written is input[skipped, consumed).
  size_t skipped = 0;
};

class CsvReader {
 public:
  explicit CsvReader(CsvLimits limits = {}) : limits_(limits) {}

  // The next record from `input` (the bytes not consumed yet); `at_end`: no bytes follow them.
  // kNeedMore only when !at_end; kEnd once the input is used up and at_end.
  CsvStep Next(std::string_view input, bool at_end, CsvRecord& record);

  const CsvLimits& limits() const { return limits_; }

 private:
  // Reads one record from the start of `input`; `consumed` is 0 when it needs more bytes.
  size_t ReadRecord(std::string_view input, bool at_end, CsvRecord& record);

  CsvLimits limits_;
  bool at_start_ = true;        // a byte order mark may come
  bool skipping_line_ = false;  // dropping the rest of a line too long, up to its LF
  uint64_t rows_ = 0;
};

}  // namespace herald
