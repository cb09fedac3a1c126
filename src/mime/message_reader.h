// Reading a MIME message back into its decoded parts, built on GMime's parser: for tests of what
// BuildMessage writes, and later for messages Herald receives (SMTP relay, bounces).
//
// Thread-safety: ParseMessage may run on many threads at once; each call owns all its GMime objects.
// Untrusted input: yes, any bytes. Garbage yields a best-effort parse or an error, never a crash; input
// size, part count and nesting depth are bounded by ParseLimits. All returned text is valid UTF-8
// (undecodable bytes become U+FFFD) but otherwise raw: clean it (base/printable.h) before logging.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "mime/header.h"

namespace herald::mime {

struct ParsedMailbox {
  std::string display_name;  // decoded; empty when none
  std::string addr_spec;     // "local@domain" as written
};

// One leaf of the MIME tree (a part that is not a multipart).
struct ParsedPart {
  std::string content_type;  // "text/plain", lowercase
  std::string charset;       // the declared charset, lowercase; empty when none
  std::string filename;      // from Content-Disposition or Content-Type; empty when none
  bool is_text = false;      // a text/* part: `body` was converted from `charset` to UTF-8
  // The decoded content (transfer encoding undone): UTF-8 for text parts, the raw bytes otherwise.
  // A message/rfc822 part holds the embedded message as text; it is not opened.
  std::string body;
};

struct ParsedMessage {
  std::string subject;  // decoded from RFC 2047 words
  std::vector<ParsedMailbox> from;
  std::vector<ParsedMailbox> to;  // group members are listed in place of their group
  std::string message_id;         // without angle brackets; empty when none
  std::optional<TimePoint> date;  // when a Date header could be read
  std::vector<ParsedPart> parts;  // leaves, in document order
  // The top-level header fields, values unfolded and decoded: the message's own in order, then the
  // Content-* fields of its body.
  std::vector<Header> headers;
};

struct ParseLimits {
  size_t max_bytes = 64u << 20;  // larger input is refused before parsing
  size_t max_parts = 1000;       // leaves and multiparts together
  size_t max_depth = 64;         // multipart nesting
};

// InvalidArgument when GMime finds no message at all, ResourceExhausted when a limit is passed.
Result<ParsedMessage> ParseMessage(std::string_view raw, const ParseLimits& limits = {});

}  // namespace herald::mime
