// The header fields and body of a message as DKIM sees them (RFC 6376 §5.4.2: which fields a signature
// covers).
//
// Thread-safety: pure functions. Results point into the caller's message text.
// Untrusted input: yes (messages from the SMTP relay). Splitting is one linear pass; a malformed header
// line (no colon, or a continuation line with nothing to continue) is kept as a field of its own that no
// h= name selects, so that nothing is dropped or merged silently. The caller bounds the message size.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"

namespace herald::dkim {

struct HeaderField {
  // "Subject": what stands before the colon, trailing whitespace dropped; "" when there is no colon.
  std::string_view name;
  // The whole field as in the message, folded lines and final CRLF included.
  std::string_view text;
};

struct MessageParts {
  std::vector<HeaderField> fields;  // in message order
  std::string_view body;            // after the empty line that ends the header
};

// Splits a message with CRLF line ends. InvalidArgument when no empty line ends the header.
Result<MessageParts> SplitMessage(std::string_view message);

// The fields that the names of an h= list select (§5.4.2): each name takes the last field of that name
// (any case) that an earlier occurrence of the name has not taken, so repeated names select repeated
// fields from the bottom up; a name with no field left selects nothing (how over-signing works, §8.15).
std::vector<std::string_view> SelectFields(const std::vector<HeaderField>& fields,
                                           const std::vector<std::string_view>& names);

// The name of a header field: what stands before its colon, trailing whitespace dropped; "" without a colon.
std::string_view FieldName(std::string_view field);

}  // namespace herald::dkim
