// Internal to http/ (not for other modules): the state a Server shares with its accept loop and
// sessions, and the per-connection session coroutine.
//
// Thread-safety: ServerState's atomics and its mutex-guarded session set may be used from any
// thread; the acceptor only on its strand. A Session is used only on its own strand (CloseIfIdle is
// posted there). Untrusted input: every byte read from the socket; see server.h for the limits.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <spdlog/logger.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <ctime>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "http/message.h"
#include "http/server.h"

namespace herald::http::internal {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
using Stream = boost::beast::basic_stream<boost::asio::ip::tcp, Strand>;
using Acceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Strand>;

class Session;

// Shared by the Server, its accept loop and every session, so that whichever ends last frees it.
struct ServerState {
  ServerState(boost::asio::io_context& io, ServerOptions server_options, Handler request_handler);

  const boost::asio::io_context::executor_type executor;
  const ServerOptions options;
  const Handler handler;
  const std::shared_ptr<spdlog::logger> log;
  Acceptor acceptor;  // on its own strand
  std::atomic<uint16_t> port{0};
  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};       // live Sessions
  std::atomic<size_t> overload_replies{0};  // 503s being written

  std::mutex mutex;
  std::unordered_set<Session*> sessions;  // guarded by mutex; a running Session adds and removes itself
};

// The "Date" header value, formatted at most once a second.
class HttpDateCache {
 public:
  std::string_view Now();

 private:
  std::time_t second_ = -1;
  char text_[32] = {};
};

// Adds what every response carries: Server, Date, Content-Length (Content-Length only for HEAD,
// whose body is dropped). `keep_alive` is what the connection will do.
void DecorateResponse(Response& response, std::string_view date, bool keep_alive, bool head_request);

// Half-closes, reads and drops what the peer still sends (bounded in time and bytes), then closes:
// so a peer still sending its request can read the error response before the connection goes.
boost::asio::awaitable<void> LingerAndClose(Stream& stream, boost::beast::flat_buffer& buffer,
                                            std::chrono::milliseconds linger);

// Answers a connection over max_connections with 503 overloaded, then closes it.
boost::asio::awaitable<void> RejectOverloaded(std::shared_ptr<ServerState> state, Stream stream);

// Completion for co_spawn: logs an exception that escaped a coroutine (none should).
struct LogEscapedException {
  std::shared_ptr<spdlog::logger> log;
  void operator()(std::exception_ptr error) const;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // Counts itself in `state` (Run registers it). The socket's executor is the session's strand.
  Session(std::shared_ptr<ServerState> state, Stream::socket_type socket);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Serves requests until the connection ends; co_spawn it on executor(). Holds `self` throughout.
  static boost::asio::awaitable<void> Run(std::shared_ptr<Session> self);

  // On the strand: closes the connection if it is waiting for a request (Server::Stop).
  void CloseIfIdle();

  Strand executor() { return stream_.get_executor(); }

 private:
  boost::asio::awaitable<void> Serve();
  // Reads the body of `length` bytes that the header announced straight into the request's body: the
  // kernel copies it there once, in as few reads as it can, where the parser would take it through
  // buffer_ 64 KiB at a time and copy it again. Whatever of it is already in buffer_ is taken from there.
  boost::asio::awaitable<void> ReadSizedBody(size_t length, boost::system::error_code& error);
  // Answers a request that could not be read (or just closes, for timeouts and vanished peers).
  boost::asio::awaitable<void> Reject(boost::system::error_code error);
  boost::asio::awaitable<Response> CallHandler(Request& request);
  std::string Peer() const;

  const std::shared_ptr<ServerState> state_;
  Stream stream_;
  boost::asio::ip::tcp::endpoint remote_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<RequestBody>> parser_;
  HttpDateCache date_;
  bool idle_ = false;  // waiting for the first byte of a request; only touched on the strand
};

}  // namespace herald::http::internal
