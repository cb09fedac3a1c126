// Blocks of "Name: value" fields in untrusted text: a returned message's header, the per-message and
// per-recipient groups of an RFC 3464 message/delivery-status body, an RFC 5965 feedback report.
// Lenient as reports need: LF or CRLF, continuation lines (a leading space or tab) unfolded into one
// value, names matched in any case, lines that are not fields skipped inside a group.
//
// Thread-safety: pure functions. Untrusted input: yes; at most `max_fields` fields are kept per
// block and each value is cut to `max_field_bytes` (at a UTF-8 boundary).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mime/header.h"

namespace herald::bounces {

using Field = mime::Header;  // name as written; value unfolded, trimmed, valid UTF-8 when the input was

struct FieldLimits {
  size_t max_fields = 500;
  size_t max_field_bytes = 16u << 10;
};

// A message header: the fields from the start of `text` up to the first empty line, or the first
// line that is neither a field nor a continuation (where a body starts without its empty line).
std::vector<Field> ReadHeaderBlock(std::string_view text, const FieldLimits& limits);

// Groups of fields separated by empty (or blank) lines, as in a delivery-status body. Lines that are
// not fields are skipped; groups without a field are left out. At most `max_fields` fields in all.
std::vector<std::vector<Field>> ReadFieldGroups(std::string_view text, const FieldLimits& limits);

// The value of the first field named `name` (any case), or nullptr.
const std::string* FindField(const std::vector<Field>& fields, std::string_view name);
// The values of every field named `name`, in order.
std::vector<std::string_view> FindFields(const std::vector<Field>& fields, std::string_view name);

// True when `line` starts a field: a name of printable ASCII without spaces, then ':'.
bool IsFieldLine(std::string_view line);

}  // namespace herald::bounces
