#include "webhooks/retry.h"

#include <gtest/gtest.h>

namespace herald::webhooks {
namespace {

const TimePoint kFirst = FromUnixMillis(1'700'000'000'000);
const RetryPolicy kPolicy{Duration(10'000), Duration(3'600'000), Duration(86'400'000)};

TEST(Retry, WaitsDoubleWithASmallSpread) {
  for (int n = 1; n <= 5; ++n) {
    const TimePoint now = kFirst + Duration(1'000);
    std::optional<TimePoint> next = NextRetryAt(kPolicy, n, kFirst, now);
    ASSERT_TRUE(next);
    const int64_t wait = std::chrono::duration_cast<Duration>(*next - now).count();
    const int64_t base = 10'000LL << (n - 1);
    EXPECT_GE(wait, base) << n;
    EXPECT_LE(wait, base + base / 10) << n;
  }
}

TEST(Retry, WaitsAtMostTheCeiling) {
  const TimePoint now = kFirst + Duration(60'000);
  std::optional<TimePoint> next = NextRetryAt(kPolicy, 30, kFirst, now);
  ASSERT_TRUE(next);
  const auto wait = std::chrono::duration_cast<Duration>(*next - now).count();
  EXPECT_GE(wait, 3'600'000);
  EXPECT_LE(wait, 3'960'000);
}

TEST(Retry, TheLastAttemptIsAtTheMaximumAgeAndAFailureThenGivesUp) {
  const TimePoint late = kFirst + Duration(86'400'000 - 5'000);
  EXPECT_EQ(NextRetryAt(kPolicy, 20, kFirst, late), kFirst + Duration(86'400'000));
  EXPECT_EQ(NextRetryAt(kPolicy, 21, kFirst, kFirst + Duration(86'400'000)), std::nullopt);
  EXPECT_EQ(NextRetryAt(kPolicy, 2, kFirst, kFirst + Duration(25LL * 3'600'000)), std::nullopt);
}

}  // namespace
}  // namespace herald::webhooks
