#include "http/session.h"

#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstring>
#include <limits>

#include "base/log.h"
#include "base/printable.h"
#include "http/responses.h"

namespace herald::http::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr size_t kReadChunk = 8 * 1024;
// Beast reads a body into the buffer's free space, at most 64 KiB a call, and its parser then copies it
// into the request. This room, kept only while a larger body is read, saves an idle connection's 8 KiB
// from taking a chunked body in pieces that small.
constexpr size_t kBodyReadChunk = 64 * 1024;
// A body whose length the header gives, up to this size, is read straight into the request (ReadSizedBody):
// the string is sized before its bytes arrive, so a larger one is left to the parser, which takes memory
// only as the bytes come.
constexpr size_t kMaxSizedBody = 1024 * 1024;
// After an error response, how long a peer still sending may take before the connection is cut.
constexpr std::chrono::milliseconds kMaxLinger{2000};

bool IsHttpParseError(const error_code& error) {
  return error.category() == beast_http::make_error_code(beast_http::error::bad_method).category();
}

}  // namespace

ServerState::ServerState(asio::io_context& io, ServerOptions server_options, Handler request_handler)
    : executor(io.get_executor()),
      options(std::move(server_options)),
      handler(std::move(request_handler)),
      log(Logger("http")),
      acceptor(asio::make_strand(io.get_executor())) {}

Session::Session(std::shared_ptr<ServerState> state, Stream::socket_type socket)
    : state_(std::move(state)), stream_(std::move(socket)) {
  error_code ignored;
  remote_ = stream_.socket().remote_endpoint(ignored);
  state_->connections.fetch_add(1, std::memory_order_relaxed);
}

Session::~Session() {
  {
    std::lock_guard lock(state_->mutex);
    state_->sessions.erase(this);
  }
  state_->connections.fetch_sub(1, std::memory_order_relaxed);
}

asio::awaitable<void> Session::Run(std::shared_ptr<Session> self) {
  // Registered only now that weak_from_this works, and before the first look at `stopping`: either
  // Stop finds this session in the set (and posts CloseIfIdle behind us on the strand), or Stop set
  // the flag before taking the mutex and the check below sees it.
  {
    std::lock_guard lock(self->state_->mutex);
    self->state_->sessions.insert(self.get());
  }
  co_await self->Serve();
}

void Session::CloseIfIdle() {
  if (idle_) stream_.close();  // the pending read ends with operation_aborted
}

std::string Session::Peer() const {
  return remote_.address().to_string() + ":" + std::to_string(remote_.port());
}

asio::awaitable<void> Session::Serve() {
  const ServerOptions& options = state_->options;
  const auto header_limit =
      static_cast<uint32_t>(std::min<size_t>(options.header_limit, std::numeric_limits<uint32_t>::max()));
  error_code error;
  auto token = asio::redirect_error(asio::use_awaitable, error);
  bool first = true;

  for (;;) {
    if (buffer_.size() == 0) {
      if (buffer_.capacity() > kReadChunk) buffer_.shrink_to_fit();  // the room a large body had
      // Idle until the first byte of the next request; here Stop may close the connection. Both
      // this check and CloseIfIdle run on the strand, and Stop sets `stopping` before posting.
      idle_ = true;
      if (state_->stopping.load()) break;
      stream_.expires_after(first ? options.read_timeout : options.idle_timeout);
      size_t n = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), token);
      idle_ = false;
      if (error) {
        if (error == beast::error::timeout) state_->log->debug("{}: closing idle connection", Peer());
        break;
      }
      buffer_.commit(n);
    }
    first = false;

    stream_.expires_after(options.read_timeout);
    parser_.emplace();
    parser_->body_limit(options.body_limit);
    parser_->header_limit(header_limit);
    co_await beast_http::async_read_header(stream_, buffer_, *parser_, token);
    if (!error && !parser_->is_done()) {
      // Clients such as curl wait for this before sending a large body.
      const Request& head = parser_->get();
      if (head.version() >= 11 && beast::iequals(head[beast_http::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()), token);
      }
      const boost::optional<uint64_t> length = parser_->content_length();
      if (!error && length && *length <= kMaxSizedBody) {
        co_await ReadSizedBody(static_cast<size_t>(*length), error);
      } else if (!error) {
        if (length.value_or(kBodyReadChunk) > kReadChunk) buffer_.reserve(kBodyReadChunk);
        co_await beast_http::async_read(stream_, buffer_, *parser_, token);
      }
    }
    if (error) {
      co_await Reject(error);
      co_return;
    }

    Request& request = parser_->get();
    if (request.version() >= 11 && request.count(beast_http::field::host) != 1) {
      co_await Reject(beast_http::error::bad_value);  // RFC 9112 §3.2: exactly one Host, or 400
      co_return;
    }
    const bool log_request = state_->log->should_log(spdlog::level::debug);
    const auto started =
        log_request ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    Response response = co_await CallHandler(request);
    // Stop during the handler: answer, then close.
    const bool keep_alive = request.keep_alive() && !state_->stopping.load() &&
                            !beast_http::token_list(response[beast_http::field::connection]).exists("close");
    response.version(request.version());
    DecorateResponse(response, date_.Now(), keep_alive, request.method() == beast_http::verb::head);

    // The write timeout holds for each piece written, so a long streamed body (an export) may take as
    // long as the peer keeps reading.
    beast_http::serializer<false, ResponseBody> serializer(response);
    while (!error && !serializer.is_done()) {
      stream_.expires_after(options.write_timeout);
      co_await beast_http::async_write_some(stream_, serializer, token);
    }
    if (log_request) {
      auto micros =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
      state_->log->debug("{} {} {} {} {}us{}", Peer(), std::string_view(request.method_string()),
                         Printable(request.target()), response.result_int(), micros.count(),
                         error ? " (write failed: " + error.message() + ")" : "");
    }
    if (error) break;
    if (!keep_alive) {
      stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, error);
      break;
    }
  }
  stream_.close();
}

asio::awaitable<void> Session::ReadSizedBody(size_t length, error_code& error) {
  std::string& body = parser_->get().body();
  const size_t buffered = std::min(buffer_.size(), length);
  body.resize(length);  // within what RequestBody's reader reserved when the header gave the length
  std::memcpy(body.data(), buffer_.data().data(), buffered);
  buffer_.consume(buffered);
  if (buffered < length) {
    co_await asio::async_read(stream_, asio::buffer(body.data() + buffered, length - buffered),
                              asio::redirect_error(asio::use_awaitable, error));
  }
  RequestBody::ZeroPadding(body);
}

asio::awaitable<void> Session::Reject(error_code error) {
  beast_http::status status;
  std::string_view code;
  std::string_view message;
  if (error == beast_http::error::body_limit) {
    status = beast_http::status::payload_too_large;
    code = "payload_too_large";
    message = "request body too large";
  } else if (error == beast_http::error::header_limit) {
    status = beast_http::status::request_header_fields_too_large;
    code = "header_too_large";
    message = "request header too large";
  } else if (IsHttpParseError(error) && error != beast_http::error::partial_message &&
             error != beast_http::error::end_of_stream) {
    status = beast_http::status::bad_request;
    code = "bad_request";
    message = "malformed HTTP request";
  } else {
    // Timed out or the peer went away: nobody to answer.
    state_->log->debug("{}: closing connection: {}", Peer(), error.message());
    stream_.close();
    co_return;
  }
  state_->log->info("{}: rejected request ({}): {}", Peer(), static_cast<unsigned>(status), error.message());
  Response response = ErrorResponse(status, code, message, {}, 11, false);
  DecorateResponse(response, date_.Now(), false, false);
  stream_.expires_after(state_->options.write_timeout);
  co_await beast_http::async_write(stream_, response, asio::redirect_error(asio::use_awaitable, error));
  if (error) {
    stream_.close();
    co_return;
  }
  co_await LingerAndClose(stream_, buffer_, std::min(state_->options.read_timeout, kMaxLinger));
}

asio::awaitable<Response> Session::CallHandler(Request& request) {
  // Handlers learn the peer's address from this field, which a client cannot set: what it sent under
  // that name is replaced.
  request.set(kPeerAddressField, remote_.address().to_string());
  try {
    co_return co_await state_->handler(request);
  } catch (const std::exception& e) {
    state_->log->error("{}: handler of {} {} threw: {}", Peer(), std::string_view(request.method_string()),
                       Printable(request.target()), Printable(e.what()));
  } catch (...) {
    state_->log->error("{}: handler of {} {} threw a non-exception", Peer(),
                       std::string_view(request.method_string()), Printable(request.target()));
  }
  co_return ErrorResponse(beast_http::status::internal_server_error, "internal_error", "internal error", {},
                          request.version(), request.keep_alive());
}

}  // namespace herald::http::internal
