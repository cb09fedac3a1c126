// Exports: GET /v1/exports/messages — the caller's messages with their final status as CSV (RFC 4180)
// for a period and filters, read and sent a page at a time (a chunked body), so that an export of any
// size holds one page in memory and the first rows leave at once.
#include <chrono>

#include "api/request_context.h"
#include "api/routes.h"
#include "base/csv_writer.h"
#include "base/log.h"
#include "base/time_format.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

constexpr int kRowsPerPage = 1000;
constexpr std::string_view kHeader =
    "id,created_at,campaign,campaign_version,from,sender_domain,recipient,subject,status,status_at,attempts,tags\r\n";

void AppendRow(std::string& out, const core::MessageRecord& m) {
  std::string tags;
  for (const std::string& tag : m.tags) tags += (tags.empty() ? "" : " ") + tag;
  const std::string fields[] = {
      m.id,
      FormatRfc3339(m.created_at),
      m.campaign,
      m.campaign_version ? std::to_string(*m.campaign_version) : "",
      m.from_header,
      m.sender_domain,
      m.rcpt_to,
      m.subject,
      std::string(core::ToString(m.status)),
      FormatRfc3339(m.updated_at),
      std::to_string(m.attempts),
      tags,
  };
  AppendCsvRecord(out, fields);
}

// A bound of the period: a date (YYYY-MM-DD: that day's start, or for `to` its end) or an RFC 3339 time.
std::optional<TimePoint> ParseBound(std::string_view text, bool end_of_day) {
  std::optional<TimePoint> t = ParseDateOrTime(text);
  if (t && end_of_day && text.size() == 10) *t += std::chrono::days(1);
  return t;
}

std::variant<storage::MessageQuery, ApiError> ReadExportQuery(const http::QueryParams& params,
                                                              std::string account_id) {
  storage::MessageQuery query;
  query.account_id = std::move(account_id);
  query.limit = kRowsPerPage;
  if (auto from = params.Get("from")) {
    query.created_from = ParseBound(*from, false);
    if (!query.created_from)
      return ApiError::Invalid("invalid_value", "from must be a date (YYYY-MM-DD) or an RFC 3339 time", "from");
  }
  if (auto to = params.Get("to")) {
    query.created_to = ParseBound(*to, true);
    if (!query.created_to)
      return ApiError::Invalid("invalid_value", "to must be a date (YYYY-MM-DD) or an RFC 3339 time", "to");
  }
  if (query.created_from && query.created_to && *query.created_from >= *query.created_to)
    return ApiError::Invalid("invalid_value", "from is not before to", "from");
  if (auto wanted = params.Get("status")) {
    query.status = core::ParseMessageStatus(*wanted);
    if (!query.status) return ApiError::Invalid("invalid_value", "unknown status", "status");
  }
  if (auto campaign = params.Get("campaign")) query.campaign = std::string(*campaign);
  if (auto recipient = params.Get("recipient")) query.recipient = std::string(*recipient);
  return query;
}

// The body's pieces: the header line, then one piece per page of messages, newest first.
class MessageRows {
 public:
  MessageRows(storage::Store& store, storage::MessageQuery query) : store_(store), query_(std::move(query)) {}

  Result<std::optional<std::string>> operator()() {
    if (!header_sent_) {
      header_sent_ = true;
      return std::optional<std::string>(kHeader);
    }
    if (finished_) return std::optional<std::string>();
    Result<storage::MessagePage> page = store_.SearchMessages(query_);
    if (!page.ok()) {
      Logger("api")->error("export of account {} cut short: {}", query_.account_id, page.status().ToString());
      return page.status();
    }
    std::string text;
    for (const core::MessageRecord& m : page->messages) AppendRow(text, m);
    finished_ = page->next_cursor.empty();
    query_.cursor = std::move(page->next_cursor);
    return std::optional<std::string>(std::move(text));
  }

 private:
  storage::Store& store_;
  storage::MessageQuery query_;
  bool header_sent_ = false;
  bool finished_ = false;
};

asio::awaitable<http::Response> ExportMessages(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto params = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&params)) co_return ErrorFor(*error, request);
  auto query = ReadExportQuery(std::get<http::QueryParams>(params), std::get<Principal>(principal).account_id);
  if (auto* error = std::get_if<ApiError>(&query)) co_return ErrorFor(*error, request);

  http::Response response(status::ok, request.version());
  response.keep_alive(request.keep_alive());
  response.set(field::content_type, "text/csv; charset=utf-8");
  response.set(field::content_disposition, "attachment; filename=\"messages.csv\"");
  response.body().source = MessageRows(context.store, std::move(std::get<storage::MessageQuery>(query)));
  co_return response;
}

}  // namespace

void AddExportRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::get, "/v1/exports/messages",
             [&context](http::Request& r, const http::PathParams&) { return ExportMessages(context, r); });
}

}  // namespace herald::api
