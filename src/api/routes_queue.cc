// Queue administration: GET /v1/queue (the whole queue: the operator's admin key),
// POST /v1/messages/{id}/retry and DELETE /v1/messages/{id} (cancel; the message's own account).
#include <algorithm>

#include "api/json_shapes.h"
#include "api/request_context.h"
#include "api/routes.h"
#include "base/await_callback.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

// Domains listed per site, most messages first; `domain_count` says how many there are in all.
constexpr size_t kDomainsShown = 10;

const ApiError kQueueUnavailable{status::service_unavailable, "queue_unavailable",
                                 "the delivery queue is not available; retry later", ""};

ApiError InFlight() {
  return {status::conflict, "message_in_flight",
          "a delivery attempt of this message is under way; try again once it has ended", ""};
}

json CountsJson(const queue::SiteCounts& c) {
  return {{"messages", c.total()}, {"queued", c.queued},   {"deferred", c.deferred},
          {"routing", c.routing},  {"ready", c.ready},     {"in_flight", c.in_flight}};
}

json SnapshotJson(std::vector<queue::SiteCounts> sites, const queue::SchedulerStats& stats, size_t limit) {
  queue::SiteCounts total;
  for (const queue::SiteCounts& s : sites) {
    total.queued += s.queued;
    total.deferred += s.deferred;
    total.routing += s.routing;
    total.ready += s.ready;
    total.in_flight += s.in_flight;
  }
  std::sort(sites.begin(), sites.end(), [](const queue::SiteCounts& a, const queue::SiteCounts& b) {
    return a.total() != b.total() ? a.total() > b.total() : a.site < b.site;
  });
  json list = json::array();
  for (size_t i = 0; i < sites.size() && i < limit; ++i) {
    const queue::SiteCounts& s = sites[i];
    json site = CountsJson(s);
    site["site"] = s.site.empty() ? json(nullptr) : json(s.site);
    json domains = json::array();
    for (size_t d = 0; d < s.domains.size() && d < kDomainsShown; ++d) {
      domains.push_back({{"domain", s.domains[d].first}, {"messages", s.domains[d].second}});
    }
    site["domains"] = std::move(domains);
    site["domain_count"] = s.domains.size();
    list.push_back(std::move(site));
  }
  return {{"total", CountsJson(total)},
          {"site_count", sites.size()},
          {"sites", std::move(list)},
          {"scheduler",
           {{"ticks", stats.ticks},
            {"total_tick_us", stats.total_tick_us},
            {"last_tick_us", stats.last_tick_us},
            {"max_tick_us", stats.max_tick_us},
            {"held", stats.held},
            {"queue_bytes", stats.queue_bytes}}}};
}

asio::awaitable<http::Response> GetQueue(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  if (!std::get<Principal>(principal).is_operator)
    co_return ErrorFor({status::forbidden, "forbidden", "only the operator's account may see the whole queue", ""},
                       request);
  auto query = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&query)) co_return ErrorFor(*error, request);
  auto page = ReadPage(std::get<http::QueryParams>(query));
  if (auto* error = std::get_if<ApiError>(&page)) co_return ErrorFor(*error, request);
  if (context.queue_admin == nullptr) co_return ErrorFor(kQueueUnavailable, request);

  auto snapshot = co_await AwaitCallback<Result<queue::QueueSnapshot>>(
      [&](auto done) { context.queue_admin->Snapshot(std::move(done)); });
  if (!snapshot.ok()) co_return ErrorFor(kQueueUnavailable, request);
  co_return http::JsonResponse(
      status::ok,
      SnapshotJson(std::move(snapshot->sites), snapshot->scheduler,
                   static_cast<size_t>(std::get<PageRequest>(page).limit)),
      request);
}

// The caller's message, or the error to answer: 404 for a message of another account, as for none.
std::variant<core::MessageRecord, ApiError> FindMessage(ApiContext& context, const Principal& principal,
                                                        std::string_view id) {
  auto message = context.store.GetMessage(principal.account_id, id);
  if (message.ok()) return std::move(*message);
  return message.status().code() == Code::kNotFound ? ApiError::NotFound("message") : FromStatus(message.status());
}

ApiError Finished(std::string code, core::MessageStatus status, std::string_view action) {
  return {boost::beast::http::status::conflict, std::move(code),
          "the message is " + std::string(core::ToString(status)) + "; only a queued or deferred message can be " +
              std::string(action),
          ""};
}

// A queued or deferred message of the caller's, before an administration request.
struct WaitingMessage {
  Principal principal;
  std::string id;
  core::MessageStatus status;
};

// The caller's message `id` if it still waits; otherwise the error to answer (`code` and `action`
// name the request when the message has finished).
std::variant<WaitingMessage, ApiError> FindWaiting(ApiContext& context, http::Request& request, std::string_view id,
                                                   std::string code, std::string_view action) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) return *error;
  auto found = FindMessage(context, std::get<Principal>(authorized), id);
  if (auto* error = std::get_if<ApiError>(&found)) return *error;
  const core::MessageStatus status = std::get<core::MessageRecord>(found).status;
  if (core::IsFinal(status)) return Finished(std::move(code), status, action);
  if (context.queue_admin == nullptr) return kQueueUnavailable;
  return WaitingMessage{std::get<Principal>(std::move(authorized)), std::string(id), status};
}

asio::awaitable<http::Response> CancelMessage(ApiContext& context, http::Request& request,
                                              const http::PathParams& params) {
  auto waiting = FindWaiting(context, request, params.Get("id"), "not_cancellable", "cancelled");
  if (auto* error = std::get_if<ApiError>(&waiting)) co_return ErrorFor(*error, request);
  const auto& [principal, id, before] = std::get<WaitingMessage>(waiting);

  auto answer = co_await AwaitCallback<Result<queue::AdminAnswer>>([&](auto done) {
    context.queue_admin->Cancel(id, {{"api_key", principal.key_id}}, std::move(done));
  });
  if (!answer.ok()) {
    co_return ErrorFor(answer.status().code() == Code::kNotFound ? ApiError::NotFound("message")
                       : answer.status().code() == Code::kUnavailable ? kQueueUnavailable
                                                                      : FromStatus(answer.status()),
                       request);
  }
  switch (answer->verdict) {
    case queue::AdminVerdict::kInFlight:
      co_return ErrorFor(InFlight(), request);
    case queue::AdminVerdict::kFinished:
    case queue::AdminVerdict::kNotWaiting:
      co_return ErrorFor(Finished("not_cancellable", answer->status.value_or(before), "cancelled"), request);
    case queue::AdminVerdict::kDone:
      break;
  }
  auto message = context.store.GetMessage(principal.account_id, id);
  auto events = context.store.GetEvents(principal.account_id, id);
  if (!message.ok()) co_return ErrorFor(FromStatus(message.status()), request);
  if (!events.ok()) co_return ErrorFor(FromStatus(events.status()), request);
  co_return http::JsonResponse(status::ok, MessageJson(*message, &*events), request);
}

asio::awaitable<http::Response> RetryMessage(ApiContext& context, http::Request& request,
                                             const http::PathParams& params) {
  auto waiting = FindWaiting(context, request, params.Get("id"), "not_retryable", "retried");
  if (auto* error = std::get_if<ApiError>(&waiting)) co_return ErrorFor(*error, request);
  const auto& [principal, id, before] = std::get<WaitingMessage>(waiting);

  auto answer = co_await AwaitCallback<Result<queue::AdminAnswer>>(
      [&](auto done) { context.queue_admin->Retry(id, std::move(done)); });
  if (!answer.ok()) co_return ErrorFor(kQueueUnavailable, request);
  switch (answer->verdict) {
    case queue::AdminVerdict::kInFlight:
      co_return ErrorFor(InFlight(), request);
    case queue::AdminVerdict::kFinished:
    case queue::AdminVerdict::kNotWaiting: {
      // Finished meanwhile, or not in this daemon's queue at all.
      auto now = context.store.GetMessage(principal.account_id, id);
      if (now.ok() && core::IsFinal(now->status)) co_return ErrorFor(Finished("not_retryable", now->status, "retried"), request);
      co_return ErrorFor({status::conflict, "not_retryable", "the message is not waiting in the delivery queue", ""},
                         request);
    }
    case queue::AdminVerdict::kDone:
      break;
  }
  co_return http::JsonResponse(status::accepted, {{"id", id}, {"status", core::ToString(before)}}, request);
}

}  // namespace

void AddQueueRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::get, "/v1/queue",
             [&context](http::Request& r, const http::PathParams&) { return GetQueue(context, r); });
  router.Add(verb::post, "/v1/messages/{id}/retry",
             [&context](http::Request& r, const http::PathParams& p) { return RetryMessage(context, r, p); });
  router.Add(verb::delete_, "/v1/messages/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return CancelMessage(context, r, p); });
}

}  // namespace herald::api
