// /v1/smtp-connections (admin scope): create, list, get, change, delete, and rotate the password.
//
// The password is shown in the answers of POST /v1/smtp-connections and POST …/{id}/password only;
// the store keeps its SHA-256. A connection of another account is 404, as if it did not exist.
#include "api/request_context.h"
#include "api/routes.h"
#include "api/smtp_connection_request.h"
#include "base/await_callback.h"
#include "base/digest.h"
#include "base/log.h"
#include "base/random.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

// A generated username or id that is taken (80 and 128 random bits: practically never) is drawn again.
constexpr int kCreateAttempts = 3;

ApiError ConnectionNotFound() { return ApiError::NotFound("SMTP connection"); }

// The answer to a failed connection write.
ApiError FromWriteStatus(const Status& s) {
  if (s.code() == Code::kNotFound) return ConnectionNotFound();
  if (s.code() ==
      Code::kFailedPrecondition)  // the store's message names the networks, and is meant to be shown
    return {status::conflict, "trusted_network_overlap", s.message(), "trusted_networks"};
  if (s.code() == Code::kInvalidArgument) return ApiError::Invalid("invalid_value", s.message(), "");
  return FromStatus(s);
}

asio::awaitable<http::Response> Create(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  core::SmtpConnection connection;
  if (auto error = ReadSmtpConnectionCreate(std::get<json>(body), connection))
    co_return ErrorFor(*error, request);

  const TimePoint now = context.clock.Now();
  connection.account_id = std::get<Principal>(principal).account_id;
  connection.created_at = now;
  const std::string password = NewSmtpPassword();
  connection.password_hash = Sha256Hex(password);
  Status s;
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    connection.id = NewId("smtp", now);
    connection.username = NewSmtpUsername();
    s = co_await AwaitCallback<Status>(
        [&](auto done) { context.store.CreateSmtpConnection(connection, std::move(done)); });
    if (s.code() != Code::kAlreadyExists) break;
  }
  if (!s.ok()) co_return ErrorFor(FromWriteStatus(s), request);
  Logger("api")->info("account {} created SMTP connection {}", connection.account_id, connection.id);
  json out = SmtpConnectionJson(connection, now);
  out["password"] = password;
  co_return http::JsonResponse(status::created, out, request);
}

asio::awaitable<http::Response> List(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto connections = context.store.ListSmtpConnections(std::get<Principal>(principal).account_id);
  if (!connections.ok()) co_return ErrorFor(FromStatus(connections.status()), request);
  const TimePoint now = context.clock.Now();
  json list = json::array();
  for (const core::SmtpConnection& c : *connections) list.push_back(SmtpConnectionJson(c, now));
  co_return http::JsonResponse(status::ok, {{"smtp_connections", std::move(list)}}, request);
}

// The caller's connection named in the path, or the error to answer.
std::variant<core::SmtpConnection, ApiError> Find(ApiContext& context, const Principal& principal,
                                                  const http::PathParams& params) {
  auto found = context.store.GetSmtpConnection(principal.account_id, params.Get("id"));
  if (found.ok()) return std::move(*found);
  if (found.status().code() == Code::kNotFound) return ConnectionNotFound();
  return FromStatus(found.status());
}

asio::awaitable<http::Response> Get(ApiContext& context, http::Request& request,
                                    const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto found = Find(context, std::get<Principal>(principal), params);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ErrorFor(*error, request);
  co_return http::JsonResponse(
      status::ok, SmtpConnectionJson(std::get<core::SmtpConnection>(found), context.clock.Now()), request);
}

asio::awaitable<http::Response> Patch(ApiContext& context, http::Request& request,
                                      const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  auto found = Find(context, std::get<Principal>(principal), params);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ErrorFor(*error, request);
  core::SmtpConnection connection = std::move(std::get<core::SmtpConnection>(found));
  if (auto error = ReadSmtpConnectionPatch(std::get<json>(body), connection))
    co_return ErrorFor(*error, request);

  core::SmtpConnection update = connection;
  update.password_hash.clear();  // keeps the stored hash, even if a rotation commits in between
  Status s = co_await AwaitCallback<Status>(
      [&](auto done) { context.store.UpdateSmtpConnection(update, std::move(done)); });
  if (!s.ok()) co_return ErrorFor(FromWriteStatus(s), request);
  co_return http::JsonResponse(status::ok, SmtpConnectionJson(connection, context.clock.Now()), request);
}

asio::awaitable<http::Response> Delete(ApiContext& context, http::Request& request,
                                       const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  const std::string& account_id = std::get<Principal>(principal).account_id;
  std::string id(params.Get("id"));
  Status s = co_await AwaitCallback<Status>(
      [&](auto done) { context.store.DeleteSmtpConnection(account_id, id, std::move(done)); });
  if (!s.ok()) co_return ErrorFor(FromWriteStatus(s), request);
  Logger("api")->info("account {} deleted SMTP connection {}", account_id, id);
  co_return http::JsonResponse(status::no_content, json(), request);
}

asio::awaitable<http::Response> RotatePassword(ApiContext& context, http::Request& request,
                                               const http::PathParams& params) {
  auto principal = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  if (auto error = CheckObjectFields(std::get<json>(body), {})) co_return ErrorFor(*error, request);
  auto found = Find(context, std::get<Principal>(principal), params);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ErrorFor(*error, request);
  core::SmtpConnection connection = std::move(std::get<core::SmtpConnection>(found));

  const std::string password = NewSmtpPassword();
  connection.password_hash = Sha256Hex(password);
  Status s = co_await AwaitCallback<Status>(
      [&](auto done) { context.store.UpdateSmtpConnection(connection, std::move(done)); });
  if (!s.ok()) co_return ErrorFor(FromWriteStatus(s), request);
  Logger("api")->info("account {} rotated the password of SMTP connection {}", connection.account_id,
                      connection.id);
  json out = SmtpConnectionJson(connection, context.clock.Now());
  out["password"] = password;
  co_return http::JsonResponse(status::ok, out, request);
}

}  // namespace

void AddSmtpConnectionRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::post, "/v1/smtp-connections",
             [&context](http::Request& r, const http::PathParams&) { return Create(context, r); });
  router.Add(verb::get, "/v1/smtp-connections",
             [&context](http::Request& r, const http::PathParams&) { return List(context, r); });
  router.Add(verb::get, "/v1/smtp-connections/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return Get(context, r, p); });
  router.Add(verb::patch, "/v1/smtp-connections/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return Patch(context, r, p); });
  router.Add(verb::delete_, "/v1/smtp-connections/{id}",
             [&context](http::Request& r, const http::PathParams& p) { return Delete(context, r, p); });
  router.Add(
      verb::post, "/v1/smtp-connections/{id}/password",
      [&context](http::Request& r, const http::PathParams& p) { return RotatePassword(context, r, p); });
}

}  // namespace herald::api
