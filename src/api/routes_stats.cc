// Statistics: GET /v1/stats?from=&to=&campaign=&domain=&group_by=day|campaign|domain — the caller's
// counters (core/stats.h) summed over whole UTC days, current as soon as each event is stored.
#include <chrono>

#include "api/request_context.h"
#include "api/routes.h"
#include "base/time_format.h"
#include "core/address.h"
#include "core/stats.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

// Without `from`, the 30 days that end with `to`.
constexpr int64_t kDefaultDays = 30;

// A day given as "YYYY-MM-DD" or as an RFC 3339 time (its UTC day).
std::optional<int64_t> ParseDay(std::string_view text) {
  std::optional<TimePoint> t = ParseDateOrTime(text);
  if (!t) return std::nullopt;
  return core::DayOf(*t);
}

std::string_view GroupName(core::StatsGrouping grouping) {
  switch (grouping) {
    case core::StatsGrouping::kDay: return "day";
    case core::StatsGrouping::kCampaign: return "campaign";
    case core::StatsGrouping::kDomain: return "domain";
    case core::StatsGrouping::kNone: break;
  }
  return "";
}

std::variant<core::StatsQuery, ApiError> ReadStatsQuery(const http::QueryParams& params, std::string account_id,
                                                        TimePoint now) {
  core::StatsQuery query;
  query.account_id = std::move(account_id);
  query.to_day = core::DayOf(now);
  if (auto to = params.Get("to")) {
    std::optional<int64_t> day = ParseDay(*to);
    if (!day) return ApiError::Invalid("invalid_value", "to must be a date (YYYY-MM-DD) or an RFC 3339 time", "to");
    query.to_day = *day;
  }
  query.from_day = query.to_day - (kDefaultDays - 1);
  if (auto from = params.Get("from")) {
    std::optional<int64_t> day = ParseDay(*from);
    if (!day)
      return ApiError::Invalid("invalid_value", "from must be a date (YYYY-MM-DD) or an RFC 3339 time", "from");
    query.from_day = *day;
  }
  if (query.from_day > query.to_day) return ApiError::Invalid("invalid_value", "from is after to", "from");
  if (auto campaign = params.Get("campaign")) query.campaign = std::string(*campaign);
  if (auto domain = params.Get("domain")) query.domain = core::AsciiLower(*domain);
  if (auto group_by = params.Get("group_by")) {
    std::optional<core::StatsGrouping> grouping = core::ParseStatsGrouping(*group_by);
    if (!grouping) return ApiError::Invalid("invalid_value", "group_by must be day, campaign or domain", "group_by");
    query.group_by = *grouping;
  }
  return query;
}

json ReportJson(const core::StatsQuery& query, const core::StatsReport& report) {
  json groups = json::array();
  for (const core::StatsGroup& group : report.groups) {
    json entry = group.counters.ToJson();
    entry[std::string(GroupName(query.group_by))] = group.key;
    groups.push_back(std::move(entry));
  }
  return {{"from", core::FormatDay(query.from_day)},
          {"to", core::FormatDay(query.to_day)},
          {"campaign", query.campaign.empty() ? json(nullptr) : json(query.campaign)},
          {"domain", query.domain.empty() ? json(nullptr) : json(query.domain)},
          {"group_by", query.group_by == core::StatsGrouping::kNone ? json(nullptr)
                                                                   : json(GroupName(query.group_by))},
          {"totals", report.totals.ToJson()},
          {"groups", std::move(groups)}};
}

asio::awaitable<http::Response> GetStats(ApiContext& context, http::Request& request) {
  auto principal = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&principal)) co_return ErrorFor(*error, request);
  auto params = ReadQuery(request);
  if (auto* error = std::get_if<ApiError>(&params)) co_return ErrorFor(*error, request);
  auto query = ReadStatsQuery(std::get<http::QueryParams>(params), std::get<Principal>(principal).account_id,
                              context.clock.Now());
  if (auto* error = std::get_if<ApiError>(&query)) co_return ErrorFor(*error, request);
  const core::StatsQuery& stats_query = std::get<core::StatsQuery>(query);
  auto report = context.store.GetStats(stats_query);
  if (!report.ok()) co_return ErrorFor(FromStatus(report.status()), request);
  co_return http::JsonResponse(status::ok, ReportJson(stats_query, *report), request);
}

}  // namespace

void AddStatsRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::get, "/v1/stats",
             [&context](http::Request& r, const http::PathParams&) { return GetStats(context, r); });
}

}  // namespace herald::api
