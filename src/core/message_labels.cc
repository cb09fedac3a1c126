#include "core/message_labels.h"

#include <string>

namespace herald::core {
namespace {

bool InRange(unsigned char c, unsigned char low, unsigned char high) { return c >= low && c <= high; }

// Well-formed UTF-8: no overlong forms, surrogates, or code points past U+10FFFF.
bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length = InRange(lead, 0xc2, 0xdf)   ? 2
                    : InRange(lead, 0xe0, 0xef) ? 3
                    : InRange(lead, 0xf0, 0xf4) ? 4
                                                : 0;
    if (length == 0 || i + length > text.size()) return false;
    unsigned char low = lead == 0xe0 ? 0xa0 : lead == 0xf0 ? 0x90 : 0x80;
    unsigned char high = lead == 0xed ? 0x9f : lead == 0xf4 ? 0x8f : 0xbf;
    if (!InRange(static_cast<unsigned char>(text[i + 1]), low, high)) return false;
    for (size_t k = 2; k < length; ++k) {
      if (!InRange(static_cast<unsigned char>(text[i + k]), 0x80, 0xbf)) return false;
    }
    i += length;
  }
  return true;
}

bool HasControlCharacter(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// The checks shared by tags and metadata keys; `what` names the label in the message.
Status ValidateName(std::string_view text, size_t max_bytes, std::string_view what) {
  if (text.empty()) return Status::InvalidArgument(std::string(what) + " is empty");
  if (text.size() > max_bytes) {
    return Status::InvalidArgument(std::string(what) + " is longer than " + std::to_string(max_bytes) +
                                   " bytes");
  }
  if (!IsValidUtf8(text)) return Status::InvalidArgument(std::string(what) + " is not valid UTF-8");
  if (HasControlCharacter(text))
    return Status::InvalidArgument(std::string(what) + " has control characters");
  return Status::Ok();
}

}  // namespace

Status ValidateTag(std::string_view tag) { return ValidateName(tag, kMaxTagBytes, "tag"); }

Status ValidateMetadataKey(std::string_view key) {
  return ValidateName(key, kMaxMetadataKeyBytes, "metadata key");
}

Status ValidateMetadataValue(std::string_view value) {
  if (value.size() > kMaxMetadataValueBytes) {
    return Status::InvalidArgument("metadata value is longer than " + std::to_string(kMaxMetadataValueBytes) +
                                   " bytes");
  }
  if (!IsValidUtf8(value)) return Status::InvalidArgument("metadata value is not valid UTF-8");
  return Status::Ok();
}

Status ValidateMetadataEntry(std::string_view key, std::string_view value) {
  HERALD_RETURN_IF_ERROR(ValidateMetadataKey(key));
  return ValidateMetadataValue(value);
}

}  // namespace herald::core
