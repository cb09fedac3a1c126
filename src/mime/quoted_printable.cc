#include "mime/quoted_printable.h"

#include <algorithm>

#include "mime/text_checks.h"

namespace herald::mime {
namespace {

// Characters on a line that a soft break ends: its '=' is the 76th.
constexpr size_t kBeforeSoftBreak = kMaxQuotedPrintableLine - 1;
constexpr char kHex[] = "0123456789ABCDEF";

bool IsLineEnd(char c) { return c == '\r' || c == '\n'; }

}  // namespace

void AppendQuotedPrintable(std::string_view text, std::string& out) {
  const char* data = text.data();
  const size_t size = text.size();
  size_t column = 0;  // characters on the output line so far
  auto soft_break = [&] {
    out.append("=\r\n", 3);
    column = 0;
  };
  auto encode = [&](unsigned char c) {
    if (column + 3 > kBeforeSoftBreak) soft_break();
    const char escaped[3] = {'=', kHex[c >> 4], kHex[c & 15]};
    out.append(escaped, 3);
    column += 3;
  };

  size_t i = 0;
  while (i < size) {
    // Written as they are wherever they stand on a line (a space at the end of one is fixed up there).
    size_t run = FindNotQuotedPrintableLiteral(text.substr(i));
    while (run > 0) {
      if (column == kBeforeSoftBreak) {
        // A line may hold 76 characters when a hard break, not a soft one, follows the last.
        if (run == 1 && data[i] != ' ' && i + 1 < size && IsLineEnd(data[i + 1])) {
          out += data[i++];
          ++column;
          break;
        }
        soft_break();
      }
      const size_t take = std::min(run, kBeforeSoftBreak - column);
      out.append(data + i, take);
      i += take;
      column += take;
      run -= take;
    }
    if (i == size) break;
    const unsigned char c = static_cast<unsigned char>(data[i]);
    if (IsLineEnd(static_cast<char>(c))) {
      // Whitespace before a hard break would be lost by transports that trim lines: encode it.
      if (column > 0 && (out.back() == ' ' || out.back() == '\t')) {
        const unsigned char space = static_cast<unsigned char>(out.back());
        out.pop_back();
        --column;
        encode(space);
      }
      out.append("\r\n", 2);
      column = 0;
      i += c == '\r' && i + 1 < size && data[i + 1] == '\n' ? 2 : 1;
    } else if (c == '\t') {
      if (column == kBeforeSoftBreak) soft_break();
      out += '\t';
      ++column;
      ++i;
    } else {
      encode(c);
      ++i;
    }
  }
  // An unended last line ends in a soft break: the decoded text gains no line end.
  if (size > 0 && !IsLineEnd(data[size - 1])) soft_break();
}

}  // namespace herald::mime
