// Tags and metadata: the labels a sender attaches to a message so that it can find it again and
// recognise it in webhooks (DESIGN §1). One set of rules for every door a message comes in by: the
// API's "tags" and "metadata" fields and the SMTP relay's X-Herald-Tag / X-Herald-Metadata-* headers.
//
//   tags      at most 10, each 1–128 bytes of UTF-8 without control characters
//   metadata  at most 50 keys of 1–64 bytes of UTF-8 without control characters; values are strings
//             of valid UTF-8 of at most 1024 bytes (any characters)
//
// The functions say what is wrong in a short, bland message without echoing the text; each door words
// its own error around it (the API keeps its documented messages and fields).
//
// Thread-safety: constants and pure functions. Untrusted input: yes, any bytes.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/status.h"

namespace herald::core {

inline constexpr size_t kMaxTags = 10;
inline constexpr size_t kMaxTagBytes = 128;
inline constexpr size_t kMaxMetadataKeys = 50;
inline constexpr size_t kMaxMetadataKeyBytes = 64;
inline constexpr size_t kMaxMetadataValueBytes = 1024;

// OK for a tag of 1–128 bytes of valid UTF-8 without control characters (C0, DEL; TAB included).
// Otherwise InvalidArgument ("tag is empty", "tag is longer than 128 bytes", …).
Status ValidateTag(std::string_view tag);

// OK for a metadata key of 1–64 bytes of valid UTF-8 without control characters.
Status ValidateMetadataKey(std::string_view key);
// OK for a metadata value of at most 1024 bytes of valid UTF-8 (may be empty).
Status ValidateMetadataValue(std::string_view value);
// Both of the above, the key first.
Status ValidateMetadataEntry(std::string_view key, std::string_view value);

}  // namespace herald::core
