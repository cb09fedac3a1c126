// The SMTP server's command lines (RFC 5321 §4.1): splitting a line into verb and argument, and the
// arguments of MAIL FROM and RCPT TO — the path and the ESMTP parameters (RFC 1870 SIZE, RFC 6152
// BODY, RFC 6531 SMTPUTF8, RFC 4954 §5 AUTH).
//
// Grammar kept, with what is tolerated: "MAIL FROM:<path> [params]" with the keyword in any case
// and spaces allowed after the colon (as Postfix allows); the path must be in angle brackets. An
// RFC 5321 source route ("<@a.example,@b.example:jane@c.example>") is checked and dropped (§4.1.1.3,
// Appendix C). "<>" is the null reverse-path; it is no recipient. The mailbox is checked with
// core::ParseAddrSpec, so address literals and "<Postmaster>" without a domain are refused (Herald
// has no local mailboxes). Parameters are separated by one or more spaces; a repeated one is an error.
//
// SECURITY: the argument is untrusted; these are pure functions over the bytes given (the session
// has already bounded the line's length and refused NUL, CR and LF). Bytes above 0x7f are accepted
// only inside the angle brackets.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "smtp/server_session.h"

namespace herald::smtp {

struct CommandLine {
  std::string_view verb;      // as sent: compare with EqualsIgnoreCase
  std::string_view argument;  // what follows the verb and its spaces
};

// "MAIL FROM:<a@b>" → {"MAIL", "FROM:<a@b>"}. Trailing spaces and tabs are dropped first.
CommandLine SplitCommandLine(std::string_view line);

bool HasNonAscii(std::string_view text);

enum class ArgumentError {
  kNone,
  kSyntax,                // not "FROM:<path>" / "TO:<path>": 501 5.5.4
  kBadCharacter,          // a byte above 0x7f outside the angle brackets: 500 5.5.2
  kBadAddress,            // the path holds no valid mailbox: 501 5.1.7 (sender) or 501 5.1.3 (recipient)
  kNeedsSmtpUtf8,         // a non-ASCII mailbox in a transaction without SMTPUTF8: 553 5.6.7
  kBadParameter,          // a malformed or repeated parameter, or a value not allowed: 501 5.5.4
  kUnsupportedParameter,  // a parameter Herald does not offer: 555 5.5.4
};

struct MailArguments {
  ArgumentError error = ArgumentError::kNone;
  Path sender;                            // null for "<>"
  std::optional<uint64_t> declared_size;  // SIZE=n; UINT64_MAX when n does not fit
  bool eight_bit_mime = false;            // BODY=8BITMIME (BODY=7BIT leaves it false)
  bool smtputf8 = false;                  // SMTPUTF8
};

// The argument of MAIL ("FROM:<jane@example.com> SIZE=1234").
MailArguments ParseMailArguments(std::string_view argument);

struct RcptArguments {
  ArgumentError error = ArgumentError::kNone;
  Path recipient;
};

// The argument of RCPT ("TO:<joe@example.com>"). No parameter is offered (no DSN), so any is
// kUnsupportedParameter; `smtputf8` says whether the MAIL of this transaction gave SMTPUTF8.
RcptArguments ParseRcptArguments(std::string_view argument, bool smtputf8);

}  // namespace herald::smtp
