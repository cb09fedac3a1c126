// Cleaning untrusted text before it is logged or stored (STYLE habit 5; Postfix's printable()).
//
// Thread-safety: pure function. Untrusted input: that is its whole purpose.
#pragma once

#include <string>
#include <string_view>

namespace herald {

// Replaces control characters and invalid UTF-8 with '?', and cuts the result to at most
// `max_bytes` (at a character boundary, the cut marked with "…" within the limit).
std::string Printable(std::string_view text, size_t max_bytes = 256);

}  // namespace herald
