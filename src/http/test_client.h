// For http/ tests only: a blocking raw HTTP client over a POSIX socket, for the cases a real client
// would not produce (malformed requests, pipelining, half-sent requests), and a popen wrapper for curl.
//
// Thread-safety: one RawClient per thread. Untrusted input: none (tests talk to their own server).
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio headers use std::exchange without including <utility>
// clang-format on
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace herald::http::testing {

// What a test reads back: a response with its whole body as text.
using ClientResponse = boost::beast::http::response<boost::beast::http::string_body>;

class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      connect_errno_ = errno;
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  int connect_errno() const { return connect_errno_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response (`head`: the answer to a HEAD, which has no body). Nullopt on a timeout, a
  // parse error, or the connection closing first.
  std::optional<ClientResponse> ReadResponse(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                       bool head = false) {
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.eager(true);
    parser.body_limit(64 * 1024 * 1024);
    if (head) parser.skip(true);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (!pending_.empty()) {
        boost::system::error_code error;
        size_t used = parser.put(boost::asio::buffer(pending_), error);
        pending_.erase(0, used);
        if (error && error != boost::beast::http::error::need_more) return std::nullopt;
        if (parser.is_done()) return parser.release();
        if (!error && used > 0) continue;
      }
      int got = ReadSome(deadline);
      if (got < 0) return std::nullopt;
      if (got == 0) {  // EOF ends a body without a length
        boost::system::error_code error;
        parser.put_eof(error);
        if (!error && parser.is_done()) return parser.release();
        return std::nullopt;
      }
    }
  }

  // True when the server closes the connection (EOF or reset) within `timeout`; data is dropped.
  bool WaitClosed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int got = ReadSome(deadline);
      if (got == 0 || got == -2) return true;
      if (got == -1) return false;
    }
  }

  std::string& pending() { return pending_; }

 private:
  // >0 bytes appended to pending_, 0 at EOF, -1 on timeout, -2 on a socket error (reset).
  int ReadSome(std::chrono::steady_clock::time_point deadline) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    pollfd poll_fd{fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) return -1;
    std::array<char, 16384> chunk;
    ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n < 0) return -2;
    pending_.append(chunk.data(), static_cast<size_t>(n));
    return static_cast<int>(n);
  }

  int fd_ = -1;
  int connect_errno_ = 0;
  std::string pending_;
};

// Runs a shell command and returns its standard output.
inline std::string RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return output;
  std::array<char, 4096> chunk;
  size_t n;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), pipe)) > 0) output.append(chunk.data(), n);
  ::pclose(pipe);
  return output;
}

}  // namespace herald::http::testing
