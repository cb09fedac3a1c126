#include "dkim/canonicalization.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace herald::dkim {
namespace {

std::string Header(Canonicalization c, std::string_view field) {
  std::string out;
  AppendCanonicalHeader(c, field, out);
  return out;
}

std::string Relaxed(std::string_view field) { return Header(Canonicalization::kRelaxed, field); }

// RFC 6376 §3.4.5's examples.
TEST(CanonicalizationTest, Rfc6376Examples) {
  EXPECT_EQ(Relaxed("A: X\r\n") + Relaxed("B : Y\t\r\n\tZ  \r\n"), "a:X\r\nb:Y Z\r\n");
  EXPECT_EQ(Header(Canonicalization::kSimple, "B : Y\t\r\n\tZ  \r\n"), "B : Y\t\r\n\tZ  \r\n");
  std::string_view body = " C \r\nD \t E\r\n\r\n\r\n";
  EXPECT_EQ(CanonicalizeBody(Canonicalization::kRelaxed, body), " C\r\nD E\r\n");
  EXPECT_EQ(CanonicalizeBody(Canonicalization::kSimple, body), " C \r\nD \t E\r\n");
}

TEST(CanonicalizationTest, RelaxedHeaderEdgeCases) {
  EXPECT_EQ(Relaxed("SUBJECT:  Hello \t  World  \r\n"), "subject:Hello World\r\n");  // case, runs of WSP
  EXPECT_EQ(Relaxed("Subject: a\r\n\tb\r\n  c\r\n"), "subject:a b c\r\n");           // folded
  EXPECT_EQ(Relaxed("Subject:a\r\n b"), "subject:a b\r\n");                          // no final CRLF
  EXPECT_EQ(Relaxed("X-Empty:\r\n"), "x-empty:\r\n");                                // empty value
  EXPECT_EQ(Relaxed("X-Empty:   \r\n  \r\n"), "x-empty:\r\n");                       // only whitespace
  EXPECT_EQ(Relaxed("X-Tab\t:\tv\r\n"), "x-tab:v\r\n");                              // WSP before colon
  EXPECT_EQ(Relaxed("X-Colons: a:b : c\r\n"), "x-colons:a:b : c\r\n");               // later colons stay
  EXPECT_EQ(Relaxed("X-Utf8: Gr\xc3\xbc\xc3\x9f"
                    "e\r\n"),
            "x-utf8:Gr\xc3\xbc\xc3\x9f"
            "e\r\n");  // bytes kept
}

TEST(CanonicalizationTest, SimpleHeaderKeepsTheBytesAndSuppliesAFinalCrlf) {
  EXPECT_EQ(Header(Canonicalization::kSimple, "SUBJECT :  a \r\n\tb\r\n"), "SUBJECT :  a \r\n\tb\r\n");
  EXPECT_EQ(Header(Canonicalization::kSimple, "Subject: a"), "Subject: a\r\n");
}

TEST(CanonicalizationTest, ParsesCValues) {
  auto parse = [](std::string_view c) { return ParseCanonicalization(c); };
  EXPECT_EQ(parse("relaxed/simple")->header, Canonicalization::kRelaxed);
  EXPECT_EQ(parse("relaxed/simple")->body, Canonicalization::kSimple);
  EXPECT_EQ(parse("simple/relaxed")->body, Canonicalization::kRelaxed);
  EXPECT_EQ(parse("relaxed")->header, Canonicalization::kRelaxed);
  EXPECT_EQ(parse("relaxed")->body, Canonicalization::kSimple);
  for (std::string_view bad : {"", "Relaxed", "relaxed/", "relaxed/nowsp", "simple/simple/simple"}) {
    EXPECT_FALSE(parse(bad).has_value()) << bad;
  }
  EXPECT_EQ(ToString(Canonicalization::kSimple), "simple");
  EXPECT_EQ(ToString(Canonicalization::kRelaxed), "relaxed");
}

struct BodyCase {
  std::string_view body;
  std::string_view simple;
  std::string_view relaxed;
};

constexpr BodyCase kBodyCases[] = {
    {"", "\r\n", ""},
    {"\r\n", "\r\n", ""},
    {"\r\n\r\n\r\n", "\r\n", ""},
    {" \t \r\n", " \t \r\n", ""},  // a line of WSP is empty once relaxed
    {"a\r\n", "a\r\n", "a\r\n"},
    {"a", "a\r\n", "a\r\n"},              // no final CRLF (§3.4.3, §3.4.4)
    {"a  \t", "a  \t\r\n", "a\r\n"},      // trailing WSP on an unterminated line
    {"a\r\n\r\n\r\n", "a\r\n", "a\r\n"},  // trailing empty lines
    {"a\r\n \r\n\t\r\n", "a\r\n \r\n\t\r\n", "a\r\n"},
    {"\r\n\r\na\r\n", "\r\n\r\na\r\n", "\r\n\r\na\r\n"},         // leading empty lines stay
    {"a\r\n\r\nb\r\n\r\n", "a\r\n\r\nb\r\n", "a\r\n\r\nb\r\n"},  // inner empty lines stay
    {"  a  b\t\tc \r\n", "  a  b\t\tc \r\n", " a b c\r\n"},
    {"a\rb\nc\r\n", "a\rb\nc\r\n", "a\rb\nc\r\n"},  // bare CR and LF are text
    {"a \rb\r\n", "a \rb\r\n", "a \rb\r\n"},
    {"a\r", "a\r\r\n", "a\r\r\n"},
    {".\r\n..a\r\n", ".\r\n..a\r\n", ".\r\n..a\r\n"},
};

TEST(CanonicalizationTest, Bodies) {
  for (const BodyCase& c : kBodyCases) {
    EXPECT_EQ(CanonicalizeBody(Canonicalization::kSimple, c.body), c.simple)
        << ::testing::PrintToString(c.body);
    EXPECT_EQ(CanonicalizeBody(Canonicalization::kRelaxed, c.body), c.relaxed)
        << ::testing::PrintToString(c.body);
  }
}

// Feeds `body` to a BodyCanonicalizer in chunks of `chunk_size` bytes.
std::string CanonicalizeInChunks(Canonicalization canonicalization, std::string_view body,
                                 size_t chunk_size) {
  std::string out;
  BodyCanonicalizer canonicalizer(canonicalization, [&out](std::string_view text) { out += text; });
  for (size_t i = 0; i < body.size(); i += chunk_size) canonicalizer.Update(body.substr(i, chunk_size));
  canonicalizer.Finish();
  return out;
}

// Chunk boundaries (a CRLF split in two, a WSP run across chunks) change nothing.
TEST(CanonicalizationTest, BodiesInChunksOfAnySize) {
  std::string long_body;
  for (const BodyCase& c : kBodyCases) long_body += std::string(c.body) + "x \t\r\n";
  long_body += "end  \r\n\r\n \r\n";
  for (Canonicalization canonicalization : {Canonicalization::kSimple, Canonicalization::kRelaxed}) {
    std::string whole = CanonicalizeBody(canonicalization, long_body);
    for (size_t chunk_size : {1u, 2u, 3u, 7u, 16u, 17u}) {
      EXPECT_EQ(CanonicalizeInChunks(canonicalization, long_body, chunk_size), whole)
          << ToString(canonicalization) << " in chunks of " << chunk_size;
    }
  }
}

// RFC 6376 §3.4.3 and §3.4.4 written as plainly as possible, line by line, to check the streaming
// canonicalizer (and its 16-byte scan) against.
std::string ReferenceCanonicalization(Canonicalization canonicalization, const std::string& body) {
  std::vector<std::string> lines;  // split at CRLF; the last one is what follows the last CRLF
  for (size_t start = 0;;) {
    size_t end = body.find("\r\n", start);
    lines.push_back(body.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 2;
  }
  if (canonicalization == Canonicalization::kRelaxed) {
    for (std::string& line : lines) {
      std::string squeezed;
      for (char c : line) {
        bool wsp = c == ' ' || c == '\t';
        if (!wsp)
          squeezed += c;
        else if (squeezed.empty() || squeezed.back() != ' ')
          squeezed += ' ';  // every SP here came from WSP
      }
      while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
      line = squeezed;
    }
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return canonicalization == Canonicalization::kSimple ? "\r\n" : "";
  std::string out;
  for (const std::string& line : lines) out += line + "\r\n";
  return out;
}

TEST(CanonicalizationTest, AgreesWithAPlainReadingOfTheRfcOnRandomBodies) {
  std::mt19937 random(6376);
  // Dense in whitespace and line ends, then mostly text (long runs for the 16-byte scan).
  const std::string alphabets[] = {"ab  \t\r\n\r\n.",
                                   "abcdefghijklmnopqrstuvwxyz0123456789 abcdefghij \r\n\t"};
  for (int round = 0; round < 4000; ++round) {
    const std::string& alphabet = alphabets[round % 2];
    std::string body(random() % 300, ' ');
    for (char& c : body) c = alphabet[random() % alphabet.size()];
    size_t chunk_size = 1 + random() % 40;
    for (Canonicalization canonicalization : {Canonicalization::kSimple, Canonicalization::kRelaxed}) {
      ASSERT_EQ(CanonicalizeInChunks(canonicalization, body, chunk_size),
                ReferenceCanonicalization(canonicalization, body))
          << ToString(canonicalization) << " in chunks of " << chunk_size << ": "
          << ::testing::PrintToString(body);
    }
  }
}

}  // namespace
}  // namespace herald::dkim
