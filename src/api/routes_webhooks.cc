// /v1/webhooks (admin scope): create, list, get, change (enable, disable), delete, and each webhook's
// delivery log (GET /v1/webhooks/{id}/deliveries).
//
// The secret is shown in the answer of POST /v1/webhooks only; the store keeps it sealed. A webhook
// of another account is 404, as if it did not exist.
#include "api/request_context.h"
#include "api/routes.h"
#include "api/webhook_request.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

constexpr int kHistoryShown = 20;  // a webhook's most recent account events in GET /v1/webhooks/{id}

const ApiError kWebhooksUnavailable{status::service_unavailable, "webhooks_unavailable",
                                    "webhooks are not available; retry later", ""};

ApiError WebhookNotFound() { return ApiError::NotFound("webhook"); }

ApiError FromWriteStatus(const Status& s) {
  switch (s.code()) {
    case Code::kNotFound:
      return WebhookNotFound();
    case Code::kInvalidArgument:  // the service's message says which address, and is meant to be shown
      return ApiError::Invalid("url_not_allowed", s.message(), "url");
    case Code::kResourceExhausted:
      return {status::conflict, "too_many_webhooks", s.message(), ""};
    default:
      return FromStatus(s);
  }
}

asio::awaitable<http::Response> Create(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  webhooks::WebhookSettings settings;
  if (auto error = ReadWebhookCreate(std::get<json>(body), settings)) co_return ErrorFor(*error, request);
  if (context.webhooks == nullptr) co_return ErrorFor(kWebhooksUnavailable, request);
  auto created = co_await context.webhooks->Create(std::get<Principal>(principal).account_id, std::move(settings));
  if (!created.ok()) co_return ErrorFor(FromWriteStatus(created.status()), request);
  json out = WebhookJson(created->webhook);
  out["secret"] = created->secret;
  co_return http::JsonResponse(status::created, out, request);
}

asio::awaitable<http::Response> List(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto found = context.store.ListWebhooks(std::get<Principal>(principal).account_id);
  if (!found.ok()) co_return ErrorFor(FromStatus(found.status()), request);
  json list = json::array();
  for (const core::Webhook& w : *found) list.push_back(WebhookJson(w));
  co_return http::JsonResponse(status::ok, {{"webhooks", std::move(list)}}, request);
}

asio::awaitable<http::Response> Get(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  const std::string& account_id = std::get<Principal>(principal).account_id;
  auto found = context.store.GetWebhook(account_id, params.Get("id"));
  if (!found.ok()) {
    co_return ErrorFor(found.status().code() == Code::kNotFound ? WebhookNotFound() : FromStatus(found.status()),
                       request);
  }
  auto history = context.store.ListAccountEvents(account_id, found->id, kHistoryShown);
  if (!history.ok()) co_return ErrorFor(FromStatus(history.status()), request);
  co_return http::JsonResponse(status::ok, WebhookJson(*found, &*history), request);
}

asio::awaitable<http::Response> Patch(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  webhooks::WebhookChange change;
  if (auto error = ReadWebhookPatch(std::get<json>(body), change)) co_return ErrorFor(*error, request);
  if (context.webhooks == nullptr) co_return ErrorFor(kWebhooksUnavailable, request);
  auto changed = co_await context.webhooks->Update(std::get<Principal>(principal).account_id,
                                                   std::string(params.Get("id")), std::move(change));
  if (!changed.ok()) co_return ErrorFor(FromWriteStatus(changed.status()), request);
  co_return http::JsonResponse(status::ok, WebhookJson(*changed), request);
}

asio::awaitable<http::Response> Delete(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  if (context.webhooks == nullptr) co_return ErrorFor(kWebhooksUnavailable, request);
  Status s = co_await context.webhooks->Remove(std::get<Principal>(principal).account_id, std::string(params.Get("id")));
  if (!s.ok()) co_return ErrorFor(FromWriteStatus(s), request);
  co_return http::JsonResponse(status::no_content, json(), request);
}

asio::awaitable<http::Response> Deliveries(ApiContext& context, http::Request& request,
                                           const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto query = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&query)) co_return ErrorFor(*error, request);
  auto page = ReadPage(std::get<http::QueryParams>(query));
  if (auto* error = std::get_if<ApiError>(&page)) co_return ErrorFor(*error, request);
  const PageRequest& wanted = std::get<PageRequest>(page);
  auto found = context.store.ListWebhookAttempts(std::get<Principal>(principal).account_id, params.Get("id"),
                                                 wanted.cursor, wanted.limit);
  if (!found.ok()) {
    const Status& s = found.status();
    if (s.code() == Code::kNotFound) co_return ErrorFor(WebhookNotFound(), request);
    if (s.code() == Code::kInvalidArgument)
      co_return ErrorFor(ApiError::Invalid("invalid_value", s.message(), "cursor"), request);
    co_return ErrorFor(FromStatus(s), request);
  }
  json list = json::array();
  for (const storage::WebhookAttempt& a : found->attempts) list.push_back(WebhookAttemptJson(a));
  co_return http::JsonResponse(status::ok,
                               {{"deliveries", std::move(list)}, {"next_cursor", CursorJson(found->next_cursor)}},
                               request);
}

}  // namespace

void AddWebhookRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::post, "/v1/webhooks",
             [&context](http::Request& r, const http::PathParams&) { return Create(context, r); });
  router.Add(verb::get, "/v1/webhooks",
             [&context](http::Request& r, const http::PathParams&) { return List(context, r); });
  router.Add(verb::get, "/v1/webhooks/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return Get(context, r, p); });
  router.Add(verb::patch, "/v1/webhooks/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return Patch(context, r, p); });
  router.Add(verb::delete_, "/v1/webhooks/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return Delete(context, r, p); });
  router.Add(verb::get, "/v1/webhooks/{id}/deliveries",
             [&context](http::Request& r, const http::PathParams& p) { return Deliveries(context, r, p); });
}

}  // namespace herald::api
