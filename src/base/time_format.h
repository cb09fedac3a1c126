// RFC 3339 timestamps (UTC, millisecond precision) and human durations ("90s", "5m", "4h", "5d").
//
// Thread-safety: pure functions. Untrusted input: the parsers accept any text and reject what is
// not exactly of their form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace herald {

// "2026-11-25T11:36:13.123Z"
std::string FormatRfc3339(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)", years up to 2261 (what a TimePoint holds).
std::optional<TimePoint> ParseRfc3339(std::string_view text);

// "250ms", "30s", "5m", "4h", "5d" (one number, one unit). Zero and negative values are refused.
std::optional<Duration> ParseDuration(std::string_view text);
// The shortest exact form ParseDuration reads back: 300000 ms → "5m".
std::string FormatDuration(Duration d);

}  // namespace herald
