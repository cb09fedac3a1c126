#include "smtp/data.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald::smtp {
namespace {

// The receiving side of RFC 5321 §4.5.2: drop one leading dot of each line.
std::string Unstuff(std::string_view stuffed) {
  std::string out;
  bool line_start = true;
  for (char c : stuffed) {
    if (line_start && c == '.') {
      line_start = false;
      continue;
    }
    out += c;
    line_start = c == '\n';
  }
  return out;
}

TEST(DotStuff, DoublesLeadingDotsAndEndsWithCrlf) {
  struct Case {
    std::string in;
    std::string out;
  };
  for (const Case& c : std::vector<Case>{
           {"", ""},
           {"a", "a\r\n"},
           {"a\r\n", "a\r\n"},
           {".", "..\r\n"},
           {".\r\n", "..\r\n"},
           {"a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n"},
           {"a\r\n..b\r\n", "a\r\n...b\r\n"},
           {"a.b\r\n.c.d\r\n", "a.b\r\n..c.d\r\n"},
           {"a\r\n.", "a\r\n..\r\n"},
           {"\r\n.\r\n", "\r\n..\r\n"},
           {"a\r", "a\r\n"},
       }) {
    EXPECT_EQ(DotStuff(c.in), c.out) << c.in;
  }
}

TEST(DotStuff, RoundTripsALargeMessage) {
  std::string message;
  for (int i = 0; i < 20000; ++i) {
    message += (i % 3 == 0) ? ".line " : "line ";
    message += std::to_string(i);
    message += (i % 7 == 0) ? "\r\n.\r\n" : "\r\n";
  }
  std::string stuffed = DotStuff(message);
  EXPECT_EQ(stuffed.find("\r\n.\r\n"), std::string::npos);
  EXPECT_EQ(Unstuff(stuffed), message);
}

TEST(AppendDotStuffed, AppendsAfterExistingBytes) {
  std::string out = "prefix:";
  AppendDotStuffed(".x", out);
  EXPECT_EQ(out, "prefix:..x\r\n");
}

TEST(HasEightBitBytes, FindsBytesAbove0x7f) {
  EXPECT_FALSE(HasEightBitBytes("plain ascii\r\n\x7f"));
  EXPECT_TRUE(HasEightBitBytes("caf\xc3\xa9"));
}

TEST(HasCommandBreakingBytes, RefusesControlsAndBrackets) {
  EXPECT_FALSE(HasCommandBreakingBytes("jane.doe+x@example.com"));
  EXPECT_FALSE(HasCommandBreakingBytes("\"jane doe\"@example.com"));
  EXPECT_FALSE(HasCommandBreakingBytes("j\xc3\xb8rn@example.com"));
  EXPECT_TRUE(HasCommandBreakingBytes("a@b.example>\r\nRCPT TO:<c@d.example"));
  EXPECT_TRUE(HasCommandBreakingBytes("a@b.example>"));
  EXPECT_TRUE(HasCommandBreakingBytes(std::string("a\0b@c.example", 13)));
}

}  // namespace
}  // namespace herald::smtp
