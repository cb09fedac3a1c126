#include "base/csv_reader.h"

#include <algorithm>

namespace herald {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr size_t kNone = std::string_view::npos;

// Where ReadRecord is in a record.
enum class State {
  kFieldStart,     // before a field's first byte
  kUnquoted,       // in an unquoted field
  kQuoted,         // in a quoted field
  kQuoteInQuoted,  // after a quote in a quoted field: doubled, or the field's end
  kQuoteCr,        // after a closing quote and a CR: an LF must follow
  kSkipLine,       // malformed: dropping the rest of the line
};

}  // namespace

std::string_view CsvErrorCode(CsvError error) {
  switch (error) {
    case CsvError::kNone: return "";
    case CsvError::kUnterminatedQuote: return "unterminated_quote";
    case CsvError::kBadQuote: return "bad_quote";
    case CsvError::kRecordTooLong: return "record_too_long";
    case CsvError::kFieldTooLong: return "field_too_long";
    case CsvError::kTooManyFields: return "too_many_fields";
  }
  return "";
}

std::string CsvErrorMessage(CsvError error, const CsvLimits& limits) {
  switch (error) {
    case CsvError::kNone: return "";
    case CsvError::kUnterminatedQuote:
      return "a quoted field is not closed (by the end of the file, or within " +
             std::to_string(limits.max_record_bytes) + " bytes); reading resumed on the next line";
    case CsvError::kBadQuote:
      return "a quote inside an unquoted field, or text after a closing quote (a quote in a field is "
             "written twice, in a quoted field: \"a \"\"b\"\"\")";
    case CsvError::kRecordTooLong: return "the row is longer than " + std::to_string(limits.max_record_bytes) + " bytes";
    case CsvError::kFieldTooLong: return "a field is longer than " + std::to_string(limits.max_field_bytes) + " bytes";
    case CsvError::kTooManyFields: return "the row has more than " + std::to_string(limits.max_fields) + " fields";
  }
  return "";
}

CsvStep CsvReader::Next(std::string_view input, bool at_end, CsvRecord& record) {
  size_t skipped = 0;
  if (at_start_) {
    if (!at_end && input.size() < kByteOrderMark.size() && kByteOrderMark.starts_with(input)) {
      return {CsvStep::kNeedMore, 0, 0};
    }
    if (input.starts_with(kByteOrderMark)) skipped = kByteOrderMark.size();
    at_start_ = false;
  }
  if (skipping_line_) {
    const size_t lf = input.find('\n', skipped);
    if (lf == kNone) return {at_end ? CsvStep::kEnd : CsvStep::kNeedMore, input.size(), 0};
    skipped = lf + 1;
    skipping_line_ = false;
  }
  const std::string_view rest = input.substr(skipped);
  if (rest.empty()) return {at_end ? CsvStep::kEnd : CsvStep::kNeedMore, skipped, 0};
  const size_t used = ReadRecord(rest, at_end, record);
  if (used == 0) return {CsvStep::kNeedMore, skipped, 0};
  record.row = ++rows_;
  return {CsvStep::kRecord, skipped + used, skipped};
}

size_t CsvReader::ReadRecord(std::string_view input, bool at_end, CsvRecord& record) {
  record.fields.clear();
  record.error = CsvError::kNone;
  record.blank = false;
  // Only the first max_record_bytes can belong to a record.
  const std::string_view window = input.substr(0, std::min(input.size(), limits_.max_record_bytes));
  State state = State::kFieldStart;
  std::string field;
  bool field_too_long = false;
  bool quoted = false;  // some field was quoted (so the record is not a blank line)

  auto fail = [&](CsvError error) {
    if (record.error == CsvError::kNone) record.error = error;
  };
  auto append = [&](std::string_view bytes) {
    if (field_too_long) return;
    if (field.size() + bytes.size() > limits_.max_field_bytes) {
      field_too_long = true;
      fail(CsvError::kFieldTooLong);
      return;
    }
    field.append(bytes);
  };
  auto end_field = [&] {
    if (record.fields.size() < limits_.max_fields) {
      record.fields.push_back(std::move(field));
    } else {
      fail(CsvError::kTooManyFields);
    }
    field.clear();
    field_too_long = false;
  };
  // The record ends after `end` bytes.
  auto finish = [&](size_t end) {
    if (state != State::kSkipLine) end_field();
    if (record.error != CsvError::kNone) {
      record.fields.clear();
    } else {
      record.blank = !quoted && record.fields.size() == 1 && record.fields.front().empty();
    }
    return end;
  };
  // A quote where none may be, at `at`: the rest of the line is skipped. But in a record that already
  // spans lines, it more likely closes a quote opened lines before by mistake than one opened on
  // purpose: that is an unterminated quote, and reading resumes on the record's second line.
  // Returns the record's end, or 0 to read on.
  auto bad_quote = [&](size_t at) -> size_t {
    state = State::kSkipLine;
    if (const size_t lf = window.find('\n'); lf < at) {
      record.error = CsvError::kUnterminatedQuote;
      return finish(lf + 1);
    }
    fail(CsvError::kBadQuote);
    return 0;
  };

  size_t i = 0;
  while (i < window.size()) {
    switch (state) {
      case State::kFieldStart:
        if (window[i] == '"') {
          quoted = true;
          state = State::kQuoted;
          ++i;
        } else {
          state = State::kUnquoted;
        }
        break;
      case State::kUnquoted: {
        const size_t stop = window.find_first_of(",\"\n", i);
        // An unquoted field ends at a line end, and a CR before its LF (or before the input's end)
        // belongs to the line end.
        const bool line_end = stop == kNone ? at_end && window.size() == input.size() : window[stop] == '\n';
        size_t value_end = stop == kNone ? window.size() : stop;
        if (line_end && value_end > i && window[value_end - 1] == '\r') --value_end;
        append(window.substr(i, value_end - i));
        if (stop == kNone) {
          i = window.size();
        } else if (window[stop] == ',') {
          end_field();
          state = State::kFieldStart;
          i = stop + 1;
        } else if (window[stop] == '\n') {
          return finish(stop + 1);
        } else {
          if (const size_t end = bad_quote(stop)) return end;
          i = stop + 1;
        }
        break;
      }
      case State::kQuoted: {
        const size_t quote = window.find('"', i);
        append(window.substr(i, quote == kNone ? kNone : quote - i));
        if (quote == kNone) {
          i = window.size();
        } else {
          state = State::kQuoteInQuoted;
          i = quote + 1;
        }
        break;
      }
      case State::kQuoteInQuoted: {
        const char c = window[i++];
        if (c == '"') {
          append("\"");
          state = State::kQuoted;
        } else if (c == ',') {
          end_field();
          state = State::kFieldStart;
        } else if (c == '\n') {
          return finish(i);
        } else if (c == '\r') {
          state = State::kQuoteCr;
        } else if (const size_t end = bad_quote(i - 1)) {
          return end;
        }
        break;
      }
      case State::kQuoteCr:
        if (window[i] == '\n') return finish(i + 1);
        if (const size_t end = bad_quote(i)) return end;
        break;
      case State::kSkipLine: {
        const size_t lf = window.find('\n', i);
        if (lf != kNone) return finish(lf + 1);
        i = window.size();
        break;
      }
    }
  }

  // The window is used up without a line end.
  const bool too_long = window.size() == limits_.max_record_bytes;
  if (!too_long && !at_end) return 0;
  if (state == State::kQuoted) {
    // Resume on the next line, where the rows that the open quote swallowed begin.
    record.error = CsvError::kUnterminatedQuote;
    const size_t lf = window.find('\n');
    if (lf != kNone) return finish(lf + 1);
    if (!too_long) return finish(window.size());
  }
  if (too_long) {
    if (state != State::kSkipLine) record.error = CsvError::kRecordTooLong;
    state = State::kSkipLine;
    skipping_line_ = true;
    return finish(window.size());
  }
  return finish(window.size());
}

}  // namespace herald
