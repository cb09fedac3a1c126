#include "webhooks/address_policy.h"

#include <array>
#include <string_view>
#include <vector>

namespace herald::webhooks {
namespace {

constexpr std::array<std::string_view, 24> kNotPublic = {
    "0.0.0.0/8",       "10.0.0.0/8",      "100.64.0.0/10",  "127.0.0.0/8",   "169.254.0.0/16",
    "172.16.0.0/12",   "192.0.0.0/24",    "192.0.2.0/24",   "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15",   "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4",   "240.0.0.0/4",
    "::/128",          "::1/128",         "100::/64",       "2001:db8::/32", "fc00::/7",
    "fe80::/10",       "fec0::/10",       "ff00::/8",       "2001::/23",
};

const std::vector<core::IpNetwork>& NotPublicNetworks() {
  static const std::vector<core::IpNetwork> networks = [] {
    std::vector<core::IpNetwork> out;
    for (std::string_view text : kNotPublic) out.push_back(*core::IpNetwork::Parse(text));
    return out;
  }();
  return networks;
}

// The IPv4 address in the last 32 bits of a NAT64 address (64:ff9b::/96).
std::optional<core::IpAddress> EmbeddedIpv4(const core::IpAddress& address) {
  static const core::IpNetwork nat64 = *core::IpNetwork::Parse("64:ff9b::/96");
  if (!address.v6 || !nat64.Contains(address)) return std::nullopt;
  core::IpAddress v4;
  for (int i = 0; i < 4; ++i) v4.bytes[i] = address.bytes[12 + i];
  return v4;
}

}  // namespace

bool IsPublicAddress(const core::IpAddress& address) {
  if (std::optional<core::IpAddress> v4 = EmbeddedIpv4(address)) return IsPublicAddress(*v4);
  for (const core::IpNetwork& network : NotPublicNetworks()) {
    if (network.Contains(address)) return false;
  }
  return true;
}

}  // namespace herald::webhooks
