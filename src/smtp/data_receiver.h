// Reads the message data that follows a 354 reply (RFC 5321 §4.1.1.4, §4.5.2), as a server.
//
// The data ends only at CRLF "." CRLF — never at LF "." LF, CR "." CR or any mix — so that no
// client can end the data early and smuggle a second message past the first one's checks (SMTP
// smuggling). A bare CR or LF anywhere in the data makes the outcome kBareLineEnd: the data is still
// read to its real end, so the session stays in step, but nothing may be stored. Dot-stuffing is
// undone; the message kept has CRLF line ends and no end-of-data line.
//
// SECURITY: the input is untrusted. Memory is bounded by `max_bytes`: past it the outcome is
// kTooLarge and further bytes are counted but not kept. A line longer than 998 bytes before its CRLF
// (RFC 5322 §2.1.1) makes the outcome kTooLongLine. The first problem found is the outcome.
//
// Thread-safety: one DataReceiver belongs to one connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtp/server_session.h"

namespace herald::smtp {

inline constexpr size_t kMaxDataLineBytes = 998;  // without CRLF

class DataReceiver {
 public:
  explicit DataReceiver(uint64_t max_bytes);

  // Reads from the front of `input` and returns how many bytes it used: all of them while the data
  // goes on, or up to and including the end-of-data line once it ends (what follows is the client's
  // next command, sent ahead under PIPELINING).
  size_t Feed(std::string_view input);

  bool done() const { return done_; }
  // Valid once done().
  DataOutcome outcome() const { return outcome_; }
  // The message without dot-stuffing and without the end-of-data line; empty unless the outcome is
  // kComplete. Leaves the receiver empty.
  std::string TakeMessage();
  // Bytes of message data seen so far (after unstuffing), kept or not.
  uint64_t size() const { return size_; }

 private:
  uint64_t max_bytes_;
  bool done_ = false;
  DataOutcome outcome_ = DataOutcome::kComplete;
  uint64_t size_ = 0;
  std::string message_;

  // Where the reader stands: the data is read as a byte stream with one byte of memory, so input
  // may be split anywhere.
  enum class State {
    kLineStart,  // at the start of a line: after the DATA command's CRLF or a CRLF in the data
    kDot,        // a '.' started the line: the end-of-data line or a stuffed dot
    kDotCr,      // ".\r" started the line: LF ends the data
    kText,       // inside a line (also after a bare LF, which does not start a line)
    kCr,         // a CR inside a line: LF ends the line, anything else makes it bare
  };
  void Append(std::string_view bytes);
  void Fail(DataOutcome outcome);  // records the first problem and drops what was kept

  State state_ = State::kLineStart;
  size_t line_bytes_ = 0;  // bytes of the current line so far, without stuffing and CRLF
};

}  // namespace herald::smtp
