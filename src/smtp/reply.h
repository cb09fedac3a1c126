// SMTP server replies (RFC 5321 §4.2) as the client reads them: parsing, with limits.
//
// A reply is one or more lines "NNN-text" ending with a line "NNN text" (or just "NNN"), all with
// the same three-digit code. When the text of the first line starts with an RFC 3463 enhanced
// status code ("5.1.1 ") whose class matches the reply code, it is taken out into `enhanced_code`
// and removed from the text of every line that repeats it.
//
// SECURITY: replies come from remote servers and are untrusted. Every reader here has a limit:
// a line is at most kMaxReplyLineBytes including its terminator, a reply at most kMaxReplyLines
// lines; going over either, a malformed line, or a continuation line with another code is an error,
// after which the parser refuses all further input (the connection must be dropped: what follows
// can no longer be matched to the commands sent). Lines end in CRLF; a bare LF is also taken as
// the end of a line, as Postfix's client does: refusing a relay's reply over it would help no one,
// and a reply cannot smuggle data the way a message body can. The text kept here is raw: clean it
// with herald::Printable before logging or storing it.
//
// Thread-safety: Reply is a plain value; a ReplyParser belongs to one connection.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace herald::smtp {

inline constexpr size_t kMaxReplyLineBytes = 2048;  // including CRLF
inline constexpr size_t kMaxReplyLines = 100;

struct Reply {
  int code = 0;                    // 200..599
  std::string enhanced_code;       // "5.1.1", or empty when the server gave none
  std::vector<std::string> lines;  // the text of each line, enhanced code removed; at least one

  int Class() const { return code / 100; }  // 2, 3, 4 or 5
  bool Positive() const { return Class() == 2; }
  bool Intermediate() const { return Class() == 3; }
  bool Transient() const { return Class() == 4; }
  bool Permanent() const { return Class() == 5; }
  // The lines' text joined with single spaces (raw: clean it before use).
  std::string Text() const;
};

// One parsed reply line; `text` points into the line given to ParseReplyLine.
struct ReplyLine {
  int code = 0;
  bool last = false;  // "NNN text" rather than "NNN-text"
  std::string_view text;
};

// Parses one line without its terminator ("250-PIPELINING", "550 5.1.1 No such user", "250").
Result<ReplyLine> ParseReplyLine(std::string_view line);

// The length of the RFC 3463 enhanced status code at the start of `text` ("4.7.1 …" → 5) when
// it has class `reply_class` and is followed by a space or the end of the text; otherwise 0.
size_t EnhancedCodeLength(std::string_view text, int reply_class);

// Gathers the bytes read from a server into complete replies.
class ReplyParser {
 public:
  // Consumes bytes as they arrive, in any pieces. Returns an error (and keeps returning it) when
  // the server broke the grammar or a limit; the replies completed before that stay available.
  Status Feed(std::string_view bytes);

  // The oldest complete reply not yet taken, if any.
  std::optional<Reply> Next();

  // True when bytes of an unfinished reply are held (a server speaking out of turn, or a reply
  // still arriving).
  bool HasPartialReply() const { return !line_.empty() || !pending_.lines.empty(); }
  // True when any byte received has not been taken out by Next().
  bool HasBufferedInput() const { return !complete_.empty() || HasPartialReply(); }
  const Status& status() const { return status_; }

 private:
  Status OnLine(std::string_view line);

  std::string line_;  // the unfinished line, at most kMaxReplyLineBytes
  Reply pending_;     // the unfinished reply (lines so far)
  std::deque<Reply> complete_;
  Status status_;
};

// Parses a whole reply given as text ("250-a\r\n250 b\r\n"); for tests and tools.
Result<Reply> ParseReply(std::string_view text);

}  // namespace herald::smtp
