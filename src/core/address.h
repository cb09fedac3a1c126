// E-mail addresses: parsing and validating what callers give as a sender or recipient.
//
// Accepts an RFC 5321 mailbox ("local@domain"): a dot-atom or quoted-string local part of at most 64
// bytes, a domain of LDH labels (at least two) of at most 255 bytes, 254 bytes in all. UTF-8 in either
// part is accepted (RFC 6531) and flagged, since it needs SMTPUTF8 on the wire.
//
// Thread-safety: values and pure functions. Untrusted input: yes, any bytes.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace herald::core {

struct EmailAddress {
  std::string local;
  std::string domain;        // as given, compared case-insensitively
  std::string display_name;  // may be empty; free of control characters
  bool needs_smtputf8 = false;

  // "local@domain"
  std::string AddrSpec() const { return local + "@" + domain; }
};

// Parses a bare addr-spec ("jane@example.com").
Result<EmailAddress> ParseAddrSpec(std::string_view text);

// Checks a display name ("Jane Doe"): at most 256 bytes, no control characters.
Status ValidateDisplayName(std::string_view name);

// Lowercases ASCII letters; for comparing domains.
std::string AsciiLower(std::string_view text);

// The domain of an addr-spec (what follows its last '@'), ASCII-lowercased; empty without an '@'.
std::string DomainOf(std::string_view addr_spec);

}  // namespace herald::core
