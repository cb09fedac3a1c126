#include "smtp/data.h"

#include <algorithm>
#include <cstring>

namespace herald::smtp {

void AppendDotStuffed(std::string_view message, std::string& out) {
  // Room for the usual case: a few stuffed dots, the CRLF and the ".\r\n" the caller adds.
  out.reserve(out.size() + message.size() + message.size() / 512 + 8);
  size_t pos = 0;
  while (pos < message.size()) {
    if (message[pos] == '.') out += '.';
    const void* newline = std::memchr(message.data() + pos, '\n', message.size() - pos);
    size_t end = newline ? static_cast<size_t>(static_cast<const char*>(newline) - message.data()) + 1
                         : message.size();
    out.append(message.data() + pos, end - pos);
    pos = end;
  }
  if (!message.empty() && !message.ends_with("\r\n")) {
    if (message.back() != '\r') out += '\r';
    out += '\n';
  }
}

std::string DotStuff(std::string_view message) {
  std::string out;
  AppendDotStuffed(message, out);
  return out;
}

bool HasEightBitBytes(std::string_view bytes) {
  return std::any_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) > 0x7f; });
}

bool HasCommandBreakingBytes(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || c == '<' || c == '>';
  });
}

}  // namespace herald::smtp
