// /v1/campaigns: create, list, read, change (every content change makes a version), delete; preview
// a campaign rendered for a recipient, and send a test message. Changes take the admin scope; reading
// and previews take send. Another account's campaign is 404, as if it did not exist.
#include "api/campaign_request.h"
#include "api/message_request.h"
#include "api/message_submission.h"
#include "api/request_context.h"
#include "api/routes.h"
#include "base/await_callback.h"
#include "base/random.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

ApiError CampaignNotFound() { return ApiError::NotFound("campaign"); }

// The profile table a campaign names must be the account's.
std::optional<ApiError> CheckProfileTable(ApiContext& context, const std::string& account_id, const core::Campaign& c) {
  auto table = context.store.GetProfileTable(account_id, c.profile_table);
  if (table.ok()) return std::nullopt;
  if (table.status().code() == Code::kNotFound)
    return ApiError::Invalid("unknown_profile_table", "profile_table " + c.profile_table + " does not exist", "profile_table");
  return FromStatus(table.status());
}

std::variant<core::Campaign, ApiError> CampaignOf(ApiContext& context, const std::string& account_id,
                                                  const http::PathParams& params) {
  auto campaign = context.store.GetCampaign(account_id, params.Get("key"));
  if (campaign.ok()) return std::move(*campaign);
  return campaign.status().code() == Code::kNotFound ? CampaignNotFound() : FromStatus(campaign.status());
}

asio::awaitable<http::Response> Create(ApiContext& context, http::Request& request) {
  auto authorized = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  const std::string& account = std::get<Principal>(authorized).account_id;
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  auto read = ReadCampaign(std::get<json>(body));
  if (auto* error = std::get_if<ApiError>(&read)) co_return ErrorFor(*error, request);
  core::Campaign& campaign = std::get<core::Campaign>(read);
  if (auto error = CheckProfileTable(context, account, campaign)) co_return ErrorFor(*error, request);
  campaign.account_id = account;
  campaign.created_at = campaign.updated_at = context.clock.Now();
  campaign.id = NewId("cmp", campaign.created_at);
  Status s = co_await AwaitCallback<Status>([&](auto done) { context.store.CreateCampaign(campaign, std::move(done)); });
  if (s.code() == Code::kAlreadyExists)
    co_return ErrorFor({status::conflict, "conflict", "a campaign with the key " + campaign.key + " exists", "key"}, request);
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  co_return http::JsonResponse(status::created, CampaignJson(campaign), request);
}

asio::awaitable<http::Response> List(ApiContext& context, http::Request& request) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  auto campaigns = context.store.ListCampaigns(std::get<Principal>(authorized).account_id);
  if (!campaigns.ok()) co_return ErrorFor(FromStatus(campaigns.status()), request);
  json list = json::array();
  for (const core::Campaign& c : *campaigns) list.push_back(CampaignJson(c));
  co_return http::JsonResponse(status::ok, {{"campaigns", std::move(list)}}, request);
}

asio::awaitable<http::Response> Get(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  auto campaign = CampaignOf(context, std::get<Principal>(authorized).account_id, params);
  if (auto* error = std::get_if<ApiError>(&campaign)) co_return ErrorFor(*error, request);
  co_return http::JsonResponse(status::ok, CampaignJson(std::get<core::Campaign>(campaign)), request);
}

asio::awaitable<http::Response> Patch(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  const std::string& account = std::get<Principal>(authorized).account_id;
  auto found = CampaignOf(context, account, params);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ErrorFor(*error, request);
  core::Campaign& campaign = std::get<core::Campaign>(found);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  if (auto error = PatchCampaign(std::get<json>(body), campaign)) co_return ErrorFor(*error, request);
  if (auto error = CheckProfileTable(context, account, campaign)) co_return ErrorFor(*error, request);
  campaign.updated_at = context.clock.Now();
  auto stored = co_await AwaitCallback<Result<core::Campaign>>(
      [&](auto done) { context.store.UpdateCampaign(campaign, std::move(done)); });
  if (!stored.ok()) {
    co_return ErrorFor(stored.status().code() == Code::kNotFound ? CampaignNotFound() : FromStatus(stored.status()),
                       request);
  }
  co_return http::JsonResponse(status::ok, CampaignJson(*stored), request);
}

asio::awaitable<http::Response> Delete(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  const std::string account = std::get<Principal>(authorized).account_id;
  const std::string key(params.Get("key"));
  Status s = co_await AwaitCallback<Status>([&](auto done) { context.store.DeleteCampaign(account, key, std::move(done)); });
  if (s.code() == Code::kNotFound) co_return ErrorFor(CampaignNotFound(), request);
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  co_return http::JsonResponse(status::no_content, json(), request);
}

// The trigger a preview or test body ({"to", "data"}) makes for the path's campaign.
std::variant<intake::TriggerRequest, ApiError> ReadRecipient(http::Request& request, const std::string& account_id,
                                                             const http::PathParams& params) {
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) return *error;
  json object = std::get<json>(std::move(body));
  if (auto error = CheckObjectFields(object, {"to", "data"})) return *error;
  object["campaign"] = std::string(params.Get("key"));
  return ParseTriggerRequest(std::move(object), account_id);
}

asio::awaitable<http::Response> Preview(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  auto trigger = ReadRecipient(request, std::get<Principal>(authorized).account_id, params);
  if (auto* error = std::get_if<ApiError>(&trigger)) co_return ErrorFor(*error, request);
  auto rendered = context.intake.Preview(std::get<intake::TriggerRequest>(trigger));
  if (!rendered.ok()) {
    co_return ErrorFor(rendered.status().code() == Code::kNotFound ? CampaignNotFound() : IntakeError(rendered.status()),
                       request);
  }
  co_return http::JsonResponse(status::ok,
                               {{"from", rendered->from}, {"reply_to", rendered->reply_to}, {"subject", rendered->subject},
                                {"html", rendered->html}, {"text", rendered->text}},
                               request);
}

asio::awaitable<http::Response> Test(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  const Principal& caller = std::get<Principal>(authorized);
  auto trigger = ReadRecipient(request, caller.account_id, params);
  if (auto* error = std::get_if<ApiError>(&trigger)) co_return ErrorFor(*error, request);
  intake::TriggerRequest& test = std::get<intake::TriggerRequest>(trigger);
  test.test = true;
  test.tags.push_back("test");
  auto accepted = co_await AwaitCallback<Result<intake::Accepted>>(
      [&](auto done) { SubmitToIntake(context.intake, std::move(test), caller.pool, std::move(done)); });
  if (!accepted.ok()) co_return ErrorFor(IntakeError(accepted.status()), request);
  co_return http::JsonResponse(AcceptedStatus(*accepted), AcceptedJson(*accepted),
                               request);
}

}  // namespace

void AddCampaignRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::post, "/v1/campaigns", [&context](http::Request& r, const http::PathParams&) { return Create(context, r); });
  router.Add(verb::get, "/v1/campaigns", [&context](http::Request& r, const http::PathParams&) { return List(context, r); });
  router.Add(verb::get, "/v1/campaigns/{key}",
             [&context](http::Request& r, const http::PathParams& p) { return Get(context, r, p); });
  router.Add(verb::patch, "/v1/campaigns/{key}",
             [&context](http::Request& r, const http::PathParams& p) { return Patch(context, r, p); });
  router.Add(verb::delete_, "/v1/campaigns/{key}",
             [&context](http::Request& r, const http::PathParams& p) { return Delete(context, r, p); });
  router.Add(verb::post, "/v1/campaigns/{key}/preview",
             [&context](http::Request& r, const http::PathParams& p) { return Preview(context, r, p); });
  router.Add(verb::post, "/v1/campaigns/{key}/test",
             [&context](http::Request& r, const http::PathParams& p) { return Test(context, r, p); });
}

}  // namespace herald::api
