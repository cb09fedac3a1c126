// Exports as CSV (RFC 4180), each for a period and filters, read and sent a page at a time (a chunked
// body), so that an export of any size holds one page in memory and the first rows leave at once:
//
//   GET /v1/exports/messages      the caller's messages with their final status
//   GET /v1/exports/suppressions  the caller's suppressed addresses (by default those a hard bounce or
//                                 a complaint put there: the invalid addresses a CRM should drop),
//                                 each with what the recipient's side said
//
// A store failure after the first byte ends the body without its last chunk: the client sees a cut
// transfer, never a short export that looks whole.
#include <algorithm>
#include <chrono>
#include <functional>

#include "api/export_csv.h"
#include "api/request_context.h"
#include "api/routes.h"
#include "base/log.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

constexpr int kRowsPerPage = 1000;
// The suppression sources an export may ask for, and those it gives when it asks for none.
constexpr std::string_view kSuppressionSources[] = {"bounce", "complaint", "manual"};
constexpr std::string_view kDefaultSuppressionSources[] = {"bounce", "complaint"};

// One page of an export: its records as CSV text, and whether more follow.
struct CsvPage {
  std::string text;
  bool more = false;
};

// A chunked body's source: the header line, then the text of each page `read_page` answers, until
// one says no more follow. A failed read ends the body (logged with `what`).
class CsvPages {
 public:
  CsvPages(std::string_view header, std::function<Result<CsvPage>()> read_page, std::string what)
      : header_(header), read_page_(std::move(read_page)), what_(std::move(what)) {}

  Result<std::optional<std::string>> operator()() {
    if (!header_sent_) {
      header_sent_ = true;
      return std::optional<std::string>(header_);
    }
    if (finished_) return std::optional<std::string>();
    Result<CsvPage> page = read_page_();
    if (!page.ok()) {
      Logger("api")->error("{} cut short: {}", what_, page.status().ToString());
      return page.status();
    }
    finished_ = !page->more;
    return std::optional<std::string>(std::move(page->text));
  }

 private:
  std::string header_;
  std::function<Result<CsvPage>()> read_page_;
  std::string what_;
  bool header_sent_ = false;
  bool finished_ = false;
};

http::Response CsvResponse(const http::Request& request, std::string_view filename, CsvPages pages) {
  http::Response response(status::ok, request.version());
  response.keep_alive(request.keep_alive());
  response.set(field::content_type, "text/csv; charset=utf-8");
  response.set(field::content_disposition, "attachment; filename=\"" + std::string(filename) + "\"");
  response.body().source = std::move(pages);
  return response;
}

// A bound of the period: a date (YYYY-MM-DD: that day's start, or for `to` its end) or an RFC 3339 time.
std::optional<TimePoint> ParseBound(std::string_view text, bool end_of_day) {
  std::optional<TimePoint> t = ParseDateOrTime(text);
  if (t && end_of_day && text.size() == 10) *t += std::chrono::days(1);
  return t;
}

struct Period {
  std::optional<TimePoint> from;
  std::optional<TimePoint> to;
};

std::variant<Period, ApiError> ReadPeriod(const http::QueryParams& params) {
  Period period;
  if (auto from = params.Get("from")) {
    period.from = ParseBound(*from, false);
    if (!period.from)
      return ApiError::Invalid("invalid_value", "from must be a date (YYYY-MM-DD) or an RFC 3339 time",
                               "from");
  }
  if (auto to = params.Get("to")) {
    period.to = ParseBound(*to, true);
    if (!period.to)
      return ApiError::Invalid("invalid_value", "to must be a date (YYYY-MM-DD) or an RFC 3339 time", "to");
  }
  if (period.from && period.to && *period.from >= *period.to)
    return ApiError::Invalid("invalid_value", "from is not before to", "from");
  return period;
}

std::variant<storage::MessageQuery, ApiError> ReadMessageExportQuery(const http::QueryParams& params,
                                                                     std::string account_id) {
  auto period = ReadPeriod(params);
  if (auto* error = std::get_if<ApiError>(&period)) return *error;
  storage::MessageQuery query;
  query.account_id = std::move(account_id);
  query.limit = kRowsPerPage;
  query.created_from = std::get<Period>(period).from;
  query.created_to = std::get<Period>(period).to;
  if (auto wanted = params.Get("status")) {
    query.status = core::ParseMessageStatus(*wanted);
    if (!query.status) return ApiError::Invalid("invalid_value", "unknown status", "status");
  }
  if (auto campaign = params.Get("campaign")) query.campaign = std::string(*campaign);
  if (auto recipient = params.Get("recipient")) query.recipient = std::string(*recipient);
  return query;
}

// `source`: a comma-separated list of bounce, complaint and manual (each once), or "all".
std::variant<std::vector<std::string>, ApiError> ReadSources(std::optional<std::string_view> text) {
  std::vector<std::string> sources;
  if (!text) {
    for (std::string_view source : kDefaultSuppressionSources) sources.emplace_back(source);
    return sources;
  }
  if (*text == "all") return sources;  // no filter
  const ApiError bad = ApiError::Invalid(
      "invalid_value", "source is all, or a comma-separated list of bounce, complaint and manual", "source");
  std::string_view rest = *text;
  for (;;) {
    const size_t comma = rest.find(',');
    const std::string_view source = rest.substr(0, comma);
    if (std::find(std::begin(kSuppressionSources), std::end(kSuppressionSources), source) ==
            std::end(kSuppressionSources) ||
        std::find(sources.begin(), sources.end(), source) != sources.end())
      return bad;
    sources.emplace_back(source);
    if (comma == std::string_view::npos) return sources;
    rest.remove_prefix(comma + 1);
  }
}

std::variant<storage::SuppressionExportQuery, ApiError> ReadSuppressionExportQuery(
    const http::QueryParams& params, std::string account_id) {
  auto period = ReadPeriod(params);
  if (auto* error = std::get_if<ApiError>(&period)) return *error;
  auto sources = ReadSources(params.Get("source"));
  if (auto* error = std::get_if<ApiError>(&sources)) return *error;
  storage::SuppressionExportQuery query;
  query.account_id = std::move(account_id);
  query.limit = kRowsPerPage;
  query.created_from = std::get<Period>(period).from;
  query.created_to = std::get<Period>(period).to;
  query.sources = std::move(std::get<std::vector<std::string>>(sources));
  if (auto reason = params.Get("reason")) {
    if (reason->empty()) return ApiError::Invalid("invalid_value", "reason must not be empty", "reason");
    query.reason = std::string(*reason);
  }
  return query;
}

asio::awaitable<http::Response> ExportMessages(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto params = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&params)) co_return ErrorFor(*error, request);
  auto parsed =
      ReadMessageExportQuery(std::get<http::QueryParams>(params), std::get<Principal>(principal).account_id);
  if (auto* error = std::get_if<ApiError>(&parsed)) co_return ErrorFor(*error, request);

  std::string what = "export of the messages of account " + std::get<Principal>(principal).account_id;
  storage::MessageQuery first_page = std::move(std::get<storage::MessageQuery>(parsed));
  auto read_page = [&store = context.store, query = std::move(first_page)]() mutable -> Result<CsvPage> {
    Result<storage::MessagePage> page = store.SearchMessages(query);
    if (!page.ok()) return page.status();
    CsvPage csv;
    for (const core::MessageRecord& m : page->messages) AppendMessageRecord(csv.text, m);
    csv.more = !page->next_cursor.empty();
    query.cursor = std::move(page->next_cursor);
    return csv;
  };
  co_return CsvResponse(request, "messages.csv",
                        CsvPages(kMessagesCsvHeader, std::move(read_page), std::move(what)));
}

asio::awaitable<http::Response> ExportSuppressions(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto params = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&params)) co_return ErrorFor(*error, request);
  auto parsed = ReadSuppressionExportQuery(std::get<http::QueryParams>(params),
                                           std::get<Principal>(principal).account_id);
  if (auto* error = std::get_if<ApiError>(&parsed)) co_return ErrorFor(*error, request);

  std::string what = "export of the suppressions of account " + std::get<Principal>(principal).account_id;
  storage::SuppressionExportQuery first_page = std::move(std::get<storage::SuppressionExportQuery>(parsed));
  auto read_page = [&store = context.store, query = std::move(first_page)]() mutable -> Result<CsvPage> {
    Result<storage::SuppressionExportPage> page = store.ExportSuppressions(query);
    if (!page.ok()) return page.status();
    CsvPage csv;
    for (const storage::SuppressionExportRow& row : page->rows) AppendSuppressionRecord(csv.text, row);
    csv.more = !page->next_cursor.empty();
    query.cursor = std::move(page->next_cursor);
    return csv;
  };
  co_return CsvResponse(request, "suppressions.csv",
                        CsvPages(kSuppressionsCsvHeader, std::move(read_page), std::move(what)));
}

}  // namespace

void AddExportRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::get, "/v1/exports/messages",
             [&context](http::Request& r, const http::PathParams&) { return ExportMessages(context, r); });
  router.Add(verb::get, "/v1/exports/suppressions", [&context](http::Request& r, const http::PathParams&) {
    return ExportSuppressions(context, r);
  });
}

}  // namespace herald::api
