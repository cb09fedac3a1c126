// Looking up a host's addresses with the operating system's resolver (getaddrinfo, through Asio) before
// a deadline: for the hosts a configuration or a caller names (a smarthost, a webhook's URL). MX lookups
// go to c-ares instead (ares_resolver.h).
//
// Thread-safety: runs on the executor given, like any Asio operation. Untrusted input: `host` may be a
// caller's text; the system resolver parses it.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs std::exchange declared first

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace herald::dns {

// The addresses of `host` at `port`. Asio's resolver has no time limit of its own, so a timer cancels
// it at `deadline`: `ec` is then operation_aborted; any other failure sets `ec` to the resolver's error.
boost::asio::awaitable<std::vector<boost::asio::ip::tcp::endpoint>> LookUpHost(
    boost::asio::any_io_executor executor, const std::string& host, uint16_t port,
    std::chrono::steady_clock::time_point deadline, boost::system::error_code& ec);

}  // namespace herald::dns
