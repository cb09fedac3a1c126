// POST /v1/accounts and PATCH /v1/accounts/{id} (operator), POST/GET /v1/api-keys,
// DELETE /v1/api-keys/{id}.
#include "api/api_keys.h"
#include "api/json_shapes.h"
#include "api/request_context.h"
#include "api/routes.h"
#include "base/await_callback.h"
#include "base/random.h"
#include "base/time_format.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

constexpr size_t kMaxNameBytes = 200;

// Reads an optional "name" member: a string of at most 200 bytes without control characters.
std::optional<ApiError> ReadName(const json& body, std::string& name, bool required) {
  auto it = body.find("name");
  if (it == body.end()) {
    if (required) return ApiError::Invalid("missing_field", "name is required", "name");
    return std::nullopt;
  }
  if (!it->is_string()) return ApiError::Invalid("invalid_type", "name must be a string", "name");
  name = it->get<std::string>();
  bool control = false;
  for (unsigned char c : name) control = control || c < 0x20 || c == 0x7f;
  if ((required && name.empty()) || name.size() > kMaxNameBytes || control)
    return ApiError::Invalid("invalid_value", "name has 1 to 200 bytes and no control characters", "name");
  return std::nullopt;
}

// Reads an optional "pool" member: the name of a configured IP pool.
std::optional<ApiError> ReadPool(const ApiContext& context, const json& body, std::string& pool) {
  auto it = body.find("pool");
  if (it == body.end()) return std::nullopt;
  if (!it->is_string()) return ApiError::Invalid("invalid_type", "pool must be a string", "pool");
  pool = it->get<std::string>();
  if (std::find(context.pools.begin(), context.pools.end(), pool) == context.pools.end())
    return ApiError::Invalid("unknown_pool", "pool is not a configured IP pool", "pool");
  return std::nullopt;
}

json AccountJson(const core::Account& account) {
  return {{"id", account.id},
          {"name", account.name},
          {"pool", account.pool},
          {"created_at", FormatRfc3339(account.created_at)}};
}

// Only the operator's account manages accounts.
std::optional<ApiError> RequireOperator(const std::variant<Principal, ApiError>& principal) {
  if (const auto* error = std::get_if<ApiError>(&principal)) return *error;
  if (!std::get<Principal>(principal).is_operator)
    return ApiError{status::forbidden, "forbidden", "only the operator's account may manage accounts", ""};
  return std::nullopt;
}

asio::awaitable<http::Response> CreateAccount(ApiContext& context, http::Request& request) {
  if (auto error = RequireOperator(Authorize(context, request, core::Scope::kAdmin))) co_return ErrorFor(*error, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  const json& object = std::get<json>(body);
  if (auto error = CheckObjectFields(object, {"name", "pool"})) co_return ErrorFor(*error, request);
  std::string name;
  if (auto error = ReadName(object, name, true)) co_return ErrorFor(*error, request);
  std::string pool(core::kDefaultPool);
  if (auto error = ReadPool(context, object, pool)) co_return ErrorFor(*error, request);

  TimePoint now = context.clock.Now();
  core::Account account{NewId("acct", now), name, false, now, pool};
  NewApiKey first = MakeApiKey(account.id, "first key", core::Scope::kAdmin, now);
  Status s = co_await AwaitCallback<Status>(
      [&](auto done) { context.store.CreateAccount(account, first.key, std::move(done)); });
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  json out = AccountJson(account);
  out["api_key"] = first.secret;
  out["api_key_id"] = first.key.id;
  co_return http::JsonResponse(status::created, out, request);
}

// Changes an account's IP pool; its messages accepted from then on leave through it (API keys'
// cached accounts may keep the old pool for a few seconds).
asio::awaitable<http::Response> UpdateAccount(ApiContext& context, http::Request& request,
                                              const http::PathParams& params) {
  if (auto error = RequireOperator(Authorize(context, request, core::Scope::kAdmin))) co_return ErrorFor(*error, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  const json& object = std::get<json>(body);
  if (auto error = CheckObjectFields(object, {"pool"})) co_return ErrorFor(*error, request);
  std::string pool;
  if (auto error = ReadPool(context, object, pool)) co_return ErrorFor(*error, request);
  std::string id(params.Get("id"));
  if (!pool.empty()) {
    Status s = co_await AwaitCallback<Status>([&](auto done) { context.store.SetAccountPool(id, pool, std::move(done)); });
    if (s.code() == Code::kNotFound) co_return ErrorFor(ApiError::NotFound("account"), request);
    if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  }
  auto account = context.store.GetAccount(id);
  if (account.status().code() == Code::kNotFound) co_return ErrorFor(ApiError::NotFound("account"), request);
  if (!account.ok()) co_return ErrorFor(FromStatus(account.status()), request);
  co_return http::JsonResponse(status::ok, AccountJson(*account), request);
}

asio::awaitable<http::Response> CreateApiKey(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  const json& object = std::get<json>(body);
  if (auto error = CheckObjectFields(object, {"name", "scope"})) co_return ErrorFor(*error, request);
  std::string name;
  if (auto error = ReadName(object, name, false)) co_return ErrorFor(*error, request);
  core::Scope scope = core::Scope::kSend;
  if (auto it = object.find("scope"); it != object.end()) {
    auto parsed = it->is_string() ? core::ParseScope(it->get<std::string>()) : std::nullopt;
    if (!parsed) co_return ErrorFor(ApiError::Invalid("invalid_value", "scope is admin or send", "scope"), request);
    scope = *parsed;
  }

  NewApiKey made = MakeApiKey(std::get<Principal>(principal).account_id, name, scope, context.clock.Now());
  Status s = co_await AwaitCallback<Status>([&](auto done) { context.store.CreateApiKey(made.key, std::move(done)); });
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  json out = ApiKeyJson(made.key);
  out["api_key"] = made.secret;
  co_return http::JsonResponse(status::created, out, request);
}

asio::awaitable<http::Response> ListApiKeys(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto keys = context.store.ListApiKeys(std::get<Principal>(principal).account_id);
  if (!keys.ok()) co_return ErrorFor(FromStatus(keys.status()), request);
  json list = json::array();
  for (const core::ApiKey& key : *keys) list.push_back(ApiKeyJson(key));
  co_return http::JsonResponse(status::ok, {{"api_keys", std::move(list)}}, request);
}

asio::awaitable<http::Response> RevokeApiKey(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  std::string key_id(params.Get("id"));
  Status s = co_await AwaitCallback<Status>([&](auto done) {
    context.store.RevokeApiKey(std::get<Principal>(principal).account_id, key_id, context.clock.Now(), std::move(done));
  });
  if (s.code() == Code::kNotFound) co_return ErrorFor(ApiError::NotFound("API key"), request);
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  context.authenticator.Forget(key_id);
  http::Response response = http::JsonResponse(status::no_content, json(), request);
  co_return response;
}

}  // namespace

void AddAccountRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::post, "/v1/accounts",
             [&context](http::Request& r, const http::PathParams&) { return CreateAccount(context, r); });
  router.Add(verb::patch, "/v1/accounts/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return UpdateAccount(context, r, p); });
  router.Add(verb::post, "/v1/api-keys",
             [&context](http::Request& r, const http::PathParams&) { return CreateApiKey(context, r); });
  router.Add(verb::get, "/v1/api-keys",
             [&context](http::Request& r, const http::PathParams&) { return ListApiKeys(context, r); });
  router.Add(verb::delete_, "/v1/api-keys/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return RevokeApiKey(context, r, p); });
}

}  // namespace herald::api
