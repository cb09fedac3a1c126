// IP addresses and CIDR networks: the trusted networks of SMTP connections (DESIGN §1, §2.2).
//
// IpNetwork::Parse reads "192.0.2.0/24", "2001:db8::/32" or a bare address (a /32 or /128 network) and
// refuses a network whose address has bits set past its prefix, suggesting the network meant
// ("10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?"): such a typo would otherwise trust more,
// or other, hosts than the operator thinks. Its canonical text is the dotted quad or RFC 5952 form,
// always with the prefix length ("10.0.0.1/32", "2001:db8::/32").
//
// IPv4-mapped IPv6 addresses (::ffff:192.0.2.1, what a dual-stack socket reports for an IPv4 client)
// are IPv4 addresses here, so they match IPv4 networks; a mapped network with a prefix of at least 96
// (::ffff:10.0.0.0/104) is the IPv4 network it maps (10.0.0.0/8). Families never mix otherwise: an
// IPv6 network contains no IPv4 address and overlaps no IPv4 network.
//
// Thread-safety: values and pure functions. Untrusted input: yes, any bytes; text longer than 64
// bytes, zone ids ("fe80::1%eth0"), spaces and leading zeros in the prefix length are refused.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace herald::core {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // network order; an IPv4 address uses the first 4

  // "192.0.2.1", "2001:db8::1"; an IPv4-mapped IPv6 address gives its IPv4 address.
  static std::optional<IpAddress> Parse(std::string_view text);
  // 4 bytes (IPv4) or 16 (IPv6, a mapped one giving its IPv4 address), as sockets report them.
  static std::optional<IpAddress> FromBytes(std::span<const uint8_t> bytes);

  // "192.0.2.1", "2001:db8::1" (RFC 5952).
  std::string ToString() const;
  int bit_count() const { return v6 ? 128 : 32; }

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

class IpNetwork {
 public:
  // InvalidArgument, with a message fit to show the caller, for anything but a network as above.
  static Result<IpNetwork> Parse(std::string_view text);

  const IpAddress& address() const { return address_; }  // the first address; host bits are zero
  int prefix_length() const { return prefix_length_; }
  bool v6() const { return address_.v6; }

  // "10.0.0.0/8", "2001:db8::/32", "192.0.2.7/32".
  std::string ToString() const;

  bool Contains(const IpAddress& address) const;
  // False for text or bytes that are not an address.
  bool Contains(std::string_view address_text) const;
  bool Contains(std::span<const uint8_t> address_bytes) const;

  friend bool operator==(const IpNetwork&, const IpNetwork&) = default;

 private:
  IpNetwork(IpAddress address, int prefix_length) : address_(address), prefix_length_(prefix_length) {}

  IpAddress address_;
  int prefix_length_ = 0;
};

// True when some address is in both networks (one then contains the other).
bool Overlaps(const IpNetwork& a, const IpNetwork& b);

}  // namespace herald::core
