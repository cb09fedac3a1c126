// POST /v1/messages (inline content or a campaign trigger), POST /v1/messages/batch, GET /v1/messages/{id},
// GET /v1/messages.
#include <mutex>

#include "api/json_shapes.h"
#include "api/message_request.h"
#include "api/message_submission.h"
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
  const Principal& caller = std::get<Principal>(principal);
  MessageRequest parsed = ParseMessageRequest(request.body(), caller.account_id);
  if (auto* error = std::get_if<ApiError>(&parsed)) co_return ErrorFor(*error, request);

  auto accepted = co_await AwaitCallback<Result<intake::Accepted>>(
      [&](auto done) { SubmitToIntake(context.intake, std::move(parsed), caller.pool, std::move(done)); });
  if (!accepted.ok()) co_return ErrorFor(IntakeError(accepted.status()), request);
  http::Response response = http::JsonResponse(AcceptedStatus(*accepted), AcceptedJson(*accepted), request);
  if (accepted->duplicate) response.set("Idempotent-Replayed", "true");
  co_return response;
}

// {"messages": [up to 500 requests]} → {"results": [{"index", "id", "status"} or {"index", "error"}]}: each
// message accepted or refused on its own, all of them handed to intake at once.
asio::awaitable<http::Response> SendBatch(ApiContext& context, http::Request& request) {
  constexpr size_t kMaxBatch = 500;
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  const Principal& caller = std::get<Principal>(principal);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  const nlohmann::json& object = std::get<nlohmann::json>(body);
  if (auto error = CheckObjectFields(object, {"messages"})) co_return ErrorFor(*error, request);
  auto messages = object.find("messages");
  if (messages == object.end() || !messages->is_array() || messages->empty())
    co_return ErrorFor(ApiError::Invalid("missing_field", "messages: an array of 1 to 500 messages", "messages"), request);
  if (messages->size() > kMaxBatch)
    co_return ErrorFor(ApiError::Invalid("too_many", "at most 500 messages in one batch", "messages"), request);

  struct Batch {
    std::mutex mutex;
    std::vector<nlohmann::json> results;
    size_t pending = 0;
  };
  auto results = co_await AwaitCallback<std::vector<nlohmann::json>>([&](auto finish) {
    auto batch = std::make_shared<Batch>();
    batch->results.resize(messages->size());
    batch->pending = messages->size();
    auto complete = [batch, finish](size_t index, nlohmann::json result) {
      std::unique_lock lock(batch->mutex);
      result["index"] = index;
      batch->results[index] = std::move(result);
      if (--batch->pending == 0) {
        auto all = std::move(batch->results);
        lock.unlock();
        finish(std::move(all));
      }
    };
    for (size_t i = 0; i < messages->size(); ++i) {
      MessageRequest parsed = ParseMessageValue((*messages)[i], caller.account_id);
      if (auto* error = std::get_if<ApiError>(&parsed)) {
        complete(i, {{"error", {{"code", error->code}, {"message", error->message}, {"field", error->field}}}});
        continue;
      }
      SubmitToIntake(context.intake, std::move(parsed), caller.pool, [complete, i](Result<intake::Accepted> accepted) {
        if (!accepted.ok()) {
          ApiError error = IntakeError(accepted.status());
          complete(i, {{"error", {{"code", error.code}, {"message", error.message}, {"field", error.field}}}});
        } else {
          complete(i, AcceptedJson(*accepted));
        }
      });
    }
  });
  co_return http::JsonResponse(status::ok, {{"results", std::move(results)}}, request);
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

// The message's timeline alone, oldest first (each event with the message's id, campaign and recipient).
asio::awaitable<http::Response> GetMessageEvents(ApiContext& context, http::Request& request,
                                                 const http::PathParams& params) {
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
  nlohmann::json list = nlohmann::json::array();
  for (const core::Event& event : *events) {
    nlohmann::json entry = EventJson(event);
    entry["message_id"] = message->id;
    entry["account_id"] = message->account_id;
    entry["campaign"] = message->campaign.empty() ? nlohmann::json(nullptr) : nlohmann::json(message->campaign);
    entry["recipient"] = message->rcpt_to;
    list.push_back(std::move(entry));
  }
  co_return http::JsonResponse(status::ok, {{"message_id", message->id}, {"events", std::move(list)}}, request);
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
  router.Add(verb::post, "/v1/messages/batch",
             [&context](http::Request& r, const http::PathParams&) { return SendBatch(context, r); });
  router.Add(verb::get, "/v1/messages",
             [&context](http::Request& r, const http::PathParams&) { return SearchMessages(context, r); });
  router.Add(verb::get, "/v1/messages/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return GetMessage(context, r, p); });
  router.Add(verb::get, "/v1/messages/{id}/events",
             [&context](http::Request& r, const http::PathParams& p) { return GetMessageEvents(context, r, p); });
}

}  // namespace herald::api
