#include "smtp/extensions.h"

#include <charconv>
#include <string_view>

#include "core/address.h"

namespace herald::smtp {

Extensions ParseEhloReply(const Reply& reply) {
  Extensions extensions;
  extensions.esmtp = true;
  for (size_t i = 1; i < reply.lines.size(); ++i) {
    std::string_view line = reply.lines[i];
    size_t space = line.find(' ');
    std::string keyword = core::AsciiLower(line.substr(0, space));
    std::string_view parameters = space == std::string_view::npos ? "" : line.substr(space + 1);
    if (keyword == "pipelining") {
      extensions.pipelining = true;
    } else if (keyword == "starttls") {
      extensions.starttls = true;
    } else if (keyword == "8bitmime") {
      extensions.eightbitmime = true;
    } else if (keyword == "smtputf8") {
      extensions.smtputf8 = true;
    } else if (keyword == "enhancedstatuscodes") {
      extensions.enhanced_status_codes = true;
    } else if (keyword == "size") {
      extensions.size = true;
      uint64_t limit = 0;
      const char* end = parameters.data() + parameters.size();
      auto [stop, error] = std::from_chars(parameters.data(), end, limit);
      extensions.size_limit = error == std::errc() && stop == end ? limit : 0;
    }
  }
  return extensions;
}

}  // namespace herald::smtp
