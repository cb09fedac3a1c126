#include "dns/idna.h"

#include <idn2.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace herald::dns {

Result<std::string> ToAsciiDomain(std::string_view domain) {
  bool ascii = std::all_of(domain.begin(), domain.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    std::string lower(domain);
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return lower;
  }
  if (domain.find('\0') != std::string_view::npos) return Status::InvalidArgument("the domain holds a NUL byte");
  std::string input(domain);
  char* output = nullptr;
  int rc = idn2_to_ascii_8z(input.c_str(), &output, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  std::unique_ptr<char, decltype(&idn2_free)> owned(output, &idn2_free);
  if (rc != IDN2_OK) return Status::InvalidArgument(std::string("not a valid domain name: ") + idn2_strerror(rc));
  return std::string(owned.get());
}

}  // namespace herald::dns
