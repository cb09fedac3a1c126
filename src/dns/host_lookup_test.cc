#include "dns/host_lookup.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace herald::dns {
namespace {

namespace asio = boost::asio;

// "localhost" comes from /etc/hosts: no query leaves the machine.
TEST(LookUpHostTest, FindsLocalhostOnThePortAsked) {
  asio::io_context io;
  std::vector<asio::ip::tcp::endpoint> found;
  boost::system::error_code ec;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        found = co_await LookUpHost(io.get_executor(), "localhost", 2525,
                                    std::chrono::steady_clock::now() + std::chrono::seconds(10), ec);
      },
      asio::detached);
  io.run();
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_FALSE(found.empty());
  for (const auto& endpoint : found) {
    EXPECT_TRUE(endpoint.address().is_loopback()) << endpoint.address().to_string();
    EXPECT_EQ(endpoint.port(), 2525);
  }
}

}  // namespace
}  // namespace herald::dns
