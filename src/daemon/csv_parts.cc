#include "daemon/csv_parts.h"

namespace herald::daemon {
namespace {

constexpr size_t kReadBytes = 1 << 20;
constexpr size_t kMaxErrors = 1000;

}  // namespace

CsvParts::CsvParts(std::istream& in, size_t part_bytes, CsvLimits limits)
    : in_(in), part_bytes_(part_bytes), reader_(limits) {}

Result<std::optional<std::string_view>> CsvParts::NextRecord() {
  for (;;) {
    const std::string_view pending = std::string_view(buffer_).substr(buffer_start_);
    const CsvStep step = reader_.Next(pending, eof_, record_);
    buffer_start_ += step.consumed;
    bytes_done_ += step.consumed;
    if (step.kind == CsvStep::kRecord)
      return std::optional<std::string_view>(pending.substr(step.skipped, step.consumed - step.skipped));
    if (step.kind == CsvStep::kEnd) return std::optional<std::string_view>();
    // More bytes: keep the unconsumed ones (less than a record) and read after them.
    buffer_.erase(0, buffer_start_);
    buffer_start_ = 0;
    const size_t kept = buffer_.size();
    buffer_.resize(kept + kReadBytes);
    in_.read(buffer_.data() + kept, static_cast<std::streamsize>(kReadBytes));
    buffer_.resize(kept + static_cast<size_t>(in_.gcount()));
    if (in_.bad()) return Status::IoError("cannot read the file");
    if (!in_) eof_ = true;
  }
}

Result<std::optional<CsvPart>> CsvParts::Next() {
  if (finished_) return std::optional<CsvPart>();
  const bool first = !started_;
  if (first) {
    started_ = true;
    auto header = NextRecord();
    if (!header.ok()) return header.status();
    if (!*header) {  // an empty file: the daemon says what is wrong with it
      finished_ = true;
      return std::optional<CsvPart>(CsvPart{});
    }
    if (record_.error != CsvError::kNone) {
      finished_ = true;
      return Status::InvalidArgument("the header (row 1): " + CsvErrorMessage(record_.error, reader_.limits()));
    }
    header_ = **header;
    if (!header_.ends_with('\n')) header_ += '\n';
  }

  CsvPart part{header_, next_row_, 0};
  while (part.records == 0 || part.csv.size() < part_bytes_) {
    auto raw = NextRecord();
    if (!raw.ok()) return raw.status();
    if (!*raw) {
      finished_ = true;
      break;
    }
    ++part.records;
    ++next_row_;
    if (record_.error != CsvError::kNone) {
      ++malformed_;
      profiles::KeepError(errors_,
                          {record_.row, std::string(CsvErrorCode(record_.error)), "",
                           CsvErrorMessage(record_.error, reader_.limits())},
                          kMaxErrors);
      part.csv += '\n';  // a blank line keeps the numbering
      continue;
    }
    part.csv += **raw;
    if (!part.csv.ends_with('\n')) part.csv += '\n';  // the file's last record
  }
  if (part.records == 0 && !first) return std::optional<CsvPart>();
  return std::optional<CsvPart>(std::move(part));
}

}  // namespace herald::daemon
