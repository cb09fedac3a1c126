#include "dns/answer.h"

#include "base/ascii.h"

namespace herald::dns {
namespace {

std::string_view WithoutFinalDot(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

bool IsLabelByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::string_view AnswerKindName(AnswerKind kind) {
  switch (kind) {
    case AnswerKind::kRecords:
      return "records";
    case AnswerKind::kNullMx:
      return "null_mx";
    case AnswerKind::kNoData:
      return "no_data";
    case AnswerKind::kNxDomain:
      return "nxdomain";
  }
  return "unknown";
}

bool IsValidLookupName(std::string_view name) {
  name = WithoutFinalDot(name);
  if (name.empty() || name.size() > 253) return false;
  size_t label_length = 0;
  for (char c : name) {
    if (c == '.') {
      if (label_length == 0) return false;
      label_length = 0;
      continue;
    }
    if (!IsLabelByte(c) || ++label_length > 63) return false;
  }
  return label_length > 0;
}

std::string CanonicalName(std::string_view name) {
  name = WithoutFinalDot(name);
  std::string out(name);
  for (char& c : out) c = AsciiLowerChar(c);
  return out;
}

bool EqualNames(std::string_view a, std::string_view b) {
  return EqualsIgnoreCase(WithoutFinalDot(a), WithoutFinalDot(b));
}

}  // namespace herald::dns
