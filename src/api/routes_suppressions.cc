// /v1/suppressions: the account's suppression list (DESIGN §1) — the addresses its mail is not sent
// to. Hard bounces (source "bounce") and complaints ("complaint") add themselves; a caller may add
// one ("manual") and remove one.
//
//   GET    /v1/suppressions?address=&limit=&cursor=  send scope: newest first, paginated
//   POST   /v1/suppressions {"address", "reason"}    send scope: 201, or 409 already_suppressed
//   DELETE /v1/suppressions/{address}                admin scope: 204, or 404 (sending to the
//                                                    address again is an account decision)
// Another account's entries are never seen: 404 and empty lists, as if they did not exist.
#include "api/request_context.h"
#include "api/routes.h"
#include "base/await_callback.h"
#include "base/log.h"
#include "base/time_format.h"
#include "core/address.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

constexpr size_t kMaxReasonBytes = 200;
constexpr std::string_view kManualReason = "manual";

json SuppressionJson(const core::Suppression& s) {
  return {{"address", s.address},
          {"reason", s.reason},
          {"source", s.source},
          {"message_id", s.message_id ? json(*s.message_id) : json(nullptr)},
          {"created_at", FormatRfc3339(s.created_at)}};
}

// A reason fit to store and show: text without control characters (the JSON reader checked its
// UTF-8), not too long.
bool IsCleanReason(std::string_view text) {
  if (text.empty() || text.size() > kMaxReasonBytes) return false;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

asio::awaitable<http::Response> List(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto query = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&query)) co_return ErrorFor(*error, request);
  auto& params = std::get<http::QueryParams>(query);
  auto page = ReadPage(params);
  if (auto* error = std::get_if<ApiError>(&page)) co_return ErrorFor(*error, request);

  storage::SuppressionQuery list;
  list.account_id = std::get<Principal>(principal).account_id;
  list.limit = std::get<PageRequest>(page).limit;
  list.cursor = std::get<PageRequest>(page).cursor;
  if (auto address = params.Get("address")) list.address = std::string(*address);
  auto found = context.store.ListSuppressions(list);
  if (found.status().code() == Code::kInvalidArgument)
    co_return ErrorFor(ApiError::Invalid("invalid_value", "cursor: not a cursor this list gave", "cursor"), request);
  if (!found.ok()) co_return ErrorFor(FromStatus(found.status()), request);
  json items = json::array();
  for (const core::Suppression& s : found->suppressions) items.push_back(SuppressionJson(s));
  co_return http::JsonResponse(status::ok, {{"suppressions", std::move(items)}, {"next_cursor", CursorJson(found->next_cursor)}},
                               request);
}

asio::awaitable<http::Response> Create(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  const json& object = std::get<json>(body);
  if (auto error = CheckObjectFields(object, {"address", "reason"})) co_return ErrorFor(*error, request);

  auto address_field = object.find("address");
  if (address_field == object.end() || !address_field->is_string())
    co_return ErrorFor(ApiError::Invalid("missing_field", "address: an e-mail address", "address"), request);
  Result<core::EmailAddress> address = core::ParseAddrSpec(address_field->get<std::string>());
  if (!address.ok())
    co_return ErrorFor(ApiError::Invalid("invalid_address", "address: " + address.status().message(), "address"), request);
  std::string reason(kManualReason);
  if (auto reason_field = object.find("reason"); reason_field != object.end() && !reason_field->is_null()) {
    if (!reason_field->is_string() || !IsCleanReason(reason_field->get<std::string>()))
      co_return ErrorFor(ApiError::Invalid("invalid_value", "reason: 1 to 200 bytes of text without control characters",
                                           "reason"),
                         request);
    reason = reason_field->get<std::string>();
  }

  core::Suppression suppression;
  suppression.account_id = std::get<Principal>(principal).account_id;
  suppression.address = core::AsciiLower(address->AddrSpec());
  suppression.reason = std::move(reason);
  suppression.source = "manual";
  suppression.created_at = context.clock.Now();
  Status s = co_await AwaitCallback<Status>([&](auto done) { context.store.AddSuppression(suppression, std::move(done)); });
  if (s.code() == Code::kAlreadyExists) {
    co_return ErrorFor({status::conflict, "already_suppressed", suppression.address + " is on the suppression list already",
                        "address"},
                       request);
  }
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  Logger("api")->info("account {} suppressed an address by hand", suppression.account_id);
  co_return http::JsonResponse(status::created, SuppressionJson(suppression), request);
}

asio::awaitable<http::Response> Delete(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  const std::string& account_id = std::get<Principal>(principal).account_id;
  std::string address(params.Get("address"));
  Status s = co_await AwaitCallback<Status>(
      [&](auto done) { context.store.DeleteSuppression(account_id, address, std::move(done)); });
  if (s.code() == Code::kNotFound) co_return ErrorFor(ApiError::NotFound("suppression"), request);
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  Logger("api")->info("account {} removed an address from its suppression list", account_id);
  co_return http::JsonResponse(status::no_content, json(), request);
}

}  // namespace

void AddSuppressionRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::get, "/v1/suppressions", [&context](http::Request& r, const http::PathParams&) { return List(context, r); });
  router.Add(verb::post, "/v1/suppressions",
             [&context](http::Request& r, const http::PathParams&) { return Create(context, r); });
  router.Add(verb::delete_, "/v1/suppressions/{address}",
             [&context](http::Request& r, const http::PathParams& p) { return Delete(context, r, p); });
}

}  // namespace herald::api
