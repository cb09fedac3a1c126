// GET /healthz (the process answers), GET /readyz (it can take work: store reachable, not
// shutting down), GET /v1/openapi.json.
#include "api/routes.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;

asio::awaitable<http::Response> Ready(ApiContext& context, http::Request& request) {
  if (!context.accepting.load())
    co_return http::ErrorResponse(status::service_unavailable, "shutting_down", "shutting down", "",
                                  request.version(), request.keep_alive());
  if (Status s = context.store.Ping(); !s.ok())
    co_return http::ErrorResponse(status::service_unavailable, "storage_unavailable", "storage is unavailable", "",
                                  request.version(), request.keep_alive());
  co_return http::JsonResponse(status::ok, {{"status", "ready"}}, request);
}

asio::awaitable<http::Response> OpenApi(http::Request& request) {
  http::Response response{status::ok, request.version()};
  response.set(boost::beast::http::field::content_type, http::kJsonContentType);
  response.keep_alive(request.keep_alive());
  response.body() = std::string(OpenApiDocument());
  response.prepare_payload();
  co_return response;
}

}  // namespace

void AddHealthRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::get, "/healthz", [](http::Request& r, const http::PathParams&) -> asio::awaitable<http::Response> {
    co_return http::JsonResponse(status::ok, {{"status", "ok"}}, r);
  });
  router.Add(verb::get, "/readyz", [&context](http::Request& r, const http::PathParams&) { return Ready(context, r); });
  router.Add(verb::get, "/v1/openapi.json", [](http::Request& r, const http::PathParams&) { return OpenApi(r); });
}

void RegisterRoutes(http::Router& router, ApiContext& context) {
  AddHealthRoutes(router, context);
  AddAccountRoutes(router, context);
  AddMessageRoutes(router, context);
  AddSandboxRoutes(router, context);
  AddSmtpConnectionRoutes(router, context);
  AddQueueRoutes(router, context);
  AddDomainRoutes(router, context);
  AddProfileRoutes(router, context);
  AddCampaignRoutes(router, context);
  AddTrackingRoutes(router, context);
  AddStatsRoutes(router, context);
  AddExportRoutes(router, context);
  AddTableRoutes(router, context);
  AddSuppressionRoutes(router, context);
  AddWebhookRoutes(router, context);
  AddTestClockRoutes(router, context);
}

}  // namespace herald::api
