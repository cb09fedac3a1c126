// The http module's vocabulary: the request and response types every handler sees, and the
// handler signature the Server calls.
//
// Thread-safety: plain types. Untrusted input: a Request comes straight from a peer — its method,
// target, header values and body are whatever the peer sent, within the Server's limits
// (ServerOptions); clean any of it with herald::Printable before logging it.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/buffer_traits.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/optional/optional.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "base/status.h"

namespace herald::http {

// A Request's body, once read, has at least this many zero bytes of capacity past its end: what simdjson
// needs to parse it where it lies (base/json_parse.h) instead of copying it first.
inline constexpr size_t kBodyPadding = 64;

// The body of every Request: Beast's string_body, but read by appending each piece. string_body's
// reader first grows the string by the piece (writing zeros over it) and then copies the piece in: for a
// trigger carrying a 100 KB attachment, 137 KB of zeros a request for nothing. The parser has reserved
// the declared Content-Length, so appending does not reallocate.
struct RequestBody : boost::beast::http::string_body {
  // Zeroes kBodyPadding bytes of capacity past the end of a body that has been read in whole (the reader
  // reserved them when the header gave the length).
  static void ZeroPadding(value_type& body) {
    body.append(kBodyPadding, '\0');
    body.resize(body.size() - kBodyPadding);
  }

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      ec = {};
      if (!length) return;
      if (*length > body_.max_size()) {
        ec = boost::beast::http::error::buffer_overflow;
        return;
      }
      body_.reserve(static_cast<size_t>(*length) + kBodyPadding);
    }

    template <class ConstBufferSequence>
    size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      const size_t extra = boost::beast::buffer_bytes(buffers);
      if (extra > body_.max_size() - body_.size()) {
        ec = boost::beast::http::error::buffer_overflow;
        return 0;
      }
      for (const auto piece : boost::beast::buffers_range_ref(buffers))
        body_.append(static_cast<const char*>(piece.data()), piece.size());
      ec = {};
      return extra;
    }

    void finish(boost::beast::error_code& ec) {
      ZeroPadding(body_);
      ec = {};
    }

   private:
    value_type& body_;
  };
};

using Request = boost::beast::http::request<RequestBody>;

// The body of every Response (a Beast Body): text held whole, as almost every answer is — or, for an
// answer of any size (an export), pieces pulled from `source` while the peer reads, sent with chunked
// transfer coding, so that memory holds one piece at a time. The text part is a std::string.
struct ResponseBody {
  struct value_type : std::string {
    using std::string::string;
    using std::string::operator=;
    value_type() = default;
    value_type(std::string text) : std::string(std::move(text)) {}  // NOLINT: a body is its text

    // The next piece of the body, or nullopt at its end. Called on the connection's strand whenever the
    // peer has taken the previous piece: it should not block for long. An error cuts the connection
    // before the chunked body's end, so the peer can tell the body is incomplete.
    std::function<Result<std::optional<std::string>>()> source;
  };

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body) : body_(body) {}
    void init(boost::beast::error_code& error) { error = {}; }
    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& error) {
      error = {};
      if (!body_.source) {
        if (sent_text_) return boost::none;
        sent_text_ = true;
        return std::make_pair(const_buffers_type(body_.data(), body_.size()), false);
      }
      for (;;) {
        Result<std::optional<std::string>> next = body_.source();
        if (!next.ok()) {
          error = boost::asio::error::operation_aborted;
          return boost::none;
        }
        if (!*next) return boost::none;
        if ((*next)->empty()) continue;  // an empty chunk would end a chunked body
        piece_ = std::move(**next);
        return std::make_pair(const_buffers_type(piece_.data(), piece_.size()), true);
      }
    }

   private:
    const value_type& body_;
    std::string piece_;
    bool sent_text_ = false;
  };
};

using Response = boost::beast::http::response<ResponseBody>;

// Answers one request. It may co_await; it should not throw — if it does, the Server answers a 500
// JSON error and logs the exception. The Request lives until the returned awaitable completes.
using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

// The request field in which the Server gives handlers the peer's IP address (whatever the client
// itself sent under that name is replaced).
inline constexpr const char* kPeerAddressField = "Herald-Peer-Address";

}  // namespace herald::http
