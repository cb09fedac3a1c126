#include "core/ip_network.h"

#include <gtest/gtest.h>

namespace herald::core {
namespace {

std::string Canonical(std::string_view text) {
  auto network = IpNetwork::Parse(text);
  return network.ok() ? network->ToString() : "error: " + network.status().message();
}

IpNetwork Net(std::string_view text) {
  auto network = IpNetwork::Parse(text);
  EXPECT_TRUE(network.ok()) << text << ": " << network.status().ToString();
  return network.ok() ? *network : *IpNetwork::Parse("0.0.0.0/32");
}

TEST(IpNetwork, ParsesAndPrintsCanonically) {
  EXPECT_EQ(Canonical("127.0.0.0/8"), "127.0.0.0/8");
  EXPECT_EQ(Canonical("192.0.2.7"), "192.0.2.7/32");
  EXPECT_EQ(Canonical("0.0.0.0/0"), "0.0.0.0/0");
  EXPECT_EQ(Canonical("::1"), "::1/128");
  EXPECT_EQ(Canonical("::1/128"), "::1/128");
  EXPECT_EQ(Canonical("::/0"), "::/0");
  EXPECT_EQ(Canonical("2001:DB8:0:0::/32"), "2001:db8::/32");
  EXPECT_EQ(Canonical("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1/128");
  EXPECT_EQ(Canonical("fe80::/10"), "fe80::/10");
  // A mapped network is the IPv4 network it maps.
  EXPECT_EQ(Canonical("::ffff:10.0.0.0/104"), "10.0.0.0/8");
  EXPECT_EQ(Canonical("::ffff:192.0.2.1"), "192.0.2.1/32");
  EXPECT_EQ(Canonical("::ffff:0:0/96"), "0.0.0.0/0");
  EXPECT_EQ(Canonical("::fffe:0:0/95"), "::fffe:0:0/95");  // wider than the mapped range: stays IPv6
}

TEST(IpNetwork, RefusesHostBitsSuggestingTheNetwork) {
  auto bad = IpNetwork::Parse("10.0.0.1/8");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?");
  EXPECT_EQ(IpNetwork::Parse("2001:db8::1/32").status().message(),
            "2001:db8::1/32 has host bits set; did you mean 2001:db8::/32?");
  EXPECT_EQ(IpNetwork::Parse("192.168.1.129/25").status().message(),
            "192.168.1.129/25 has host bits set; did you mean 192.168.1.128/25?");
  EXPECT_FALSE(IpNetwork::Parse("0.0.0.1/0").ok());
}

TEST(IpNetwork, RefusesMalformedText) {
  for (std::string_view bad : {"",
                               "/8",
                               "10.0.0.0/",
                               "10.0.0.0/33",
                               "::/129",
                               "10.0.0.0/08",
                               "10.0.0.0/-1",
                               "10.0.0.0/8/8",
                               " 10.0.0.0/8",
                               "10.0.0.0/8 ",
                               "10.0.0.0 /8",
                               "10.0.0",
                               "10.0.0.256",
                               "010.0.0.0/8",
                               "1.2.3.4.5",
                               "fe80::1%eth0",
                               "::g",
                               "1:2:3:4:5:6:7:8:9",
                               "localhost",
                               "10.0.0.0/8\n",
                               "2001:db8::/0x20"}) {
    EXPECT_FALSE(IpNetwork::Parse(bad).ok()) << bad;
  }
  EXPECT_FALSE(IpNetwork::Parse(std::string_view("10.0.0.0\0/8", 11)).ok());
  EXPECT_FALSE(IpNetwork::Parse(std::string(100, '1')).ok());
  auto message = IpNetwork::Parse("bad\x01text").status().message();
  EXPECT_EQ(message.find('\x01'), std::string::npos) << message;
}

TEST(IpNetwork, ContainsAddressesOfItsFamily) {
  IpNetwork loopback = Net("127.0.0.0/8");
  EXPECT_TRUE(loopback.Contains(std::string_view("127.0.0.1")));
  EXPECT_TRUE(loopback.Contains(std::string_view("127.255.255.255")));
  EXPECT_FALSE(loopback.Contains(std::string_view("128.0.0.0")));
  EXPECT_FALSE(loopback.Contains(std::string_view("::1")));
  EXPECT_FALSE(loopback.Contains(std::string_view("not an address")));
  EXPECT_FALSE(loopback.Contains(std::string_view("127.0.0.0/8")));

  IpNetwork odd = Net("192.168.1.128/25");
  EXPECT_TRUE(odd.Contains(std::string_view("192.168.1.128")));
  EXPECT_TRUE(odd.Contains(std::string_view("192.168.1.255")));
  EXPECT_FALSE(odd.Contains(std::string_view("192.168.1.127")));

  IpNetwork six = Net("2001:db8::/32");
  EXPECT_TRUE(six.Contains(std::string_view("2001:db8:ffff::1")));
  EXPECT_FALSE(six.Contains(std::string_view("2001:db9::1")));
  EXPECT_FALSE(six.Contains(std::string_view("32.1.13.184")));  // 2001:0db8 read as IPv4

  EXPECT_TRUE(Net("0.0.0.0/0").Contains(std::string_view("203.0.113.9")));
  EXPECT_TRUE(Net("::/0").Contains(std::string_view("2001:db8::1")));
  EXPECT_FALSE(Net("::/0").Contains(std::string_view("203.0.113.9")));
  EXPECT_TRUE(Net("::1").Contains(std::string_view("::1")));
  EXPECT_FALSE(Net("::1").Contains(std::string_view("::2")));
}

TEST(IpNetwork, MappedClientAddressesMatchIpv4Networks) {
  IpNetwork loopback = Net("127.0.0.0/8");
  EXPECT_TRUE(loopback.Contains(std::string_view("::ffff:127.0.0.1")));
  EXPECT_TRUE(loopback.Contains(std::string_view("::FFFF:7f00:1")));
  EXPECT_FALSE(Net("::fffe:0:0/95").Contains(std::string_view("::ffff:127.0.0.1")));

  const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
  EXPECT_TRUE(loopback.Contains(std::span<const uint8_t>(mapped)));
  const uint8_t four[4] = {127, 1, 2, 3};
  EXPECT_TRUE(loopback.Contains(std::span<const uint8_t>(four)));
  const uint8_t v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_TRUE(Net("::1/128").Contains(std::span<const uint8_t>(v6_loopback)));
  EXPECT_FALSE(loopback.Contains(std::span<const uint8_t>(v6_loopback)));
  const uint8_t wrong_size[5] = {127, 0, 0, 1, 0};
  EXPECT_FALSE(loopback.Contains(std::span<const uint8_t>(wrong_size)));
}

TEST(IpAddress, ParsesAndPrints) {
  auto v4 = IpAddress::Parse("192.0.2.1");
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->v6);
  EXPECT_EQ(v4->ToString(), "192.0.2.1");
  auto mapped = IpAddress::Parse("::ffff:192.0.2.1");
  ASSERT_TRUE(mapped);
  EXPECT_EQ(*mapped, *v4);
  auto v6 = IpAddress::Parse("2001:DB8::0:1");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->v6);
  EXPECT_EQ(v6->ToString(), "2001:db8::1");
  EXPECT_FALSE(IpAddress::Parse("192.0.2.1/32"));
  EXPECT_FALSE(IpAddress::Parse(""));
}

TEST(IpNetwork, OverlapsWhenOneContainsTheOther) {
  EXPECT_TRUE(Overlaps(Net("10.0.0.0/8"), Net("10.1.0.0/16")));
  EXPECT_TRUE(Overlaps(Net("10.1.0.0/16"), Net("10.0.0.0/8")));
  EXPECT_TRUE(Overlaps(Net("10.0.0.0/8"), Net("10.0.0.0/8")));
  EXPECT_TRUE(Overlaps(Net("10.2.3.4"), Net("10.0.0.0/8")));
  EXPECT_TRUE(Overlaps(Net("0.0.0.0/0"), Net("192.0.2.0/24")));
  EXPECT_FALSE(Overlaps(Net("10.0.0.0/8"), Net("11.0.0.0/8")));
  EXPECT_FALSE(Overlaps(Net("192.168.1.0/25"), Net("192.168.1.128/25")));
  EXPECT_TRUE(Overlaps(Net("2001:db8::/32"), Net("2001:db8:1::/48")));
  EXPECT_FALSE(Overlaps(Net("2001:db8::/32"), Net("2001:db9::/32")));
  EXPECT_FALSE(Overlaps(Net("::/0"), Net("0.0.0.0/0")));  // families never mix
  EXPECT_TRUE(Overlaps(Net("::ffff:10.0.0.0/104"), Net("10.9.0.0/16")));
}

}  // namespace
}  // namespace herald::core
