// Small scanners over untrusted report text: lines, case-insensitive search, e-mail addresses, SMTP
// reply codes and enhanced status codes, and the SMTP command a failure answered. Written by hand, not
// with std::regex (whose backtracking recurses per character: long hostile lines would exhaust the stack).
//
// Thread-safety: pure functions. Untrusted input: yes, any bytes; every scan is linear in its input.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ascii.h"
#include "smtp/bounce_classification.h"

namespace herald::bounces {

// The lines of `text` without their line ends (LF or CRLF).
std::vector<std::string_view> Lines(std::string_view text);

std::string_view Trim(std::string_view text);

// FindIgnoreCase (base/ascii.h) answering whether there is one.
inline bool ContainsIgnoreCase(std::string_view text, std::string_view needle) {
  return FindIgnoreCase(text, needle) != std::string_view::npos;
}
// True when `text` is one of `candidates` (ASCII case-insensitive).
bool EqualsAnyIgnoreCase(std::string_view text, std::initializer_list<std::string_view> candidates);
// True when `text` contains one of `needles` (ASCII case-insensitive).
bool ContainsAnyIgnoreCase(std::string_view text, const std::vector<std::string_view>& needles);

// Runs of whitespace (line ends included) as one space, trimmed: a multi-line reply as one line.
std::string OneLine(std::string_view text);

// An e-mail address found in text: a local part and a domain of at least two labels around an '@',
// accepted by core::ParseAddrSpec.
struct FoundAddress {
  std::string_view address;  // a view into the scanned text
  size_t offset = 0;
};

// The addresses in `text` in order, at most `max_count` of them.
std::vector<FoundAddress> FindAddresses(std::string_view text, size_t max_count);
// The first address in `text` ("rfc822; <jane@example.com>" → "jane@example.com"), if any.
std::optional<std::string> FirstAddress(std::string_view text);

// `text` with the addresses FindAddresses sees taken out.
std::string WithoutAddresses(std::string_view text);

// ASCII case-insensitive equality of two addresses (enough to compare what reports repeat).
bool SameAddress(std::string_view a, std::string_view b);

// The SMTP reply code and RFC 3463 enhanced status code a text carries ("... said: 550 5.1.1 <x>:
// User unknown"), each the first one standing apart from other digits and dots (so not "192.0.2.25",
// "4.16.55.1" or "SIZE=1543"), of a class listed in `classes` ("45": failures only). A qmail-style
// "(#5.1.1)" counts as an enhanced code.
struct FoundCodes {
  int reply_code = 0;                            // 0 when none
  size_t reply_offset = std::string_view::npos;  // where reply_code stands
  std::string status;                            // "" when none
  bool status_follows_reply = false;  // status stands right after reply_code ("552 5.2.2", "550-5.7.1")
};
FoundCodes FindCodes(std::string_view text, std::string_view classes = "45");

// True when `status` is an enhanced status code without detail ("5.0.0", "4.0.0"): a DSN Status that
// a diagnostic's own code may refine.
bool IsGenericStatus(std::string_view status);

// The SMTP command a failure described in `text` answered: "(in reply to RCPT TO command)", "after
// end of data", "did not like our final DATA", or the last command a transcript shows before the reply
// at `reply_offset`. kUnknown when the text does not say.
smtp::RepliedCommand FindRepliedCommand(std::string_view text, size_t reply_offset);

// The text of an HTML part, for notifications sent without a text/plain one: tags removed (line
// breaks kept for <br>, </p>, </div>, </tr>, </li>), the common entities decoded, at most `max_bytes`.
std::string HtmlToText(std::string_view html, size_t max_bytes);

}  // namespace herald::bounces
