#include "smtp/command.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "base/ascii.h"

namespace herald::smtp {
namespace {

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view SkipSpaces(std::string_view text) {
  size_t start = text.find_first_not_of(' ');
  return start == std::string_view::npos ? std::string_view() : text.substr(start);
}

// "KEYWORD:" at the start of `argument` in any case, then optional spaces: what follows.
std::optional<std::string_view> AfterKeyword(std::string_view argument, std::string_view keyword) {
  if (argument.size() < keyword.size() || !EqualsIgnoreCase(argument.substr(0, keyword.size()), keyword)) {
    return std::nullopt;
  }
  return SkipSpaces(argument.substr(keyword.size()));
}

// RFC 5321 Domain: sub-domains of letters, digits and inner hyphens, joined by dots.
bool IsDomainSyntax(std::string_view domain) {
  while (true) {
    size_t dot = domain.find('.');
    std::string_view label = domain.substr(0, dot);
    if (label.empty() || !IsAlnum(label.front()) || !IsAlnum(label.back())) return false;
    for (char c : label) {
      if (!IsAlnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    domain.remove_prefix(dot + 1);
  }
}

// An At-domain list "@a.example,@b.example" (RFC 5321 §4.1.2).
bool IsSourceRoute(std::string_view route) {
  while (true) {
    size_t comma = route.find(',');
    std::string_view hop = route.substr(0, comma);
    if (hop.size() < 2 || hop[0] != '@' || !IsDomainSyntax(hop.substr(1))) return false;
    if (comma == std::string_view::npos) return true;
    route.remove_prefix(comma + 1);
  }
}

struct PathParts {
  ArgumentError error = ArgumentError::kNone;
  std::string_view mailbox;     // inside the brackets, source route dropped; empty for "<>"
  std::string_view parameters;  // after the closing bracket
};

// "<path> params": finds the closing bracket outside a quoted local part.
PathParts SplitPath(std::string_view text) {
  PathParts parts;
  if (text.empty() || text[0] != '<') {
    parts.error = HasNonAscii(text) ? ArgumentError::kBadCharacter : ArgumentError::kSyntax;
    return parts;
  }
  size_t close = std::string_view::npos;
  bool quoted = false;
  for (size_t i = 1; i < text.size() && close == std::string_view::npos; ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '>') {
      close = i;
    } else if (c == '<') {
      break;
    }
  }
  if (close == std::string_view::npos) {
    parts.error = ArgumentError::kSyntax;
    return parts;
  }
  std::string_view rest = text.substr(close + 1);
  if (!rest.empty() && rest[0] != ' ') {
    parts.error = ArgumentError::kSyntax;
    return parts;
  }
  if (HasNonAscii(rest)) {
    parts.error = ArgumentError::kBadCharacter;
    return parts;
  }
  parts.parameters = SkipSpaces(rest);
  std::string_view inner = text.substr(1, close - 1);
  if (!inner.empty() && inner[0] == '@') {
    size_t colon = inner.find(':');
    if (colon == std::string_view::npos || !IsSourceRoute(inner.substr(0, colon))) {
      parts.error = ArgumentError::kBadAddress;
      return parts;
    }
    inner.remove_prefix(colon + 1);
    if (inner.empty()) {
      parts.error = ArgumentError::kBadAddress;
      return parts;
    }
  }
  parts.mailbox = inner;
  return parts;
}

ArgumentError ParseMailbox(std::string_view mailbox, bool smtputf8, Path& path) {
  if (HasNonAscii(mailbox) && !smtputf8) return ArgumentError::kNeedsSmtpUtf8;
  Result<core::EmailAddress> address = core::ParseAddrSpec(mailbox);
  if (!address.ok()) return ArgumentError::kBadAddress;
  path.address = std::move(address).value();
  return ArgumentError::kNone;
}

struct Parameter {
  std::string_view keyword;
  std::optional<std::string_view> value;
};

// esmtp-param = esmtp-keyword ["=" esmtp-value] (RFC 5321 §4.1.2).
std::optional<Parameter> ParseParameter(std::string_view text) {
  Parameter parameter;
  size_t equals = text.find('=');
  parameter.keyword = text.substr(0, equals);
  if (parameter.keyword.empty() || !IsAlnum(parameter.keyword[0])) return std::nullopt;
  for (char c : parameter.keyword) {
    if (!IsAlnum(c) && c != '-') return std::nullopt;
  }
  if (equals != std::string_view::npos) {
    std::string_view value = text.substr(equals + 1);
    if (value.empty()) return std::nullopt;
    for (unsigned char c : value) {
      if (c <= ' ' || c == '=' || c >= 0x7f) return std::nullopt;
    }
    parameter.value = value;
  }
  return parameter;
}

// Calls `apply` for each parameter in `text` until one returns an error.
template <typename Apply>
ArgumentError ForEachParameter(std::string_view text, Apply apply) {
  while (!text.empty()) {
    size_t space = text.find(' ');
    std::optional<Parameter> parameter = ParseParameter(text.substr(0, space));
    if (!parameter) return ArgumentError::kBadParameter;
    if (ArgumentError error = apply(*parameter); error != ArgumentError::kNone) return error;
    text = space == std::string_view::npos ? std::string_view() : SkipSpaces(text.substr(space));
  }
  return ArgumentError::kNone;
}

// SIZE's value: digits; a number too big for 64 bits saturates (it is over any limit anyway).
std::optional<uint64_t> ParseSize(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      value = std::numeric_limits<uint64_t>::max();
    } else {
      value = value * 10 + digit;
    }
  }
  return value;
}

}  // namespace

bool HasNonAscii(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) > 0x7f; });
}

CommandLine SplitCommandLine(std::string_view line) {
  size_t last = line.find_last_not_of(" \t");
  line = last == std::string_view::npos ? std::string_view() : line.substr(0, last + 1);
  CommandLine command;
  size_t space = line.find(' ');
  command.verb = line.substr(0, space);
  if (space != std::string_view::npos) command.argument = SkipSpaces(line.substr(space));
  return command;
}

MailArguments ParseMailArguments(std::string_view argument) {
  MailArguments mail;
  std::optional<std::string_view> path_text = AfterKeyword(argument, "FROM:");
  if (!path_text) {
    mail.error = HasNonAscii(argument) ? ArgumentError::kBadCharacter : ArgumentError::kSyntax;
    return mail;
  }
  PathParts parts = SplitPath(*path_text);
  if (parts.error != ArgumentError::kNone) {
    mail.error = parts.error;
    return mail;
  }
  bool body_seen = false;
  bool auth_seen = false;
  mail.error = ForEachParameter(parts.parameters, [&](const Parameter& parameter) {
    if (EqualsIgnoreCase(parameter.keyword, "SIZE")) {
      if (mail.declared_size || !parameter.value) return ArgumentError::kBadParameter;
      mail.declared_size = ParseSize(*parameter.value);
      return mail.declared_size ? ArgumentError::kNone : ArgumentError::kBadParameter;
    }
    if (EqualsIgnoreCase(parameter.keyword, "BODY")) {
      if (body_seen || !parameter.value) return ArgumentError::kBadParameter;
      body_seen = true;
      if (EqualsIgnoreCase(*parameter.value, "8BITMIME")) {
        mail.eight_bit_mime = true;
      } else if (!EqualsIgnoreCase(*parameter.value, "7BIT")) {
        return ArgumentError::kBadParameter;
      }
      return ArgumentError::kNone;
    }
    if (EqualsIgnoreCase(parameter.keyword, "SMTPUTF8")) {
      if (mail.smtputf8 || parameter.value) return ArgumentError::kBadParameter;
      mail.smtputf8 = true;
      return ArgumentError::kNone;
    }
    if (EqualsIgnoreCase(parameter.keyword, "AUTH")) {
      // RFC 4954 §5: accepted from any client and not trusted; the identity is the session's.
      if (auth_seen || !parameter.value) return ArgumentError::kBadParameter;
      auth_seen = true;
      return ArgumentError::kNone;
    }
    return ArgumentError::kUnsupportedParameter;
  });
  if (mail.error != ArgumentError::kNone) return mail;
  if (!parts.mailbox.empty()) mail.error = ParseMailbox(parts.mailbox, mail.smtputf8, mail.sender);
  return mail;
}

RcptArguments ParseRcptArguments(std::string_view argument, bool smtputf8) {
  RcptArguments rcpt;
  std::optional<std::string_view> path_text = AfterKeyword(argument, "TO:");
  if (!path_text) {
    rcpt.error = HasNonAscii(argument) ? ArgumentError::kBadCharacter : ArgumentError::kSyntax;
    return rcpt;
  }
  PathParts parts = SplitPath(*path_text);
  if (parts.error != ArgumentError::kNone) {
    rcpt.error = parts.error;
    return rcpt;
  }
  rcpt.error = ForEachParameter(parts.parameters,
                                [](const Parameter&) { return ArgumentError::kUnsupportedParameter; });
  if (rcpt.error != ArgumentError::kNone) return rcpt;
  if (parts.mailbox.empty()) {
    rcpt.error = ArgumentError::kBadAddress;
    return rcpt;
  }
  rcpt.error = ParseMailbox(parts.mailbox, smtputf8, rcpt.recipient);
  return rcpt;
}

}  // namespace herald::smtp
