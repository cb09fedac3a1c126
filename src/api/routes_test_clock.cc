// POST /v1/test/clock: moves the daemon's clock forward, for tests that show retries, backoff and
// expiry without waiting (testing.adjustable_clock). Without that setting the route does not exist
// (404); with it, only the operator's admin keys may use it.
#include "api/json_shapes.h"
#include "api/request_context.h"
#include "api/routes.h"
#include "base/time_format.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

constexpr Duration kLongestStep{365LL * 86'400'000};

asio::awaitable<http::Response> AdvanceClock(ApiContext& context, http::Request& request) {
  if (!context.advance_clock) co_return ErrorFor(ApiError::NotFound("route"), request);
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  if (!std::get<Principal>(principal).is_operator)
    co_return ErrorFor({status::forbidden, "forbidden", "only the operator's account may move the clock", ""}, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  const json& object = std::get<json>(body);
  if (auto error = CheckObjectFields(object, {"advance"})) co_return ErrorFor(*error, request);
  auto it = object.find("advance");
  std::optional<Duration> step;
  if (it != object.end() && it->is_string()) step = ParseDuration(it->get<std::string>());
  if (!step || step->count() <= 0 || *step > kLongestStep)
    co_return ErrorFor(ApiError::Invalid("invalid_value", "advance is a positive duration up to 365d, e.g. \"90s\"",
                                         "advance"),
                       request);
  context.advance_clock(*step);
  co_return http::JsonResponse(status::ok, {{"now", FormatRfc3339(context.clock.Now())}}, request);
}

}  // namespace

void AddTestClockRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::post, "/v1/test/clock",
             [&context](http::Request& r, const http::PathParams&) { return AdvanceClock(context, r); });
}

}  // namespace herald::api
