#include "mime/text_checks.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>

namespace herald::mime {
namespace {

struct Scan {
  const char* name;
  size_t (*find)(std::string_view);
  std::function<bool(unsigned char)> stops;
};

const Scan kScans[] = {
    {"FindNotPlainAscii", FindNotPlainAscii,
     [](unsigned char c) { return c >= 0x80 || c == 0 || c == '\n' || c == '\r'; }},
    {"FindNotAsciiOrNul", FindNotAsciiOrNul, [](unsigned char c) { return c >= 0x80 || c == 0; }},
    {"FindLineEnd", FindLineEnd, [](unsigned char c) { return c == '\n' || c == '\r'; }},
    {"FindNotQuotedPrintableLiteral", FindNotQuotedPrintableLiteral,
     [](unsigned char c) { return c < 0x20 || c >= 0x7f || c == '='; }},
};

size_t FindByteByByte(std::string_view text, const Scan& scan) {
  size_t i = 0;
  while (i < text.size() && !scan.stops(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

// Every byte value, at every offset of a block and its tail, after plain text that starts anywhere in
// memory: the sixteen-byte steps must stop exactly where a byte-by-byte scan does.
TEST(TextScanTest, EveryByteStopsAScanWhereAByteByByteScanStops) {
  const std::string plain(80, 'a');
  for (const Scan& scan : kScans) {
    for (int byte = 0; byte < 256; ++byte) {
      for (size_t start = 0; start < 3; ++start) {
        for (size_t at = 0; at < 40; ++at) {
          std::string text = plain;
          text[start + at] = static_cast<char>(byte);
          const std::string_view view = std::string_view(text).substr(start);
          ASSERT_EQ(scan.find(view), FindByteByByte(view, scan)) << scan.name << " byte " << byte << " at " << at;
          ASSERT_EQ(scan.find(view.substr(0, at)), at) << scan.name;  // the text ends before it
        }
      }
    }
  }
}

TEST(TextScanTest, RandomTextsAgreeWithAByteByByteScan) {
  std::mt19937 random(6);
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 100, '\0');
    for (char& c : text) c = static_cast<char>(random() % 4 == 0 ? random() % 256 : 'a' + random() % 26);
    for (const Scan& scan : kScans) ASSERT_EQ(scan.find(text), FindByteByByte(text, scan)) << scan.name;
  }
}

}  // namespace
}  // namespace herald::mime
