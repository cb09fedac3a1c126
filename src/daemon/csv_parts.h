// CsvParts: a CSV file cut into parts for the import API (POST /v1/profile-tables/{t}/imports), so
// that a file of any size goes through requests of about `part_bytes` (under http.body_limit) and
// the CLI holds one part in memory, never the file.
//
// Each part is the file's header followed by whole records, cut between records as base/csv_reader.h
// reads them, and says the row number of its first record after the header (`first_row`), so the
// daemon numbers rows as in the whole file. A record the reader finds malformed is reported here
// (`errors`) and sent as an empty line, which the import skips while keeping the numbering; so the
// daemon sees only well-formed CSV, and the same row numbers.
//
// Thread-safety: one object per file, one thread. Untrusted input: the file's bytes.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "base/csv_reader.h"
#include "base/status.h"
#include "profiles/csv_import.h"

namespace herald::daemon {

struct CsvPart {
  std::string csv;         // the header, then records (at least the header)
  uint64_t first_row = 2;  // the row number of the record after the header
  uint64_t records = 0;    // records after the header, blank and malformed ones included
};

class CsvParts {
 public:
  // Reads `in`, which must outlive the object.
  CsvParts(std::istream& in, size_t part_bytes, CsvLimits limits = {});

  // The next part; nullopt after the last (there is at least one, maybe only a header, or empty for
  // an empty file). IoError when the file cannot be read; InvalidArgument when the header is
  // malformed (the message says how; nothing should be sent).
  Result<std::optional<CsvPart>> Next();

  // Malformed records met so far, by row (the first `max_errors`), and how many there were.
  const std::vector<profiles::ImportError>& errors() const { return errors_; }
  uint64_t malformed() const { return malformed_; }
  // Bytes of the file read into parts so far.
  uint64_t bytes_done() const { return bytes_done_; }

 private:
  // The next record's bytes as written, or nullopt at the end of the file; `record` is filled.
  Result<std::optional<std::string_view>> NextRecord();

  std::istream& in_;
  const size_t part_bytes_;
  CsvReader reader_;
  CsvRecord record_;
  std::string buffer_;  // bytes read and not consumed yet, from buffer_start_
  size_t buffer_start_ = 0;
  bool eof_ = false;
  bool started_ = false;  // the header has been read
  bool finished_ = false;
  std::string header_;
  uint64_t next_row_ = 2;
  uint64_t bytes_done_ = 0;
  uint64_t malformed_ = 0;
  std::vector<profiles::ImportError> errors_;
};

}  // namespace herald::daemon
