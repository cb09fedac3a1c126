#include "webhooks/address_policy.h"

#include <gtest/gtest.h>

namespace herald::webhooks {
namespace {

bool Public(const char* text) {
  std::optional<core::IpAddress> address = core::IpAddress::Parse(text);
  EXPECT_TRUE(address) << text;
  return address && IsPublicAddress(*address);
}

TEST(AddressPolicy, PublicAddressesAreAllowed) {
  for (const char* ok : {"93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001::200e",
                         "64:ff9b::808:808", "100.128.0.1", "172.32.0.1", "192.169.0.1"}) {
    EXPECT_TRUE(Public(ok)) << ok;
  }
}

TEST(AddressPolicy, LoopbackPrivateLinkLocalAndReservedAreNot) {
  for (const char* no : {"127.0.0.1", "127.255.0.9", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                         "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.1", "255.255.255.255",
                         "240.0.0.1", "198.18.0.1", "192.0.0.8", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
                         "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
                         "2001:db8::1"}) {
    EXPECT_FALSE(Public(no)) << no;
  }
}

}  // namespace
}  // namespace herald::webhooks
