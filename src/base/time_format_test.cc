#include "base/time_format.h"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(1764070573123)), "2025-11-25T11:36:13.123Z");
}

TEST(Rfc3339, ParsesWhatItFormatsAndOffsets) {
  EXPECT_EQ(ParseRfc3339("2025-11-25T11:36:13.123Z"), FromUnixMillis(1764070573123));
  EXPECT_EQ(ParseRfc3339("2025-11-25T12:36:13+01:00"), FromUnixMillis(1764070573000));
}

TEST(Rfc3339, RejectsMalformedText) {
  for (const char* bad : {"", "2025-11-25", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z",
                          "2025-11-25T11:36:13", "2025-11-25T11:36:13Zjunk", "2025-11-25T11:36:13.Z",
                          "2999-01-01T00:00:00Z" /* past what a TimePoint holds */}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(Durations, ParseUnitsAndRejectNonsense) {
  EXPECT_EQ(ParseDuration("250ms"), Duration(250));
  EXPECT_EQ(ParseDuration("30s"), Duration(30'000));
  EXPECT_EQ(ParseDuration("5m"), Duration(300'000));
  EXPECT_EQ(ParseDuration("4h"), Duration(14'400'000));
  EXPECT_EQ(ParseDuration("5d"), Duration(432'000'000));
  for (const char* bad : {"", "5", "s", "0s", "-1s", "5 s", "5w", "1.5h"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatDuration(Duration(300'000)), "5m");
  EXPECT_EQ(FormatDuration(Duration(1500)), "1500ms");
}

}  // namespace
}  // namespace herald
