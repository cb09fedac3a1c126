#include "mime/header.h"

#include <array>
#include <string_view>

#include "base/ascii.h"
#include "base/printable.h"
#include "mime/header_writer.h"
#include "mime/text_checks.h"

namespace herald::mime {
namespace {

// Fields Herald writes itself, that a signer or relay adds, or whose forgery would mislead a receiver.
// clang-format off
constexpr std::array<std::string_view, 16> kReservedNames = {
    "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "MIME-Version", "Return-Path", "Received",
    "DKIM-Signature", "Sender", "Reply-To", "Delivered-To", "Received-SPF", "Authentication-Results"};
// clang-format on
// Families of fields with the same owners: MIME structure, resending, ARC sealing, legacy DomainKeys.
constexpr std::array<std::string_view, 4> kReservedPrefixes = {"Content-", "Resent-", "ARC-", "DomainKey-"};

bool IsFieldNameChar(unsigned char c) { return c >= 33 && c <= 126 && c != ':'; }

Status Invalid(const Header& header, std::string_view problem) {
  return Status::InvalidArgument("header \"" + Printable(header.name, 80) + "\": " + std::string(problem));
}

}  // namespace

bool IsReservedHeaderName(std::string_view name) {
  for (std::string_view reserved : kReservedNames) {
    if (EqualsIgnoreCase(name, reserved)) return true;
  }
  for (std::string_view prefix : kReservedPrefixes) {
    if (StartsWithIgnoreCase(name, prefix)) return true;
  }
  return false;
}

Status ValidateHeader(const Header& header) {
  const std::string& name = header.name;
  const std::string& value = header.value;
  if (name.empty()) return Status::InvalidArgument("header name is empty");
  if (name.size() > kMaxHeaderNameBytes) return Invalid(header, "name is longer than 76 bytes");
  for (unsigned char c : name) {
    if (!IsFieldNameChar(c)) {
      return Invalid(header, "name may hold only printable ASCII characters other than ':'");
    }
  }
  if (IsReservedHeaderName(name)) return Invalid(header, "is set by Herald and cannot be given");
  if (value.size() > kMaxHeaderValueBytes) return Invalid(header, "value is longer than 998 bytes");
  if (name.size() + 2 + value.size() > kMaxLineBytes) {
    return Invalid(header, "name and value are longer than one 998-byte line");
  }
  if (value.find_first_of("\r\n") != std::string::npos) return Invalid(header, "value contains a line break");
  if (value.find('\0') != std::string::npos) return Invalid(header, "value contains a NUL byte");
  if (HasControlCharacter(value)) return Invalid(header, "value contains a control character");
  if (!IsValidUtf8(value)) return Invalid(header, "value is not valid UTF-8");
  return Status::Ok();
}

std::string FoldAsciiValue(std::string_view name, std::string_view value) {
  std::string field;
  FieldWriter writer(field, name);
  size_t i = 0;
  while (i < value.size()) {
    // A segment: a run of whitespace, then a run of anything else (either may be empty).
    const size_t space = i;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    const size_t text = i;
    while (i < value.size() && value[i] != ' ' && value[i] != '\t') ++i;
    writer.Append(value.substr(space, text - space), value.substr(text, i - text));
  }
  writer.Finish();
  return field.substr(name.size() + 1);
}

}  // namespace herald::mime
