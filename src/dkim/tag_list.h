// DKIM tag=value lists (RFC 6376 §3.2): the syntax of DKIM-Signature fields and of key records.
//
// "v=1; a=rsa-sha256; b=abc" is a list of tags; whitespace and folding (CRLF followed by whitespace)
// may surround names, values and the '=' and ';' between them, and may appear inside a value.
//
// Thread-safety: pure functions.
// Untrusted input: yes (key records come from DNS). Parsing is one linear pass that never reads past the
// text; anything outside the grammar is InvalidArgument.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace herald::dkim {

struct Tag {
  std::string_view name;   // "a": ALPHA *(ALPHA / DIGIT / "_"), case as written
  std::string_view value;  // "rsa-sha256": without the whitespace around it; inner folding kept
  // Everything between '=' and the next ';' (or the end): the value with the whitespace around it, which
  // is what §3.7 deletes from b= before hashing. Points into the parsed text, as do name and value.
  std::string_view raw_value;
};

// The tags of `text` in order. InvalidArgument for a name outside the grammar, a missing '=', a value with
// characters outside %x21-3A / %x3C-7E and whitespace, or a name that occurs twice (§3.2: tags are unique).
// An empty list and a trailing ';' are valid.
Result<std::vector<Tag>> ParseTagList(std::string_view text);

// The value of the tag called `name` (case-sensitive, as §3.2 says), or nullopt when it is absent.
std::optional<std::string_view> FindTag(const std::vector<Tag>& tags, std::string_view name);

// `text` without the whitespace (CR, LF, SP, HTAB) at either end.
std::string_view TrimWhitespace(std::string_view text);

// `value` without any whitespace: CR, LF, SP and HTAB (base64 values such as p= and b= may be folded).
std::string WithoutWhitespace(std::string_view value);

}  // namespace herald::dkim
