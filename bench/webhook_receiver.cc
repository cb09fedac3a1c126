// webhook_receiver: the receiving end of bench/webhook_events.sh — an HTTP/1.1 server on 127.0.0.1 that
// answers 204 to every POST as fast as it can (one thread, keep-alive, one coroutine per connection),
// so that the benchmark measures Herald's webhook pipeline rather than the receiver.
//
//   webhook_receiver PORT        listens on 127.0.0.1:PORT (0: any free port, printed on stdout)
//   GET /count                   answers the number of POSTs answered so far, as text
//
// Not a test of anything: it checks no signature and keeps no body.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>
#include <cstdlib>
#include <iostream>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

uint64_t answered = 0;  // one thread: no lock

asio::awaitable<void> Serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  stream.socket().set_option(tcp::no_delay(true));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    http::response<http::string_body> response;
    response.version(11);
    response.keep_alive(request.keep_alive());
    if (request.method() == http::verb::get && request.target() == "/count") {
      response.result(http::status::ok);
      response.body() = std::to_string(answered) + "\n";
    } else {
      ++answered;
      response.result(http::status::no_content);
    }
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !request.keep_alive()) co_return;
  }
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), Serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: webhook_receiver PORT\n";
    return 2;
  }
  asio::io_context io(1);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                           static_cast<uint16_t>(std::atoi(argv[1]))));
  std::cout << acceptor.local_endpoint().port() << std::endl;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    std::cerr << "answered " << answered << " POSTs\n";
    io.stop();
  });
  asio::co_spawn(io, Accept(acceptor), asio::detached);
  io.run();
  return 0;
}
