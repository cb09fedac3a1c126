#include "core/stats.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace herald::core {
namespace {

constexpr std::array<std::string_view, kStatsCounterCount> kNames = {
    "sent",          "delivered", "deferred",       "soft_bounced", "hard_bounced", "opened",
    "unique_opened", "clicked",   "unique_clicked", "complained",   "suppressed",
};

double Rate(int64_t part, int64_t whole) { return whole == 0 ? 0.0 : static_cast<double>(part) / whole; }

bool IsHardBounce(const Event& event) {
  const auto bounce = event.details.find("bounce");
  return bounce != event.details.end() && bounce->is_object() && bounce->value("type", "") == "hard";
}

}  // namespace

std::string_view ToString(StatsCounter counter) { return kNames[static_cast<size_t>(counter)]; }

StatsCounters& StatsCounters::operator+=(const StatsCounters& other) {
  for (int i = 0; i < kStatsCounterCount; ++i) values[i] += other.values[i];
  return *this;
}

nlohmann::json StatsCounters::ToJson() const {
  nlohmann::json out = nlohmann::json::object();
  for (int i = 0; i < kStatsCounterCount; ++i) out[std::string(kNames[i])] = values[i];
  const StatsCounters& c = *this;
  const int64_t sent = c[StatsCounter::kSent];
  const int64_t delivered = c[StatsCounter::kDelivered];
  const int64_t bounced = c[StatsCounter::kSoftBounced] + c[StatsCounter::kHardBounced];
  out["rates"] = {
      {"delivery_rate", Rate(delivered, sent)},
      {"bounce_rate", Rate(bounced, sent)},
      {"hard_bounce_rate", Rate(c[StatsCounter::kHardBounced], sent)},
      {"open_rate", Rate(c[StatsCounter::kUniqueOpened], delivered)},
      {"click_rate", Rate(c[StatsCounter::kUniqueClicked], delivered)},
      {"complaint_rate", Rate(c[StatsCounter::kComplained], delivered)},
  };
  return out;
}

std::vector<StatsCounter> CountersMovedBy(const Event& event, bool first_of_kind) {
  switch (event.type) {
    case EventType::kSent: return {StatsCounter::kSent};
    case EventType::kDelivered: return {StatsCounter::kDelivered};
    case EventType::kDeferred: return {StatsCounter::kDeferred};
    case EventType::kBounced:
      return {IsHardBounce(event) ? StatsCounter::kHardBounced : StatsCounter::kSoftBounced};
    case EventType::kFailed:
      if (IsHardBounce(event)) return {StatsCounter::kHardBounced};
      return {};
    case EventType::kOpened:
      if (first_of_kind) return {StatsCounter::kOpened, StatsCounter::kUniqueOpened};
      return {StatsCounter::kOpened};
    case EventType::kClicked:
      if (first_of_kind) return {StatsCounter::kClicked, StatsCounter::kUniqueClicked};
      return {StatsCounter::kClicked};
    case EventType::kComplained: return {StatsCounter::kComplained};
    case EventType::kSuppressed: return {StatsCounter::kSuppressed};
    case EventType::kQueued:
    case EventType::kRejected:
    case EventType::kCancelled: return {};
  }
  return {};
}

int64_t DayOf(TimePoint t) {
  return std::chrono::floor<std::chrono::days>(t).time_since_epoch().count();
}

std::string FormatDay(int64_t day) {
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::optional<StatsGrouping> ParseStatsGrouping(std::string_view text) {
  if (text == "day") return StatsGrouping::kDay;
  if (text == "campaign") return StatsGrouping::kCampaign;
  if (text == "domain") return StatsGrouping::kDomain;
  return std::nullopt;
}

}  // namespace herald::core
