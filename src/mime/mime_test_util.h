// Helpers for the mime tests: a typical message and a wire-format check written independently of
// wire_format.cc, so a bug there cannot hide the same bug in the tests.
//
// Thread-safety: plain functions. Untrusted input: test data only.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "mime/message_builder.h"

namespace herald::mime::testing {

inline core::EmailAddress Address(std::string_view addr_spec, std::string display_name = "") {
  Result<core::EmailAddress> address = core::ParseAddrSpec(addr_spec);
  EXPECT_TRUE(address.ok()) << addr_spec;
  core::EmailAddress out = address.ok() ? *address : core::EmailAddress{};
  out.display_name = std::move(display_name);
  return out;
}

// 2025-11-25T11:36:13.250Z, a Tuesday.
inline TimePoint TestDate() { return FromUnixMillis(1764070573250); }

inline MessageContent TypicalContent() {
  MessageContent content;
  content.from = Address("orders@shop.example", "Shop");
  content.to = Address("jane@example.com", "Jane Doe");
  content.subject = "Your order 42";
  content.text = "Hello Jane,\nthank you for your order.\n";
  content.html = "<p>Hello Jane,</p>\n<p>thank you for your order.</p>\n";
  content.message_id = "msg_01jdz4n7r8xg4w5v3k2p9qh6tb@shop.example";
  content.date = TestDate();
  return content;
}

// Every problem that would make `wire` unfit for SMTP: bare CR or LF, a line over 998 bytes, a byte
// outside 7-bit ASCII (NUL included), a missing final CRLF. Empty when there is none.
inline std::vector<std::string> WireProblems(std::string_view wire) {
  std::vector<std::string> problems;
  size_t line = 1;
  size_t start = 0;
  while (start < wire.size()) {
    size_t lf = wire.find('\n', start);
    if (lf == std::string_view::npos) {
      problems.push_back("line " + std::to_string(line) + " has no line end");
      break;
    }
    if (lf == start || wire[lf - 1] != '\r')
      problems.push_back("line " + std::to_string(line) + " ends in a bare LF");
    std::string_view content = wire.substr(start, lf - start - (lf > start && wire[lf - 1] == '\r' ? 1 : 0));
    if (content.size() > 998)
      problems.push_back("line " + std::to_string(line) + " is longer than 998 bytes");
    if (content.find('\r') != std::string_view::npos) {
      problems.push_back("line " + std::to_string(line) + " has a bare CR");
    }
    for (char c : content) {
      if (c == 0 || static_cast<unsigned char>(c) >= 0x80) {
        problems.push_back("line " + std::to_string(line) + " has a non-ASCII byte");
        break;
      }
    }
    start = lf + 1;
    ++line;
  }
  return problems;
}

// The header section (up to the first empty line) of `wire`.
inline std::string_view HeaderSection(std::string_view wire) {
  return wire.substr(0, wire.find("\r\n\r\n") + 2);
}

// The header lines of the section, in order, each unfolded ("Name: value"), CRLF removed.
inline std::vector<std::string> UnfoldedHeaders(std::string_view wire) {
  std::vector<std::string> fields;
  std::string_view section = HeaderSection(wire);
  size_t start = 0;
  while (start < section.size()) {
    size_t end = section.find("\r\n", start);
    std::string_view line = section.substr(start, end - start);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
      fields.back() += std::string(line);
    } else {
      fields.emplace_back(line);
    }
    start = end + 2;
  }
  return fields;
}

// The unfolded field named `name` (case-insensitive), without "Name: "; empty when absent.
inline std::string FieldValue(std::string_view wire, std::string_view name) {
  for (const std::string& field : UnfoldedHeaders(wire)) {
    if (field.size() > name.size() && field[name.size()] == ':' &&
        core::AsciiLower(field.substr(0, name.size())) == core::AsciiLower(name)) {
      size_t value = name.size() + 1;
      while (value < field.size() && field[value] == ' ') ++value;
      return field.substr(value);
    }
  }
  return "";
}

}  // namespace herald::mime::testing
