// GET /t/o/{token} (the open pixel) and GET /t/c/{token} (a rewritten link): what readers' mail clients
// fetch. No API key: the token is the proof (HMAC-signed, tracking/token.h). A token that does not
// verify, or names a message that does not exist, is 404 — never a redirect elsewhere. Each hit is an
// `opened` or `clicked` event with the reader's user agent and address as tracking.record_ip says.
#include "api/request_context.h"
#include "api/routes.h"
#include "base/await_callback.h"
#include "base/log.h"
#include "http/responses.h"
#include "tracking/reader.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

// A transparent 1×1 GIF.
constexpr unsigned char kPixel[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00,
                                    0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c,
                                    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00,
                                    0x3b};

http::Response NotFound(const http::Request& request) {
  http::Response response(status::not_found, request.version());
  response.set(field::content_type, "text/plain");
  response.set(field::cache_control, "no-store");
  response.body() = "not found\n";
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

// Records the hit; nullopt when the token does not verify, is of the other kind, or names no message.
// A hit that cannot be recorded for another reason (storage trouble) is logged and still answered:
// the reader gets the pixel or the link they were sent.
asio::awaitable<std::optional<tracking::TokenContent>> Record(ApiContext& context, http::Request& request,
                                                              const http::PathParams& params, tracking::TokenKind kind) {
  if (context.tracking == nullptr) co_return std::nullopt;
  std::optional<tracking::TokenContent> token = context.tracking->Read(params.Get("token"));
  if (!token || token->kind != kind) co_return std::nullopt;
  nlohmann::json details = tracking::ReaderDetails(request[field::user_agent], request[http::kPeerAddressField],
                                                   context.record_ip);
  if (kind == tracking::TokenKind::kClick) details["url"] = token->url;
  const core::EventType type =
      kind == tracking::TokenKind::kOpen ? core::EventType::kOpened : core::EventType::kClicked;
  core::Event event{type, context.clock.Now(), std::move(details)};
  Status recorded = co_await AwaitCallback<Status>(
      [&](auto done) { context.store.RecordEngagement(token->message_id, std::move(event), std::move(done)); });
  if (recorded.code() == Code::kNotFound) co_return std::nullopt;
  if (!recorded.ok()) {
    Logger("tracking")->warn("{} of message {} not recorded: {}", core::ToString(type), token->message_id,
                             recorded.ToString());
  }
  co_return token;
}

asio::awaitable<http::Response> Open(ApiContext& context, http::Request& request, const http::PathParams& params) {
  if (!co_await Record(context, request, params, tracking::TokenKind::kOpen)) co_return NotFound(request);
  http::Response response(status::ok, request.version());
  response.set(field::content_type, "image/gif");
  response.set(field::cache_control, "no-store, max-age=0");
  response.body().assign(reinterpret_cast<const char*>(kPixel), sizeof kPixel);
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  co_return response;
}

asio::awaitable<http::Response> Click(ApiContext& context, http::Request& request, const http::PathParams& params) {
  std::optional<tracking::TokenContent> token = co_await Record(context, request, params, tracking::TokenKind::kClick);
  if (!token) co_return NotFound(request);
  http::Response response(status::found, request.version());
  response.set(field::location, token->url);
  response.set(field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  co_return response;
}

}  // namespace

void AddTrackingRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::get, "/t/o/{token}", [&context](http::Request& r, const http::PathParams& p) { return Open(context, r, p); });
  router.Add(verb::get, "/t/c/{token}", [&context](http::Request& r, const http::PathParams& p) { return Click(context, r, p); });
}

}  // namespace herald::api
