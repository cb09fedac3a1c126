#include "mime/body_encoding.h"

#include <gtest/gtest.h>

#include <string>

#include "base/base64.h"

namespace herald::mime {
namespace {

std::optional<std::string> Normalized(std::string_view text, BodyStats* stats = nullptr) {
  std::string out;
  std::optional<BodyStats> measured =
      NormalizeBody(text, [&out](const char* data, size_t size) { out.append(data, size); });
  if (!measured) return std::nullopt;
  EXPECT_EQ(measured->bytes, out.size());
  if (stats != nullptr) *stats = *measured;
  return out;
}

TEST(NormalizeBodyTest, EveryLineEndBecomesLf) {
  EXPECT_EQ(Normalized(""), "");
  EXPECT_EQ(Normalized("no line end"), "no line end");
  EXPECT_EQ(Normalized("a\nb"), "a\nb");
  EXPECT_EQ(Normalized("a\r\nb"), "a\nb");
  EXPECT_EQ(Normalized("a\rb"), "a\nb");
  EXPECT_EQ(Normalized("\n\n"), "\n\n");
  EXPECT_EQ(Normalized("\r\r\n\n\r"), "\n\n\n\n");
  EXPECT_EQ(Normalized("a\n\rb"), "a\n\nb");
  EXPECT_EQ(Normalized("end\r"), "end\n");
  // Long runs take the eight-bytes-at-a-time path; line ends at every offset within a word.
  for (size_t offset = 0; offset < 16; ++offset) {
    std::string text = std::string(offset, 'x') + "\r\n" + std::string(20, 'y') + "\r" + std::string(9, 'z');
    EXPECT_EQ(Normalized(text),
              std::string(offset, 'x') + "\n" + std::string(20, 'y') + "\n" + std::string(9, 'z'));
  }
}

TEST(NormalizeBodyTest, MeasuresTheText) {
  BodyStats stats;
  ASSERT_TRUE(Normalized("short\nGrüße aus Köln\r\n" + std::string(1200, 'x') + "\nend", &stats));
  EXPECT_EQ(stats.eight_bit, 6u);
  EXPECT_EQ(stats.longest_line, 1200u);
  ASSERT_TRUE(Normalized("abc", &stats));
  EXPECT_EQ(stats.longest_line, 3u);
  EXPECT_EQ(stats.eight_bit, 0u);
  ASSERT_TRUE(Normalized("€ ✓ 𝄞", &stats));
  EXPECT_EQ(stats.eight_bit, 10u);
}

TEST(NormalizeBodyTest, RefusesInvalidUtf8AndNul) {
  std::string padding(13, 'p');  // puts the bad byte on both sides of a word boundary
  for (std::string bad :
       {std::string("\xff"), std::string("\xc3\x28"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
        std::string("\xf4\x90\x80\x80"), std::string("\xe2\x82"), std::string("\0", 1)}) {
    EXPECT_FALSE(Normalized(bad));
    EXPECT_FALSE(Normalized(padding + bad + padding));
    EXPECT_FALSE(Normalized(padding + bad));
  }
  EXPECT_TRUE(Normalized(padding + "\xf0\x9f\x98\x80" + padding));  // U+1F600
  EXPECT_TRUE(Normalized("\xef\xbf\xbd"));                          // U+FFFD
}

TEST(AppendWithCrlfTest, TurnsEveryLfIntoCrlf) {
  auto crlf = [](std::string_view text) {
    std::string out;
    AppendWithCrlf(text, [&out](const char* data, size_t size) { out.append(data, size); });
    return out;
  };
  EXPECT_EQ(crlf(""), "");
  EXPECT_EQ(crlf("a"), "a");
  EXPECT_EQ(crlf("a\nb\n"), "a\r\nb\r\n");
  EXPECT_EQ(crlf("\n\n"), "\r\n\r\n");
}

TEST(AppendWithCrlfTest, TakesCrlfAndLoneCrAsLineEndsToo) {
  auto crlf = [](std::string_view text) {
    std::string out;
    AppendWithCrlf(text, [&out](const char* data, size_t size) { out.append(data, size); });
    return out;
  };
  EXPECT_EQ(crlf("a\r\nb\rc\n"), "a\r\nb\r\nc\r\n");
  EXPECT_EQ(crlf("\r\r\n\n\r"), "\r\n\r\n\r\n\r\n");
  EXPECT_EQ(crlf("end\r"), "end\r\n");
  // Long runs take the eight-bytes-at-a-time path; line ends at every offset within a word.
  for (size_t offset = 0; offset < 16; ++offset) {
    std::string text =
        std::string(offset, 'x') + "\r\n" + std::string(20, 'y') + "\r" + std::string(9, 'z') + "\n";
    EXPECT_EQ(crlf(text), std::string(offset, 'x') + "\r\n" + std::string(20, 'y') + "\r\n" +
                              std::string(9, 'z') + "\r\n");
  }
}

std::string EncodeBase64Lines(std::string_view bytes) {
  std::string out = "before:";
  AppendBase64Lines(bytes, out);
  EXPECT_EQ(out.substr(0, 7), "before:");
  return out.substr(7);
}

TEST(AppendBase64LinesTest, LinesOf76CharactersEndedByCrlf) {
  EXPECT_EQ(EncodeBase64Lines(""), "");
  EXPECT_EQ(EncodeBase64Lines("M"), "TQ==\r\n");
  EXPECT_EQ(EncodeBase64Lines("Man"), "TWFu\r\n");
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes += static_cast<char>(i * 7);
  for (size_t size : {56, 57, 58, 114, 1000}) {
    const std::string encoded = EncodeBase64Lines(std::string_view(bytes).substr(0, size));
    EXPECT_EQ(encoded.size(), Base64LinesSize(size)) << size;
    std::string joined;
    size_t start = 0;
    for (size_t crlf = encoded.find("\r\n"); crlf != std::string::npos; crlf = encoded.find("\r\n", start)) {
      EXPECT_LE(crlf - start, 76u) << size;
      if (crlf + 2 < encoded.size()) {
        EXPECT_EQ(crlf - start, 76u) << size;
      }
      joined += encoded.substr(start, crlf - start);
      start = crlf + 2;
    }
    EXPECT_EQ(start, encoded.size()) << size;
    Result<std::string> decoded = Base64Decode(joined);
    ASSERT_TRUE(decoded.ok()) << size;
    EXPECT_EQ(*decoded, bytes.substr(0, size));
  }
}

TEST(AppendBase64LinesTest, TextAlreadyEncodedIsCutIntoTheSameLines) {
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes += static_cast<char>(i * 7);
  for (size_t size : {0, 1, 56, 57, 58, 114, 1000}) {
    const std::string_view some = std::string_view(bytes).substr(0, size);
    std::string expected, lines = "before:";
    AppendBase64Lines(some, expected);
    AppendBase64TextLines(Base64Encode(some), lines);
    EXPECT_EQ(lines, "before:" + expected) << size;
    EXPECT_EQ(Base64TextLinesSize(Base64Encode(some).size()), expected.size()) << size;
  }
}

TEST(ChooseTransferEncodingTest, PicksTheCheapestSafeEncoding) {
  EXPECT_EQ(ChooseTransferEncoding({.bytes = 100, .eight_bit = 0, .longest_line = 78}),
            TransferEncoding::k7Bit);
  EXPECT_EQ(ChooseTransferEncoding({.bytes = 2000, .eight_bit = 0, .longest_line = 998}),
            TransferEncoding::k7Bit);
  EXPECT_EQ(ChooseTransferEncoding({.bytes = 2000, .eight_bit = 0, .longest_line = 999}),
            TransferEncoding::kQuotedPrintable);
  EXPECT_EQ(ChooseTransferEncoding({.bytes = 1000, .eight_bit = 20, .longest_line = 70}),
            TransferEncoding::kQuotedPrintable);
  EXPECT_EQ(ChooseTransferEncoding({.bytes = 1000, .eight_bit = 600, .longest_line = 70}),
            TransferEncoding::kBase64);
}

}  // namespace
}  // namespace herald::mime
