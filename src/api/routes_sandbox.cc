// GET /v1/sandbox/messages and GET /v1/sandbox/messages/{id}: what capture delivery kept.
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

asio::awaitable<http::Response> ListSandbox(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto query = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&query)) co_return ErrorFor(*error, request);
  auto page = ReadPage(std::get<http::QueryParams>(query));
  if (auto* error = std::get_if<ApiError>(&page)) co_return ErrorFor(*error, request);

  const PageRequest& wanted = std::get<PageRequest>(page);
  auto found = context.store.ListSandbox(std::get<Principal>(principal).account_id, wanted.cursor, wanted.limit);
  if (!found.ok()) co_return ErrorFor(FromStatus(found.status()), request);
  json list = json::array();
  for (const storage::SandboxEntry& entry : found->entries) {
    list.push_back({{"id", entry.record.id},
                    {"from", entry.record.from_header},
                    {"to", entry.record.to_header},
                    {"subject", entry.record.subject},
                    {"captured_at", FormatRfc3339(entry.captured_at)}});
  }
  json body = {{"messages", std::move(list)}, {"next_cursor", CursorJson(found->next_cursor)}};
  co_return http::JsonResponse(status::ok, body, request);
}

asio::awaitable<http::Response> GetSandboxMessage(ApiContext& context, http::Request& request,
                                                  const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto found = context.store.GetSandboxMessage(std::get<Principal>(principal).account_id, params.Get("id"));
  if (!found.ok()) {
    co_return ErrorFor(found.status().code() == Code::kNotFound ? ApiError::NotFound("sandbox message")
                                                                 : FromStatus(found.status()),
                       request);
  }
  co_return http::JsonResponse(status::ok, {{"id", found->record.id}, {"raw", found->raw}}, request);
}

}  // namespace

void AddSandboxRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::get, "/v1/sandbox/messages",
             [&context](http::Request& r, const http::PathParams&) { return ListSandbox(context, r); });
  router.Add(verb::get, "/v1/sandbox/messages/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return GetSandboxMessage(context, r, p); });
}

}  // namespace herald::api
