// Sending statistics (DESIGN §1, event): counters kept per account, UTC day, campaign and sending
// domain, moved by each event as it is stored, so that a statistic is current as soon as its event is
// and a query sums a few counter rows instead of reading the event log.
//
// What each counter counts:
//   sent            `sent` events: messages whose first delivery attempt began
//   delivered       `delivered` events
//   deferred        `deferred` events (each temporary failure, so a message may count several times)
//   soft_bounced    `bounced` events of type soft
//   hard_bounced    `bounced` events of type hard, and `failed` ones that carry a hard bounce (gave up
//                   on the recipient's servers after the maximum age)
//   opened/clicked  every `opened` / `clicked` event; unique_opened/unique_clicked: a message's first
//   complained      `complained` events
//   suppressed      `suppressed` events: messages not sent because the address is suppressed
//
// Thread-safety: plain values. Untrusted input: none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/message.h"

namespace herald::core {

enum class StatsCounter {
  kSent, kDelivered, kDeferred, kSoftBounced, kHardBounced, kOpened, kUniqueOpened,
  kClicked, kUniqueClicked, kComplained, kSuppressed,
};
inline constexpr int kStatsCounterCount = 11;

// The counter's name in the API and its column in the store: "sent", "unique_opened", …
std::string_view ToString(StatsCounter counter);

struct StatsCounters {
  int64_t values[kStatsCounterCount] = {};

  int64_t& operator[](StatsCounter c) { return values[static_cast<int>(c)]; }
  int64_t operator[](StatsCounter c) const { return values[static_cast<int>(c)]; }
  StatsCounters& operator+=(const StatsCounters& other);
  // Every counter by name, then the rates: delivery_rate, bounce_rate (soft and hard) and
  // hard_bounce_rate of sent; open_rate, click_rate (unique) and complaint_rate of delivered. A rate
  // whose base is zero is 0.
  nlohmann::json ToJson() const;
};

// The counters one event moves (none for queued, cancelled, rejected and most others). `first_of_kind`
// says whether it is the message's first event of its type (for the unique opens and clicks).
std::vector<StatsCounter> CountersMovedBy(const Event& event, bool first_of_kind);

// A UTC day as days since 1970-01-01, and back as "YYYY-MM-DD".
int64_t DayOf(TimePoint t);
std::string FormatDay(int64_t day);

enum class StatsGrouping { kNone, kDay, kCampaign, kDomain };
std::optional<StatsGrouping> ParseStatsGrouping(std::string_view text);  // "day", "campaign", "domain"

struct StatsQuery {
  std::string account_id;
  int64_t from_day = 0;  // inclusive, DayOf
  int64_t to_day = 0;    // inclusive
  std::string campaign;  // empty: every campaign
  std::string domain;    // a sending domain, lowercased; empty: every domain
  StatsGrouping group_by = StatsGrouping::kNone;
};

struct StatsGroup {
  std::string key;  // the day ("YYYY-MM-DD"), campaign key ("" for messages without one) or domain
  StatsCounters counters;
};

struct StatsReport {
  StatsCounters totals;
  std::vector<StatsGroup> groups;  // by key; empty when not grouped
};

}  // namespace herald::core
