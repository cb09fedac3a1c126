#include "mime/quoted_printable.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "mime/message_reader.h"
#include "mime/mime_test_util.h"

namespace herald::mime {
namespace {

using ::testing::IsEmpty;

std::string Encode(std::string_view text) {
  std::string out = "before";
  AppendQuotedPrintable(text, out);
  EXPECT_EQ(out.substr(0, 6), "before");
  return out.substr(6);
}

// `text` with every line end (CRLF, LF, lone CR) as CRLF: what decoding the encoding must give back.
std::string WithCrlf(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' || text[i] == '\n') {
      out += "\r\n";
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

// What is wrong with `encoded` as quoted-printable on the wire; empty when nothing is.
std::vector<std::string> EncodingProblems(std::string_view encoded) {
  std::vector<std::string> problems = testing::WireProblems(encoded);
  size_t start = 0;
  while (start < encoded.size()) {
    size_t end = encoded.find("\r\n", start);
    if (end == std::string_view::npos) break;
    std::string_view line = encoded.substr(start, end - start);
    std::string where = "line \"" + std::string(line) + "\"";
    if (line.size() > kMaxQuotedPrintableLine) problems.push_back(where + " is longer than 76");
    if (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
      problems.push_back(where + " ends in space");
    for (size_t i = 0; i < line.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      if (c == '=') {
        bool soft = i + 1 == line.size();
        bool hex = i + 2 < line.size() && std::isxdigit(static_cast<unsigned char>(line[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(line[i + 2]));
        if (!soft && !hex) problems.push_back(where + " has a bare '='");
      } else if ((c < 0x20 && c != '\t') || c >= 0x7f) {
        problems.push_back(where + " has an unencoded byte");
      }
    }
    start = end + 2;
  }
  return problems;
}

// The encoding of `bytes`, read back by GMime as the body of a one-part message.
std::string RoundTrip(std::string_view bytes) {
  std::string message =
      "From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
      Encode(bytes);
  Result<ParsedMessage> parsed = ParseMessage(message);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  if (!parsed.ok() || parsed->parts.size() != 1) return "<unreadable>";
  return parsed->parts[0].body;
}

void ExpectRoundTrip(std::string_view text) {
  const std::string encoded = Encode(text);
  EXPECT_THAT(EncodingProblems(encoded), IsEmpty()) << encoded;
  EXPECT_EQ(RoundTrip(text), WithCrlf(text)) << encoded;
}

TEST(QuotedPrintableTest, WritesPrintableAsciiAsItIs) {
  EXPECT_EQ(Encode(""), "");
  EXPECT_EQ(Encode("Hello, world!\n"), "Hello, world!\r\n");
  EXPECT_EQ(Encode("<a href=\"x\">"), "<a href=3D\"x\">=\r\n");
  EXPECT_EQ(Encode("tab\tin the middle\r\n"), "tab\tin the middle\r\n");
}

TEST(QuotedPrintableTest, EncodesEightBitAndControlBytes) {
  EXPECT_EQ(Encode("Grüße\n"), "Gr=C3=BC=C3=9Fe\r\n");
  EXPECT_EQ(Encode(std::string("a\0b\x7f\x1b\n", 6)), "a=00b=7F=1B\r\n");
}

TEST(QuotedPrintableTest, EveryLineEndBecomesCrlf) {
  EXPECT_EQ(Encode("a\nb\r\nc\rd\n\re\n"), "a\r\nb\r\nc\r\nd\r\n\r\ne\r\n");
  EXPECT_EQ(Encode("\r\n\r\n"), "\r\n\r\n");
  EXPECT_EQ(Encode("\r"), "\r\n");
}

TEST(QuotedPrintableTest, AnUnendedLastLineEndsInASoftBreak) {
  EXPECT_EQ(Encode("no line end"), "no line end=\r\n");
  EXPECT_EQ(Encode("="), "=3D=\r\n");
  EXPECT_EQ(RoundTrip("no line end"), "no line end");
}

TEST(QuotedPrintableTest, WhitespaceBeforeALineEndIsEncoded) {
  EXPECT_EQ(Encode("space \ntab\t\r\nboth \t\n"), "space=20\r\ntab=09\r\nboth =09\r\n");
  EXPECT_EQ(Encode(" \n"), "=20\r\n");
  // Followed by the soft break's '=', it is not at the end of the line.
  EXPECT_EQ(Encode("end "), "end =\r\n");
}

TEST(QuotedPrintableTest, LinesOfUpTo76Characters) {
  const std::string a76(76, 'a');
  EXPECT_EQ(Encode(a76 + "\n"), a76 + "\r\n");  // fits as it is before a hard break
  EXPECT_EQ(Encode(a76), std::string(75, 'a') + "=\r\na=\r\n");
  EXPECT_EQ(Encode(a76 + "a\n"), std::string(75, 'a') + "=\r\naa\r\n");
  EXPECT_EQ(Encode(std::string(75, 'a') + " \n"), std::string(75, 'a') + "=\r\n=20\r\n");
  EXPECT_EQ(Encode(std::string(75, 'a') + "\t\n"), std::string(75, 'a') + "=\r\n=09\r\n");
  // "=3D" is never cut by a soft break.
  for (size_t before = 70; before <= 78; ++before) {
    const std::string text = std::string(before, 'a') + "=b\n";
    const std::string encoded = Encode(text);
    EXPECT_THAT(EncodingProblems(encoded), IsEmpty()) << before << "\n" << encoded;
    EXPECT_NE(encoded.find("=3D"), std::string::npos) << before;
    EXPECT_EQ(RoundTrip(text), WithCrlf(text)) << before;
  }
}

TEST(QuotedPrintableTest, EdgeCasesComeBackExactly) {
  std::vector<std::string> texts = {"",           "a",  "=",    " ",        "\t",
                                    "\n",         "\r", "\r\n", "\n\r",     "=\n",
                                    " \r\n \r\n", "ü",  "€ \n", "a\r\r\nb", std::string("\0", 1),
                                    "x=\r\n=y"};
  for (size_t length : {74, 75, 76, 77, 78, 150, 151, 152, 153, 2000}) {
    for (const std::string tail : {"", "\n", "\r\n", " ", " \n", "\t\r\n", "=", "=\n", "ü\n", "é"}) {
      texts.push_back(std::string(length, 'x') + tail);
      texts.push_back(std::string(length - 1, 'x') + "=" + tail);
      texts.push_back(std::string(length, ' ') + tail);
    }
  }
  for (const std::string& text : texts) ExpectRoundTrip(text);
}

TEST(QuotedPrintableTest, RandomTextComesBackExactly) {
  std::mt19937 random(20251125);
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           "0",
                                           " ",
                                           "\t",
                                           "=",
                                           "\r",
                                           "\n",
                                           "\r\n",
                                           ".",
                                           "~",
                                           "ü",
                                           "€",
                                           "😀",
                                           "<p class=\"x\">",
                                           std::string(40, 'w'),
                                           std::string("\0", 1),
                                           "\x7f",
                                           "\xff"};
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const size_t count = random() % 400;
    for (size_t i = 0; i < count; ++i) text += pieces[random() % pieces.size()];
    ExpectRoundTrip(text);
  }
  for (int round = 0; round < 100; ++round) {  // any bytes at all
    std::string bytes(random() % 3000, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    ExpectRoundTrip(bytes);
  }
}

}  // namespace
}  // namespace herald::mime
