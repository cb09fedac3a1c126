// /v1/tables: interaction tables (admin scope to create and delete, send scope to read), their rows
// (send scope: create, change, read, list by profile, delete) and each table's change feed of row
// events. A row's profile is named by its key in the linked profile table, as in
// /v1/profile-tables/{t}/profiles/{key}; a row by its id or, in a table with a key column, by that
// column's value. Another account's table is 404, as if it did not exist.
#include <charconv>

#include "api/interaction_table_json.h"
#include "api/profile_json.h"
#include "api/request_context.h"
#include "api/routes.h"
#include "base/await_callback.h"
#include "base/random.h"
#include "http/responses.h"
#include "profiles/attribute_values.h"
#include "profiles/lookup.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

ApiError TableNotFound() { return ApiError::NotFound("table"); }
ApiError RowNotFound() { return ApiError::NotFound("row"); }
// A profile is named in the body or the query, not the path: like an unknown campaign, it is 422.
ApiError UnknownProfile(const std::string& table) {
  return ApiError::Invalid("unknown_profile", "the profile table " + table + " has no such profile",
                           "profile");
}

// The answer to a row write that failed (store.h says the messages' shapes: "<what>: <why>").
ApiError FromRowStatus(const Status& s) {
  const std::string& message = s.message();
  const std::string subject = message.substr(0, message.find(':'));
  switch (s.code()) {
    case Code::kAlreadyExists:
      return {status::conflict, "duplicate_value", message, "values." + subject};
    case Code::kInvalidArgument: {
      const std::string field = subject == "values" ? subject : "values." + subject;
      if (message.ends_with("no such column")) return ApiError::Invalid("unknown_column", message, field);
      if (message.ends_with(": required"))
        return ApiError::Invalid("missing_field", subject + " is required", field);
      return ApiError::Invalid("invalid_value", message, field);
    }
    case Code::kNotFound:
      if (subject == "profile") return ApiError::Invalid("unknown_profile", message, "profile");
      return subject == "row" ? RowNotFound() : TableNotFound();
    default:
      return FromStatus(s);
  }
}

// The caller's table named by the path (a key of the send scope suffices).
std::variant<core::InteractionTable, ApiError> TableOf(ApiContext& context, http::Request& request,
                                                       const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) return *error;
  auto table =
      context.store.GetInteractionTable(std::get<Principal>(authorized).account_id, params.Get("table"));
  if (table.ok()) return std::move(*table);
  return table.status().code() == Code::kNotFound ? TableNotFound() : FromStatus(table.status());
}

// How the profile named by `key` is found in the table's linked profile table.
std::variant<profiles::ProfileLookup, ApiError> ProfileLookupOf(ApiContext& context,
                                                                const core::InteractionTable& table,
                                                                std::string_view key) {
  auto profile_table = context.store.GetProfileTable(table.account_id, table.profile_table);
  if (!profile_table.ok()) {
    return profile_table.status().code() == Code::kNotFound ? ApiError::NotFound("profile table")
                                                            : FromStatus(profile_table.status());
  }
  auto lookup = profiles::LookupForKey(*profile_table, key);
  if (!lookup.ok())
    return ApiError::Invalid("invalid_value", "profile: " + lookup.status().message(), "profile");
  return std::move(*lookup);
}

std::variant<core::Row, ApiError> RowOrError(Result<core::Row> row) {
  if (row.ok()) return std::move(*row);
  return row.status().code() == Code::kNotFound ? RowNotFound() : FromStatus(row.status());
}

// The row a path's {row} names: the key column's value when the table has one and such a row
// exists, else the row id.
std::variant<core::Row, ApiError> RowOf(ApiContext& context, const core::InteractionTable& table,
                                        const http::PathParams& params) {
  const std::string_view named = params.Get("row");
  if (const core::AttributeDef* key = table.Find(table.key)) {
    Result<json> value = profiles::CanonicalValueFromText(*key, named);
    if (value.ok() && !value->is_null()) {
      Result<core::Row> by_key = context.store.FindRowByKey(table.id, core::IndexText(*value));
      if (by_key.status().code() != Code::kNotFound) return RowOrError(std::move(by_key));
    }
  }
  return RowOrError(context.store.GetRow(table.id, named));
}

// What a list request names: the caller's table, the query, and the page it asks for.
struct ListRequest {
  core::InteractionTable table;
  http::QueryParams query;
  PageRequest page;
};

std::variant<ListRequest, ApiError> ReadListRequest(ApiContext& context, http::Request& request,
                                                    const http::PathParams& params) {
  auto table = TableOf(context, request, params);
  if (auto* error = std::get_if<ApiError>(&table)) return *error;
  auto query = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&query)) return *error;
  auto page = ReadPage(std::get<http::QueryParams>(query));
  if (auto* error = std::get_if<ApiError>(&page)) return *error;
  return ListRequest{std::get<core::InteractionTable>(std::move(table)),
                     std::get<http::QueryParams>(std::move(query)), std::get<PageRequest>(std::move(page))};
}

// The row values of a request made canonical for the table's columns.
std::variant<json, ApiError> CanonicalRowValues(const core::InteractionTable& table, const json& values) {
  Result<json> canonical = profiles::CanonicalValues(table.columns, table.name, "values", "column", values);
  if (!canonical.ok()) return FromRowStatus(canonical.status());
  return std::move(*canonical);
}

http::Response RowWritten(const Result<storage::RowWriteOutcome>& written, status success,
                          const core::InteractionTable& table, const http::Request& request) {
  if (!written.ok()) return ErrorFor(FromRowStatus(written.status()), request);
  return http::JsonResponse(success, RowJson(table, written->row), request);
}

asio::awaitable<http::Response> CreateTable(ApiContext& context, http::Request& request) {
  auto authorized = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  const std::string& account = std::get<Principal>(authorized).account_id;
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  auto read = ReadInteractionTable(std::get<json>(body));
  if (auto* error = std::get_if<ApiError>(&read)) co_return ErrorFor(*error, request);
  core::InteractionTable& table = std::get<core::InteractionTable>(read);
  auto profile_table = context.store.GetProfileTable(account, table.profile_table);
  if (profile_table.status().code() == Code::kNotFound) {
    co_return ErrorFor(
        ApiError::Invalid("unknown_profile_table", "profile_table " + table.profile_table + " does not exist",
                          "profile_table"),
        request);
  }
  if (!profile_table.ok()) co_return ErrorFor(FromStatus(profile_table.status()), request);
  table.profile_table_id = profile_table->id;
  table.account_id = account;
  table.created_at = context.clock.Now();
  table.id = NewId("itab", table.created_at);
  Result<core::InteractionTable> made = core::MakeInteractionTable(std::move(table));
  if (!made.ok()) co_return ErrorFor(InvalidDefinition(made.status()), request);
  Status s = co_await AwaitCallback<Status>(
      [&](auto done) { context.store.CreateInteractionTable(*made, std::move(done)); });
  if (s.code() == Code::kAlreadyExists)
    co_return ErrorFor({status::conflict, "conflict", "a table named " + made->name + " exists", "name"},
                       request);
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  co_return http::JsonResponse(status::created, InteractionTableJson(*made), request);
}

asio::awaitable<http::Response> ListTables(ApiContext& context, http::Request& request) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  auto tables = context.store.ListInteractionTables(std::get<Principal>(authorized).account_id);
  if (!tables.ok()) co_return ErrorFor(FromStatus(tables.status()), request);
  json list = json::array();
  for (const core::InteractionTable& t : *tables) list.push_back(InteractionTableJson(t));
  co_return http::JsonResponse(status::ok, {{"tables", std::move(list)}}, request);
}

asio::awaitable<http::Response> GetTable(ApiContext& context, http::Request& request,
                                         const http::PathParams& params) {
  auto table = TableOf(context, request, params);
  if (auto* error = std::get_if<ApiError>(&table)) co_return ErrorFor(*error, request);
  co_return http::JsonResponse(status::ok, InteractionTableJson(std::get<core::InteractionTable>(table)),
                               request);
}

asio::awaitable<http::Response> DeleteTable(ApiContext& context, http::Request& request,
                                            const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  Status s = co_await AwaitCallback<Status>([&](auto done) {
    context.store.DeleteInteractionTable(std::get<Principal>(authorized).account_id,
                                         std::string(params.Get("table")), std::move(done));
  });
  if (s.code() == Code::kNotFound) co_return ErrorFor(TableNotFound(), request);
  if (!s.ok()) co_return ErrorFor(FromStatus(s), request);
  co_return http::JsonResponse(status::no_content, json(), request);
}

asio::awaitable<http::Response> CreateRow(ApiContext& context, http::Request& request,
                                          const http::PathParams& params) {
  auto found = TableOf(context, request, params);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ErrorFor(*error, request);
  core::InteractionTable& table = std::get<core::InteractionTable>(found);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  auto read = ReadRowRequest(std::get<json>(body), /*create=*/true);
  if (auto* error = std::get_if<ApiError>(&read)) co_return ErrorFor(*error, request);
  RowRequest& row = std::get<RowRequest>(read);
  auto values = CanonicalRowValues(table, row.values);
  if (auto* error = std::get_if<ApiError>(&values)) co_return ErrorFor(*error, request);
  auto lookup = ProfileLookupOf(context, table, row.profile);
  if (auto* error = std::get_if<ApiError>(&lookup)) co_return ErrorFor(*error, request);
  const profiles::ProfileLookup& profile = std::get<profiles::ProfileLookup>(lookup);

  const TimePoint now = context.clock.Now();
  storage::NewRow write{
      table, NewId("row", now), profile.attribute, profile.text(), std::get<json>(std::move(values)), now};
  auto written = co_await AwaitCallback<Result<storage::RowWriteOutcome>>(
      [&](auto done) { context.store.CreateRow(std::move(write), std::move(done)); });
  co_return RowWritten(written, status::created, table, request);
}

asio::awaitable<http::Response> PatchRow(ApiContext& context, http::Request& request,
                                         const http::PathParams& params) {
  auto found = TableOf(context, request, params);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ErrorFor(*error, request);
  core::InteractionTable& table = std::get<core::InteractionTable>(found);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  auto read = ReadRowRequest(std::get<json>(body), /*create=*/false);
  if (auto* error = std::get_if<ApiError>(&read)) co_return ErrorFor(*error, request);
  auto row = RowOf(context, table, params);
  if (auto* error = std::get_if<ApiError>(&row)) co_return ErrorFor(*error, request);
  auto changes = CanonicalRowValues(table, std::get<RowRequest>(read).values);
  if (auto* error = std::get_if<ApiError>(&changes)) co_return ErrorFor(*error, request);

  storage::RowChange change{table, std::get<core::Row>(row).id, std::get<json>(std::move(changes)),
                            context.clock.Now()};
  auto written = co_await AwaitCallback<Result<storage::RowWriteOutcome>>(
      [&](auto done) { context.store.UpdateRow(std::move(change), std::move(done)); });
  co_return RowWritten(written, status::ok, table, request);
}

asio::awaitable<http::Response> GetRow(ApiContext& context, http::Request& request,
                                       const http::PathParams& params) {
  auto found = TableOf(context, request, params);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ErrorFor(*error, request);
  const core::InteractionTable& table = std::get<core::InteractionTable>(found);
  auto row = RowOf(context, table, params);
  if (auto* error = std::get_if<ApiError>(&row)) co_return ErrorFor(*error, request);
  co_return http::JsonResponse(status::ok, RowJson(table, std::get<core::Row>(row)), request);
}

asio::awaitable<http::Response> DeleteRow(ApiContext& context, http::Request& request,
                                          const http::PathParams& params) {
  auto found = TableOf(context, request, params);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ErrorFor(*error, request);
  const core::InteractionTable& table = std::get<core::InteractionTable>(found);
  auto row = RowOf(context, table, params);
  if (auto* error = std::get_if<ApiError>(&row)) co_return ErrorFor(*error, request);
  Status s = co_await AwaitCallback<Status>(
      [&](auto done) { context.store.DeleteRow(table.id, std::get<core::Row>(row).id, std::move(done)); });
  if (!s.ok()) co_return ErrorFor(FromRowStatus(s), request);
  co_return http::JsonResponse(status::no_content, json(), request);
}

// GET …/rows?profile=<key>: the profile's rows (every row without it), oldest first, with limit and cursor.
asio::awaitable<http::Response> ListRows(ApiContext& context, http::Request& request,
                                         const http::PathParams& params) {
  auto read = ReadListRequest(context, request, params);
  if (auto* error = std::get_if<ApiError>(&read)) co_return ErrorFor(*error, request);
  const auto& [table, query_params, page] = std::get<ListRequest>(read);

  std::string profile_id;
  if (auto key = query_params.Get("profile")) {
    auto lookup = ProfileLookupOf(context, table, *key);
    if (auto* error = std::get_if<ApiError>(&lookup)) co_return ErrorFor(*error, request);
    const profiles::ProfileLookup& wanted = std::get<profiles::ProfileLookup>(lookup);
    auto profile = context.store.FindProfile(table.profile_table_id, wanted.attribute, wanted.text());
    if (!profile.ok()) {
      co_return ErrorFor(profile.status().code() == Code::kNotFound ? UnknownProfile(table.profile_table)
                                                                    : FromStatus(profile.status()),
                         request);
    }
    profile_id = profile->id;
  }
  auto rows = context.store.ListRows(table.id, profile_id, page.cursor, page.limit);
  if (!rows.ok()) co_return ErrorFor(FromStatus(rows.status()), request);
  json list = json::array();
  for (const core::Row& row : rows->rows) list.push_back(RowJson(table, row));
  co_return http::JsonResponse(
      status::ok, {{"rows", std::move(list)}, {"next_cursor", CursorJson(rows->next_cursor)}}, request);
}

// GET …/events?after=<cursor>&limit=N: the change feed, oldest first. next_cursor is where to read on
// from (the last event's id, or `after` itself when nothing new came); has_more says more are waiting.
asio::awaitable<http::Response> ListEvents(ApiContext& context, http::Request& request,
                                           const http::PathParams& params) {
  auto read = ReadListRequest(context, request, params);
  if (auto* error = std::get_if<ApiError>(&read)) co_return ErrorFor(*error, request);
  const auto& [table, query_params, page] = std::get<ListRequest>(read);
  int64_t after = 0;
  const std::string_view after_text = query_params.Get("after").value_or("");
  if (!after_text.empty()) {
    auto [end, ec] = std::from_chars(after_text.data(), after_text.data() + after_text.size(), after);
    if (ec != std::errc() || end != after_text.data() + after_text.size() || after < 0)
      co_return ErrorFor(
          ApiError::Invalid("invalid_value", "after is a cursor from an earlier answer", "after"), request);
  }
  auto events = context.store.ListRowEvents(table.id, after, page.limit);
  if (!events.ok()) co_return ErrorFor(FromStatus(events.status()), request);
  json list = json::array();
  for (const core::RowEvent& event : events->events) list.push_back(RowEventJson(table, event));
  std::string next =
      events->events.empty() ? std::string(after_text) : std::to_string(events->events.back().id);
  co_return http::JsonResponse(
      status::ok,
      {{"events", std::move(list)}, {"next_cursor", CursorJson(next)}, {"has_more", events->more}}, request);
}

}  // namespace

void AddTableRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::post, "/v1/tables",
             [&context](http::Request& r, const http::PathParams&) { return CreateTable(context, r); });
  router.Add(verb::get, "/v1/tables",
             [&context](http::Request& r, const http::PathParams&) { return ListTables(context, r); });
  router.Add(verb::get, "/v1/tables/{table}",
             [&context](http::Request& r, const http::PathParams& p) { return GetTable(context, r, p); });
  router.Add(verb::delete_, "/v1/tables/{table}",
             [&context](http::Request& r, const http::PathParams& p) { return DeleteTable(context, r, p); });
  router.Add(verb::post, "/v1/tables/{table}/rows",
             [&context](http::Request& r, const http::PathParams& p) { return CreateRow(context, r, p); });
  router.Add(verb::get, "/v1/tables/{table}/rows",
             [&context](http::Request& r, const http::PathParams& p) { return ListRows(context, r, p); });
  router.Add(verb::get, "/v1/tables/{table}/rows/{row}",
             [&context](http::Request& r, const http::PathParams& p) { return GetRow(context, r, p); });
  router.Add(verb::patch, "/v1/tables/{table}/rows/{row}",
             [&context](http::Request& r, const http::PathParams& p) { return PatchRow(context, r, p); });
  router.Add(verb::delete_, "/v1/tables/{table}/rows/{row}",
             [&context](http::Request& r, const http::PathParams& p) { return DeleteRow(context, r, p); });
  router.Add(verb::get, "/v1/tables/{table}/events",
             [&context](http::Request& r, const http::PathParams& p) { return ListEvents(context, r, p); });
}

}  // namespace herald::api
