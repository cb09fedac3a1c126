// IDNA: the ASCII form of a domain name for DNS lookups (IDNA2008 with UTS #46 mapping, libidn2).
//
// "Bücher.example" → "xn--bcher-kva.example"; an ASCII name comes back lowercased and otherwise as it
// was. A name libidn2 refuses (disallowed code points, a label too long, bad UTF-8) is InvalidArgument
// with libidn2's reason.
//
// Thread-safety: a pure function. Untrusted input: yes, any bytes.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace herald::dns {

Result<std::string> ToAsciiDomain(std::string_view domain);

}  // namespace herald::dns
