// Making a finished MIME message submitted over the SMTP relay (DESIGN §2.2) into a Herald message:
// reading its sender, subject, tags and metadata, and editing its header section — never its body.
//
// Byte preservation: the message is not re-serialised. The header section is edited as text: every
// X-Herald-* field (with its folded lines) is removed, and Date, Message-ID and List-Help fields are
// appended after the last field; everything else keeps its bytes and order, and everything from the
// blank line that ends the header section on (the body, every attachment) is copied unchanged. GMime
// decodes the values that are read (addresses, RFC 2047 words, message ids); it never writes.
//
// Rules:
//   - The header section is the text up to the first empty line, or all of it when there is none (a
//     body is optional, RFC 5322 §3.5). Its lines end in CRLF (the last may be unended in a message
//     without a body; the CRLF is then added); each is a field "Name: value" (a name of printable
//     ASCII, optional spaces before the colon) or the folded continuation of one. A bare CR or LF, a
//     NUL, a line without a colon, an invalid name, a folded first line or a section over 1 MiB is
//     refused. This is stricter than GMime's parser, which takes the first such line to start the
//     body; whatever passes here GMime parses as a message, so no separate full parse is made.
//   - From: exactly one field, holding exactly one mailbox (not a group) whose address passes
//     core::ParseAddrSpec. The display name is decoded to UTF-8, cleaned (control characters dropped)
//     and cut to 256 bytes.
//   - Subject: the first field, decoded (RFC 2047 words, raw UTF-8, legacy 8-bit via GMime's
//     fallback charsets), control characters dropped (TAB becomes a space), trimmed, cut to 998 bytes.
//   - To: every To field, decoded and shown as "Name <addr>, addr, Group: addr;", cut to 998 bytes;
//     for display only, never used for routing (the envelope is).
//   - Message-ID and Date: a field with a blank value counts as missing and is removed. A missing one
//     is added (Message-ID from `edits.message_id`, Date from `edits.now` in UTC). A present one is
//     kept exactly as written even when malformed: other people's mail is not refused for that.
//     `message_id` then reports GMime's reading of the first one (the first msg-id, brackets
//     removed; for a malformed one, its trimmed text), cleaned and cut to 998 bytes.
//   - List-Help: with a `list_help_url`, any List-Help fields of the message are removed and
//     "List-Help: <url>" appended, so there is exactly one; with none, the message's own are kept.
//   - X-Herald-Tag: may repeat and hold comma-separated tags; the value is decoded first, then split,
//     each tag trimmed. An empty item ("a,,b") is an error. Exact duplicates are kept once.
//   - X-Herald-Metadata-<Key>: metadata[<Key>] = the decoded, trimmed value; <Key> keeps its case as
//     written; a key given twice (compared without regard to case, as header names are) is an error.
//   - Tags and metadata follow core/message_labels.h. Any other X-Herald-* field is an error naming
//     it, so that nothing a sender meant for Herald is silently ignored. Names match without case.
//
// Errors: InvalidArgument with a short message naming the field or line (the SMTP layer answers
// "550 5.6.0 <message>"; the message holds no text of the peer's beyond header names).
// Internal when `edits` itself is malformed (a bug in the caller, not the peer's fault).
//
// Cost: one scan of the header section, GMime decoding of the few fields read, one copy of the
// message. Measured (Google Benchmark, RelWithDebInfo, on a loaded 2-core machine): about 9 µs of CPU
// for a 4.7 KB multipart message with 19 header fields, where GMime's own parse of that message
// takes about 55 µs (40 µs for its header section alone) before anything is read from it.
//
// Thread-safety: may run on many threads at once; each call owns all its GMime objects.
// Untrusted input: yes, `raw` is any bytes from an SMTP client (already bounded in size by the SMTP
// layer). Returned text is valid UTF-8 without control characters (metadata values may hold any
// characters, as in the API) but otherwise raw: clean it (base/printable.h) before logging.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "core/address.h"

namespace herald::mime {

// What Herald adds to a submitted message.
struct SubmissionEdits {
  // "left@right", no brackets, each side dot-atom text of ASCII or UTF-8 (RFC 6532), at most 250 bytes;
  // added only when the message has none.
  std::string message_id;
  TimePoint now;              // the Date added when the message has none
  std::string list_help_url;  // written as "List-Help: <url>"; empty: none is added
};

struct SubmittedMessage {
  std::string raw;          // the message to store: CRLF line ends, the body byte-identical to the input
  core::EmailAddress from;  // the From: header's one mailbox, display name decoded to UTF-8
  std::string from_header;  // as shown: "Shop <orders@shop.example>" or "orders@shop.example"
  std::string to_header;    // decoded, cut to 998 bytes; may be empty
  std::string subject;      // decoded, UTF-8, cut to 998 bytes; may be empty
  std::string message_id;   // without brackets: the message's own, or the one added
  std::vector<std::string> tags;
  nlohmann::json metadata = nlohmann::json::object();  // string → string
};

inline constexpr size_t kMaxSubmittedHeaderSectionBytes = 1u << 20;

Result<SubmittedMessage> PrepareSubmittedMessage(std::string_view raw, const SubmissionEdits& edits);

}  // namespace herald::mime
