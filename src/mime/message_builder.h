// Building the MIME bytes of one outgoing message (DESIGN §3, "build MIME"), written straight into one
// string as they go on the wire (header_writer.h for the fields, quoted_printable.h and body_encoding.h
// for the bodies); GMime only converts a non-ASCII domain to A-labels.
//
// Output: CRLF line ends, no line over 998 bytes, 7-bit clean (7bit, quoted-printable or base64 bodies;
// RFC 2047 encoded words for UTF-8 in the subject, display names and caller headers; RFC 2231 for
// non-ASCII file names). The one exception is an address whose local part is UTF-8: it is written as
// UTF-8 (RFC 6532) and the message then needs SMTPUTF8, as EmailAddress::needs_smtputf8 already says;
// UTF-8 domains are written as A-labels. These hold by construction, not by a check of the result.
// Everything is deterministic but the multipart boundaries, which are random.
//
// Thread-safety: BuildMessage may run on many threads at once; it shares nothing between calls.
// Untrusted input: `content` carries caller data (rendered templates, names, headers). BuildMessage
// validates every field it writes into a header and refuses what could inject or break a header.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/base64.h"
#include "base/clock.h"
#include "base/status.h"
#include "core/address.h"
#include "mime/header.h"

namespace herald::mime {

// A file sent with the message, as a base64-encoded attachment part.
struct Attachment {
  std::string filename;      // UTF-8, 1-255 bytes, no control characters, '/' or '\\' (RFC 2231-encoded when not ASCII)
  std::string content_type;  // "application/pdf": type/subtype of RFC 2045 token characters, lowercased
  // The file's bytes in canonical base64, as the API receives them: they go on the wire as they are, cut
  // into lines, never decoded and encoded again (nor checked again: the type says they were).
  CanonicalBase64 base64;
};

struct MessageContent {
  core::EmailAddress from;  // display_name may be empty
  core::EmailAddress to;
  std::optional<core::EmailAddress> reply_to;
  std::string subject;          // UTF-8
  std::string html;             // may be empty
  std::string text;             // may be empty (at least one of html/text is not)
  std::vector<Header> headers;  // the caller's extra headers, e.g. X-Order-Id
  std::string message_id;       // without angle brackets, e.g. "msg_01…@shop.example"
  TimePoint date;
  std::vector<Attachment> attachments;  // in this order, after the body
};

// Where something lies in a string of bytes.
struct ByteRange {
  size_t offset = 0;
  size_t size = 0;
  bool operator==(const ByteRange&) const = default;
};

// A built message: its bytes, and where in them each attachment's base64 lines lie (in the order of
// MessageContent::attachments), so that a store can keep an attachment many messages carry only once.
struct BuiltMessage {
  std::string wire;
  std::vector<ByteRange> attachment_bodies;
};

inline constexpr size_t kMaxSubjectBytes = 998;
inline constexpr size_t kMaxMessageIdBytes = 250;

// The whole message: From, To, Reply-To (when given), Subject, Date, Message-ID, MIME-Version, the
// caller's headers in their order, then the body: multipart/alternative (text/plain, then text/html)
// when both bodies are given, else the one part; each text part is charset=utf-8. With attachments,
// multipart/mixed holds the body first, then each attachment (Content-Disposition: attachment).
// InvalidArgument, naming the field, when an address, name, subject, body, header or message id would
// not make a valid message (bodies must be valid UTF-8 without NUL; line ends may be LF, CRLF or CR).
Result<BuiltMessage> BuildMessage(const MessageContent& content);

// OK when `attachment` can be written: its filename and content type as Attachment says (its base64 is
// canonical by its type); else InvalidArgument "<field>: <why>", the field being filename or content_type.
Status ValidateAttachment(const Attachment& attachment);

}  // namespace herald::mime
