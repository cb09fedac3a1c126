// POST /v1/messages, GET /v1/messages/{id}, GET /v1/messages.
#include "api/json_shapes.h"
#include "api/message_request.h"
#include "api/request_context.h"
#include "api/routes.h"
#include "base/await_callback.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;

asio::awaitable<http::Response> SendMessage(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto parsed = ParseSendRequest(request.body(), std::get<Principal>(principal).account_id);
  if (auto* send = std::get_if<intake::SendRequest>(&parsed)) send->pool = std::get<Principal>(principal).pool;
  if (auto* error = std::get_if<ApiError>(&parsed)) co_return ErrorFor(*error, request);

  auto accepted = co_await AwaitCallback<Result<intake::Accepted>>([&](auto done) {
    context.intake.Submit(std::move(std::get<intake::SendRequest>(parsed)), std::move(done));
  });
  if (!accepted.ok()) {
    // Intake refuses a sender's domain with PermissionDenied; its message names the domain and why.
    if (accepted.status().code() == Code::kPermissionDenied)
      co_return ErrorFor(ApiError::Invalid("domain_not_verified", accepted.status().message(), "from"), request);
    co_return ErrorFor(FromStatus(accepted.status()), request);
  }
  http::Response response = http::JsonResponse(
      status::accepted, {{"id", accepted->id}, {"status", core::ToString(accepted->status)}}, request);
  if (accepted->duplicate) response.set("Idempotent-Replayed", "true");
  co_return response;
}

asio::awaitable<http::Response> GetMessage(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  const std::string& account = std::get<Principal>(principal).account_id;
  std::string_view id = params.Get("id");

  auto message = context.store.GetMessage(account, id);
  if (!message.ok()) {
    co_return ErrorFor(message.status().code() == Code::kNotFound ? ApiError::NotFound("message")
                                                                   : FromStatus(message.status()),
                       request);
  }
  auto events = context.store.GetEvents(account, id);
  if (!events.ok()) co_return ErrorFor(FromStatus(events.status()), request);
  co_return http::JsonResponse(status::ok, MessageJson(*message, &*events), request);
}

asio::awaitable<http::Response> SearchMessages(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto query = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&query)) co_return ErrorFor(*error, request);
  auto& params = std::get<http::QueryParams>(query);
  auto page = ReadPage(params);
  if (auto* error = std::get_if<ApiError>(&page)) co_return ErrorFor(*error, request);

  storage::MessageQuery search;
  search.account_id = std::get<Principal>(principal).account_id;
  search.limit = std::get<PageRequest>(page).limit;
  search.cursor = std::get<PageRequest>(page).cursor;
  if (auto recipient = params.Get("recipient")) search.recipient = std::string(*recipient);
  if (auto wanted = params.Get("status")) {
    search.status = core::ParseMessageStatus(*wanted);
    if (!search.status)
      co_return ErrorFor(ApiError::Invalid("invalid_value", "unknown status", "status"), request);
  }

  auto found = context.store.SearchMessages(search);
  if (!found.ok()) co_return ErrorFor(FromStatus(found.status()), request);
  nlohmann::json list = nlohmann::json::array();
  for (const core::MessageRecord& m : found->messages) list.push_back(MessageJson(m));
  nlohmann::json body = {{"messages", std::move(list)}, {"next_cursor", CursorJson(found->next_cursor)}};
  co_return http::JsonResponse(status::ok, body, request);
}

}  // namespace

void AddMessageRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::post, "/v1/messages",
             [&context](http::Request& r, const http::PathParams&) { return SendMessage(context, r); });
  router.Add(verb::get, "/v1/messages",
             [&context](http::Request& r, const http::PathParams&) { return SearchMessages(context, r); });
  router.Add(verb::get, "/v1/messages/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return GetMessage(context, r, p); });
}

}  // namespace herald::api
