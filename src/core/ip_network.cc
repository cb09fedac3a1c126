#include "core/ip_network.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "base/printable.h"

namespace herald::core {
namespace {

constexpr size_t kMaxText = 64;  // the longest IPv6 text with a mapped IPv4 tail and /128 is 49
constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool IsMapped(std::span<const uint8_t, 16> bytes) {
  return std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin());
}

IpAddress V4(const uint8_t* four) {
  IpAddress address;
  std::copy_n(four, 4, address.bytes.begin());
  return address;
}

// True when the first `bits` bits of `a` and `b` are equal.
bool SamePrefix(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  int whole = bits / 8;
  if (!std::equal(a.begin(), a.begin() + whole, b.begin())) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

// `address` with every bit past the first `bits` cleared.
IpAddress Masked(IpAddress address, int bits) {
  for (int i = 0; i < 16; ++i) {
    int keep = std::clamp(bits - i * 8, 0, 8);
    address.bytes[i] &= static_cast<uint8_t>(0xff << (8 - keep));
  }
  return address;
}

// The prefix length after the '/': 1 to 3 digits, no leading zero, at most `max`.
std::optional<int> ParsePrefixLength(std::string_view text, int max) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > max) return std::nullopt;
  return value;
}

Status NotANetwork(std::string_view text) {
  return Status::InvalidArgument("\"" + Printable(text, kMaxText) +
                                 "\" is not an IP address or network such as 192.0.2.0/24 or 2001:db8::/32");
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty() || text.size() > kMaxText) return std::nullopt;
  char buffer[kMaxText + 1];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return std::nullopt;

  uint8_t raw[16];
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buffer, raw) != 1) return std::nullopt;
    return V4(raw);
  }
  if (inet_pton(AF_INET6, buffer, raw) != 1) return std::nullopt;
  return FromBytes(std::span<const uint8_t>(raw, 16));
}

std::optional<IpAddress> IpAddress::FromBytes(std::span<const uint8_t> bytes) {
  if (bytes.size() == 4) return V4(bytes.data());
  if (bytes.size() != 16) return std::nullopt;
  std::span<const uint8_t, 16> six(bytes.data(), 16);
  if (IsMapped(six)) return V4(bytes.data() + 12);
  IpAddress address;
  address.v6 = true;
  std::copy(six.begin(), six.end(), address.bytes.begin());
  return address;
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN];
  if (inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buffer, sizeof buffer) == nullptr) return "?";
  return buffer;
}

Result<IpNetwork> IpNetwork::Parse(std::string_view text) {
  if (text.empty() || text.size() > kMaxText) return NotANetwork(text);
  size_t slash = text.find('/');
  std::string_view address_text = text.substr(0, slash);

  // Parsed without folding a mapped address into IPv4 yet: its prefix length counts 128 bits.
  std::optional<IpAddress> address;
  bool mapped = false;
  if (address_text.find(':') == std::string_view::npos) {
    address = IpAddress::Parse(address_text);
  } else {
    char buffer[kMaxText + 1];
    std::memcpy(buffer, address_text.data(), address_text.size());
    buffer[address_text.size()] = '\0';
    uint8_t raw[16];
    if (std::memchr(address_text.data(), '\0', address_text.size()) == nullptr &&
        inet_pton(AF_INET6, buffer, raw) == 1) {
      address.emplace();
      address->v6 = true;
      std::copy_n(raw, 16, address->bytes.begin());
      mapped = IsMapped(std::span<const uint8_t, 16>(raw, 16));
    }
  }
  if (!address) return NotANetwork(text);

  int prefix_length = address->bit_count();
  if (slash != std::string_view::npos) {
    std::optional<int> parsed = ParsePrefixLength(text.substr(slash + 1), address->bit_count());
    if (!parsed) {
      return Status::InvalidArgument("\"" + Printable(text, kMaxText) + "\" has a bad prefix length (0 to " +
                                     std::to_string(address->bit_count()) + ")");
    }
    prefix_length = *parsed;
  }

  IpAddress network = Masked(*address, prefix_length);
  if (network != *address) {
    // Only digits, hex letters, '.', ':' and '/' are left in `text`: it parsed.
    return Status::InvalidArgument(std::string(text) + " has host bits set; did you mean " +
                                   IpNetwork(network, prefix_length).ToString() + "?");
  }
  if (mapped && prefix_length >= 96) return IpNetwork(V4(network.bytes.data() + 12), prefix_length - 96);
  return IpNetwork(network, prefix_length);
}

std::string IpNetwork::ToString() const { return address_.ToString() + "/" + std::to_string(prefix_length_); }

bool IpNetwork::Contains(const IpAddress& address) const {
  return address.v6 == address_.v6 && SamePrefix(address.bytes, address_.bytes, prefix_length_);
}

bool IpNetwork::Contains(std::string_view address_text) const {
  std::optional<IpAddress> address = IpAddress::Parse(address_text);
  return address && Contains(*address);
}

bool IpNetwork::Contains(std::span<const uint8_t> address_bytes) const {
  std::optional<IpAddress> address = IpAddress::FromBytes(address_bytes);
  return address && Contains(*address);
}

bool Overlaps(const IpNetwork& a, const IpNetwork& b) {
  if (a.v6() != b.v6()) return false;
  return SamePrefix(a.address().bytes, b.address().bytes, std::min(a.prefix_length(), b.prefix_length()));
}

}  // namespace herald::core
