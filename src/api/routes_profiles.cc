// /v1/profile-tables: create, list and read profile tables (admin scope to create), and their
// profiles: upsert by key, read, search by an attribute, erase, import from CSV (send scope).
// Another account's table is 404, as if it did not exist.
#include <boost/algorithm/string/predicate.hpp>
#include <charconv>
#include <chrono>

#include "api/profile_json.h"
#include "api/request_context.h"
#include "api/routes.h"
#include "base/await_callback.h"
#include "base/log.h"
#include "base/random.h"
#include "http/responses.h"
#include "profiles/attribute_values.h"
#include "profiles/csv_import.h"
#include "profiles/lookup.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

ApiError ProfileNotFound() { return ApiError::NotFound("profile"); }

// The answer to a profile write that failed.
ApiError FromProfileStatus(const Status& s) {
  const std::string& message = s.message();
  const std::string attribute = message.substr(0, message.find(':'));
  switch (s.code()) {
    case Code::kAlreadyExists:
      return {status::conflict, "duplicate_value", message, "attributes." + attribute};
    case Code::kInvalidArgument:
      return ApiError::Invalid(message.find("no such attribute") != std::string::npos ? "unknown_attribute"
                                                                                       : "invalid_value",
                               message, attribute == "key" ? "key" : "attributes." + attribute);
    case Code::kNotFound:
      return ApiError::NotFound("profile table");
    default:
      return FromStatus(s);
  }
}

// The caller's table named by the path, or the error.
std::variant<core::ProfileTable, ApiError> TableOf(ApiContext& context, const Principal& principal,
                                                   const http::PathParams& params) {
  auto table = context.store.GetProfileTable(principal.account_id, params.Get("table"));
  if (table.ok()) return std::move(*table);
  return table.status().code() == Code::kNotFound ? ApiError::NotFound("profile table") : FromStatus(table.status());
}

asio::awaitable<http::Response> CreateTable(ApiContext& context, http::Request& request) {
  auto authorized = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  auto table = ReadProfileTable(std::get<json>(body));
  if (auto* error = std::get_if<ApiError>(&table)) co_return ErrorFor(*error, request);
  core::ProfileTable& made = std::get<core::ProfileTable>(table);
  made.account_id = std::get<Principal>(authorized).account_id;
  made.created_at = context.clock.Now();
  made.id = NewId("ptab", made.created_at);
  Status s = co_await AwaitCallback<Status>([&](auto done) { context.store.CreateProfileTable(made, std::move(done)); });
  if (s.code() == Code::kAlreadyExists)
    co_return ErrorFor({status::conflict, "conflict", "a profile table named " + made.name + " exists", "name"}, request);
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  co_return http::JsonResponse(status::created, ProfileTableJson(made), request);
}

asio::awaitable<http::Response> ListTables(ApiContext& context, http::Request& request) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  auto tables = context.store.ListProfileTables(std::get<Principal>(authorized).account_id);
  if (!tables.ok()) co_return ErrorFor(FromStatus(tables.status()), request);
  json list = json::array();
  for (const core::ProfileTable& t : *tables) list.push_back(ProfileTableJson(t));
  co_return http::JsonResponse(status::ok, {{"profile_tables", std::move(list)}}, request);
}

asio::awaitable<http::Response> GetTable(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  auto table = TableOf(context, std::get<Principal>(authorized), params);
  if (auto* error = std::get_if<ApiError>(&table)) co_return ErrorFor(*error, request);
  co_return http::JsonResponse(status::ok, ProfileTableJson(std::get<core::ProfileTable>(table)), request);
}

// The table and the profile lookup a request names (path {table} and {key}).
struct Named {
  core::ProfileTable table;
  profiles::ProfileLookup lookup;
};

std::variant<Named, ApiError> NamedProfile(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) return *error;
  auto table = TableOf(context, std::get<Principal>(authorized), params);
  if (auto* error = std::get_if<ApiError>(&table)) return *error;
  auto lookup = profiles::LookupForKey(std::get<core::ProfileTable>(table), params.Get("key"));
  if (!lookup.ok()) return ApiError::Invalid("invalid_value", lookup.status().message(), "key");
  return Named{std::get<core::ProfileTable>(std::move(table)), std::move(*lookup)};
}

asio::awaitable<http::Response> PutProfile(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto named = NamedProfile(context, request, params);
  if (auto* error = std::get_if<ApiError>(&named)) co_return ErrorFor(*error, request);
  Named& target = std::get<Named>(named);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  const json& object = std::get<json>(body);
  if (auto error = CheckObjectFields(object, {"attributes"})) co_return ErrorFor(*error, request);
  Result<json> changes = profiles::CanonicalAttributes(target.table, object.value("attributes", json::object()));
  if (!changes.ok()) co_return ErrorFor(FromProfileStatus(changes.status()), request);
  // A new profile holds the key it was created by.
  if (!changes->contains(target.lookup.attribute)) (*changes)[target.lookup.attribute] = target.lookup.value;

  const TimePoint now = context.clock.Now();
  storage::ProfileWrite write{target.table, target.lookup.attribute, target.lookup.text(), std::move(*changes),
                              NewId("prf", now), now};
  auto written = co_await AwaitCallback<Result<storage::ProfileWriteOutcome>>(
      [&](auto done) { context.store.UpsertProfile(std::move(write), std::move(done)); });
  if (!written.ok()) co_return ErrorFor(FromProfileStatus(written.status()), request);
  co_return http::JsonResponse(written->created ? status::created : status::ok,
                               ProfileJson(target.table, written->profile), request);
}

asio::awaitable<http::Response> GetProfile(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto named = NamedProfile(context, request, params);
  if (auto* error = std::get_if<ApiError>(&named)) co_return ErrorFor(*error, request);
  Named& target = std::get<Named>(named);
  auto profile = context.store.FindProfile(target.table.id, target.lookup.attribute, target.lookup.text());
  if (!profile.ok()) {
    co_return ErrorFor(profile.status().code() == Code::kNotFound ? ProfileNotFound() : FromStatus(profile.status()),
                       request);
  }
  co_return http::JsonResponse(status::ok, ProfileJson(target.table, *profile), request);
}

asio::awaitable<http::Response> DeleteProfile(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto named = NamedProfile(context, request, params);
  if (auto* error = std::get_if<ApiError>(&named)) co_return ErrorFor(*error, request);
  Named& target = std::get<Named>(named);
  auto profile = context.store.FindProfile(target.table.id, target.lookup.attribute, target.lookup.text());
  if (!profile.ok()) {
    co_return ErrorFor(profile.status().code() == Code::kNotFound ? ProfileNotFound() : FromStatus(profile.status()),
                       request);
  }
  Status s = co_await AwaitCallback<Status>(
      [&](auto done) { context.store.DeleteProfile(target.table.id, profile->id, std::move(done)); });
  if (s.code() == Code::kNotFound) co_return ErrorFor(ProfileNotFound(), request);
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  co_return http::JsonResponse(status::no_content, json(), request);
}

// GET …/profiles?<attribute>=<value>: exactly one attribute to search by, with limit and cursor.
asio::awaitable<http::Response> SearchProfiles(ApiContext& context, http::Request& request,
                                               const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  auto table = TableOf(context, std::get<Principal>(authorized), params);
  if (auto* error = std::get_if<ApiError>(&table)) co_return ErrorFor(*error, request);
  const core::ProfileTable& t = std::get<core::ProfileTable>(table);
  auto query = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&query)) co_return ErrorFor(*error, request);
  const http::QueryParams& params_in = std::get<http::QueryParams>(query);
  auto page = ReadPage(params_in);
  if (auto* error = std::get_if<ApiError>(&page)) co_return ErrorFor(*error, request);

  std::vector<std::pair<std::string, std::string>> criteria;
  for (const auto& [name, value] : params_in.entries()) {
    if (name != "limit" && name != "cursor") criteria.emplace_back(name, value);
  }
  if (criteria.size() != 1)
    co_return ErrorFor(ApiError::Invalid("invalid_value", "search by exactly one attribute: ?emailAddress=…", ""), request);
  const auto& [attribute, text] = criteria.front();
  const core::AttributeDef* def = t.Find(attribute);
  if (def == nullptr)
    co_return ErrorFor(ApiError::Invalid("unknown_attribute", attribute + ": the table has no such attribute", attribute),
                       request);
  Result<json> value = profiles::CanonicalValueFromText(*def, text);
  if (!value.ok() || value->is_null())
    co_return ErrorFor(ApiError::Invalid("invalid_value", attribute + ": " + (value.ok() ? "empty" : value.status().message()),
                                         attribute),
                       request);
  const PageRequest& p = std::get<PageRequest>(page);
  auto found = context.store.SearchProfiles(t.id, attribute, core::IndexText(*value), p.cursor, p.limit);
  if (!found.ok()) co_return ErrorFor(FromStatus(found.status()), request);
  json list = json::array();
  for (const core::Profile& profile : found->profiles) list.push_back(ProfileJson(t, profile));
  co_return http::JsonResponse(status::ok, {{"profiles", std::move(list)}, {"next_cursor", CursorJson(found->next_cursor)}},
                               request);
}

// Content-Type: text/csv, with or without parameters (charset=utf-8).
bool IsCsv(std::string_view content_type) {
  std::string_view media_type = content_type.substr(0, content_type.find(';'));
  while (!media_type.empty() && media_type.back() == ' ') media_type.remove_suffix(1);
  return boost::algorithm::iequals(media_type, "text/csv");
}

// POST …/imports: the body is the CSV. ?first_row=N: the row number, in a larger file, of the row
// after the body's header (the CLI sends a file in parts, each with the header).
asio::awaitable<http::Response> ImportProfiles(ApiContext& context, http::Request& request,
                                               const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  const Principal& principal = std::get<Principal>(authorized);
  auto table = TableOf(context, principal, params);
  if (auto* error = std::get_if<ApiError>(&table)) co_return ErrorFor(*error, request);
  if (!IsCsv(request[boost::beast::http::field::content_type])) {
    co_return ErrorFor({status::unsupported_media_type, "unsupported_media_type", "send the CSV as Content-Type: text/csv", ""},
                       request);
  }
  auto query = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&query)) co_return ErrorFor(*error, request);
  profiles::ImportOptions options;
  if (auto first_row = std::get<http::QueryParams>(query).Get("first_row")) {
    const char* end = first_row->data() + first_row->size();
    auto [stop, ec] = std::from_chars(first_row->data(), end, options.first_row);
    if (ec != std::errc() || stop != end || options.first_row < 2)
      co_return ErrorFor(ApiError::Invalid("invalid_value", "first_row is an integer of at least 2", "first_row"), request);
  }

  const std::string table_name = std::get<core::ProfileTable>(table).name;
  const auto started = std::chrono::steady_clock::now();
  storage::Store& store = context.store;
  profiles::ImportReport report = co_await profiles::ImportProfilesCsv(
      [&store](storage::ProfileWrite write, auto done) { store.UpsertProfile(std::move(write), std::move(done)); },
      context.clock, std::get<core::ProfileTable>(std::move(table)), request.body(), options);
  if (report.refused)
    co_return ErrorFor(ApiError::Invalid(report.refused->code, report.refused->message, report.refused->field), request);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  Logger("api")->info("account {} imported {} rows into profile table {} in {} ms: {} created, {} updated, {} failed",
                      principal.account_id, report.rows, table_name, millis, report.created, report.updated,
                      report.failed);
  co_return http::JsonResponse(status::ok, ImportReportJson(report), request);
}

}  // namespace

void AddProfileRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::post, "/v1/profile-tables",
             [&context](http::Request& r, const http::PathParams&) { return CreateTable(context, r); });
  router.Add(verb::get, "/v1/profile-tables",
             [&context](http::Request& r, const http::PathParams&) { return ListTables(context, r); });
  router.Add(verb::get, "/v1/profile-tables/{table}",
             [&context](http::Request& r, const http::PathParams& p) { return GetTable(context, r, p); });
  router.Add(verb::get, "/v1/profile-tables/{table}/profiles",
             [&context](http::Request& r, const http::PathParams& p) { return SearchProfiles(context, r, p); });
  router.Add(verb::put, "/v1/profile-tables/{table}/profiles/{key}",
             [&context](http::Request& r, const http::PathParams& p) { return PutProfile(context, r, p); });
  router.Add(verb::get, "/v1/profile-tables/{table}/profiles/{key}",
             [&context](http::Request& r, const http::PathParams& p) { return GetProfile(context, r, p); });
  router.Add(verb::delete_, "/v1/profile-tables/{table}/profiles/{key}",
             [&context](http::Request& r, const http::PathParams& p) { return DeleteProfile(context, r, p); });
  router.Add(verb::post, "/v1/profile-tables/{table}/imports",
             [&context](http::Request& r, const http::PathParams& p) { return ImportProfiles(context, r, p); });
}

}  // namespace herald::api
