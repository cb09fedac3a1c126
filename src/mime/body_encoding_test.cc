#include "mime/body_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::mime {
namespace {

std::string Canonical(std::string_view text, BodyStats* stats = nullptr) {
  std::string out;
  BodyStats measured =
      CanonicalizeLineEnds(text, [&out](const char* data, size_t size) { out.append(data, size); });
  EXPECT_EQ(measured.bytes, out.size());
  if (stats != nullptr) *stats = measured;
  return out;
}

TEST(CanonicalizeLineEndsTest, EveryLineEndBecomesCrlf) {
  EXPECT_EQ(Canonical(""), "");
  EXPECT_EQ(Canonical("no line end"), "no line end");
  EXPECT_EQ(Canonical("a\nb"), "a\r\nb");
  EXPECT_EQ(Canonical("a\r\nb"), "a\r\nb");
  EXPECT_EQ(Canonical("a\rb"), "a\r\nb");
  EXPECT_EQ(Canonical("\n\n"), "\r\n\r\n");
  EXPECT_EQ(Canonical("\r\r\n\n\r"), "\r\n\r\n\r\n\r\n");
  EXPECT_EQ(Canonical("a\n\rb"), "a\r\n\r\nb");
  EXPECT_EQ(Canonical("end\r"), "end\r\n");
}

TEST(CanonicalizeLineEndsTest, MeasuresTheText) {
  BodyStats stats;
  Canonical("short\nGrüße aus Köln\r\n" + std::string(1200, 'x') + "\nend", &stats);
  EXPECT_EQ(stats.eight_bit, 6u);
  EXPECT_EQ(stats.longest_line, 1200u);
  Canonical("abc", &stats);
  EXPECT_EQ(stats.longest_line, 3u);
  EXPECT_EQ(stats.eight_bit, 0u);
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
