// The helpers of session.h that are not the Session itself: response decoration, lingering close,
// the 503 answer.
// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>

#include "base/printable.h"
#include "http/responses.h"
#include "http/session.h"

namespace herald::http::internal {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr size_t kReadChunk = 8 * 1024;
constexpr size_t kMaxLingerBytes = 1024 * 1024;
constexpr std::chrono::milliseconds kOverloadLinger{1000};

}  // namespace

std::string_view HttpDateCache::Now() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t now = std::time(nullptr);
  if (now != second_) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    // Locale-free on purpose: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7).
    std::snprintf(text_, sizeof text_, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    second_ = now;
  }
  return text_;
}

void DecorateResponse(Response& response, std::string_view date, bool keep_alive, bool head_request) {
  response.keep_alive(keep_alive);
  response.set(beast_http::field::server, "herald");
  response.set(beast_http::field::date, date);
  if (!StatusAllowsBody(response.result()) || head_request) response.body().source = nullptr;
  if (!StatusAllowsBody(response.result())) response.body().clear();
  if (response.body().source) {
    response.chunked(true);  // its length is known only at its end
    return;
  }
  response.prepare_payload();
  if (head_request) response.body().clear();  // Content-Length stays that of the GET
}

asio::awaitable<void> LingerAndClose(Stream& stream, boost::beast::flat_buffer& buffer,
                                     std::chrono::milliseconds linger) {
  error_code error;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, error);
  stream.expires_after(linger);
  for (size_t drained = 0; !error && drained < kMaxLingerBytes;) {
    drained += co_await stream.async_read_some(buffer.prepare(kReadChunk),
                                               asio::redirect_error(asio::use_awaitable, error));
  }
  stream.close();
}

asio::awaitable<void> RejectOverloaded(std::shared_ptr<ServerState> state, Stream stream) {
  struct Release {  // also when the io_context is destroyed with this coroutine suspended
    ServerState& state;
    ~Release() { state.overload_replies.fetch_sub(1, std::memory_order_relaxed); }
  } release{*state};
  Response response = ErrorResponse(beast_http::status::service_unavailable, "overloaded",
                                    "too many connections, retry later", {}, 11, false);
  response.set(beast_http::field::retry_after, "1");
  HttpDateCache date;
  DecorateResponse(response, date.Now(), false, false);
  error_code error;
  stream.expires_after(state->options.write_timeout);
  co_await beast_http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, error));
  if (error) co_return;
  boost::beast::flat_buffer buffer;
  co_await LingerAndClose(stream, buffer, std::min(state->options.read_timeout, kOverloadLinger));
}

void LogEscapedException::operator()(std::exception_ptr error) const {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log->error("connection coroutine ended by an exception: {}", Printable(e.what()));
  } catch (...) {
    log->error("connection coroutine ended by a non-exception");
  }
}

}  // namespace herald::http::internal
