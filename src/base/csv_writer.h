// Writing CSV (RFC 4180), the text that base/csv_reader.h reads: fields separated by commas, records
// ended by CRLF, a field quoted only when it holds a comma, a double quote, CR or LF (its quotes
// written twice). Bytes are written as they are: the caller hands UTF-8.
//
// Not a guard against spreadsheet formulas: a field that starts with `=`, `+`, `-` or `@` is written
// as it is (it is data; a spreadsheet's import settings decide what to make of it).
//
// Thread-safety: pure functions. Untrusted input: any bytes, written so that a reader reads them back.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace herald {

// Appends one field, quoted when it must be.
void AppendCsvField(std::string& out, std::string_view text);

// Appends one record: the fields separated by commas, then CRLF.
void AppendCsvRecord(std::string& out, std::span<const std::string> fields);

}  // namespace herald
