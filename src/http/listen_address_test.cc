#include "http/listen_address.h"

#include <gtest/gtest.h>

namespace herald::http {
namespace {

TEST(SplitHostPortTest, AcceptsHostsAndBracketedV6) {
  Result<HostPort> v4 = SplitHostPort("127.0.0.1:8025");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8025);
  Result<HostPort> v6 = SplitHostPort("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  Result<HostPort> name = SplitHostPort("localhost:65535");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->port, 65535);
}

TEST(SplitHostPortTest, RejectsMalformed) {
  for (const char* text : {"", "8025", ":8025", "host:", "host:65536", "host:80a", "host:-1", "::1:8025",
                           "[]:80", "host:123456"}) {
    EXPECT_FALSE(SplitHostPort(text).ok()) << text;
  }
}

TEST(ResolveListenAddressTest, ResolvesLiteralsAndLocalhost) {
  Result<boost::asio::ip::tcp::endpoint> v4 = ResolveListenAddress("127.0.0.1:8025");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->address().to_string(), "127.0.0.1");
  EXPECT_EQ(v4->port(), 8025);
  Result<boost::asio::ip::tcp::endpoint> v6 = ResolveListenAddress("[::1]:80");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->address().is_v6());
  Result<boost::asio::ip::tcp::endpoint> local = ResolveListenAddress("localhost:0");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_TRUE(local->address().is_loopback());
}

TEST(ResolveListenAddressTest, RejectsUnresolvable) {
  Result<boost::asio::ip::tcp::endpoint> bad = ResolveListenAddress("no-such-host.invalid:80");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace herald::http
