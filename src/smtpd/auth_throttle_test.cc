#include "smtpd/auth_throttle.h"

#include <gtest/gtest.h>

namespace herald::smtpd {
namespace {

TEST(AuthThrottleTest, BlocksAtTheLimitUntilTheOldestFailureAgesOut) {
  ManualClock clock(TimePoint(std::chrono::hours(500000)));
  AuthThrottle throttle(clock, 3, Duration(60'000));
  throttle.RecordFailure("192.0.2.1");
  clock.Advance(Duration(10'000));
  throttle.RecordFailure("192.0.2.1");
  EXPECT_FALSE(throttle.Blocked("192.0.2.1"));
  throttle.RecordFailure("192.0.2.1");
  EXPECT_TRUE(throttle.Blocked("192.0.2.1"));
  EXPECT_FALSE(throttle.Blocked("192.0.2.2")) << "other addresses are not affected";

  clock.Advance(Duration(49'999));
  EXPECT_TRUE(throttle.Blocked("192.0.2.1"));
  clock.Advance(Duration(1));  // the first failure is 60 s old
  EXPECT_FALSE(throttle.Blocked("192.0.2.1"));
  throttle.RecordFailure("192.0.2.1");
  EXPECT_TRUE(throttle.Blocked("192.0.2.1"));
}

TEST(AuthThrottleTest, FailuresBeyondTheLimitDoNotExtendTheBlockForever) {
  ManualClock clock(TimePoint(std::chrono::hours(500000)));
  AuthThrottle throttle(clock, 2, Duration(1'000));
  for (int i = 0; i < 50; ++i) throttle.RecordFailure("198.51.100.7");
  EXPECT_TRUE(throttle.Blocked("198.51.100.7"));
  clock.Advance(Duration(1'000));
  EXPECT_FALSE(throttle.Blocked("198.51.100.7"));
}

TEST(AuthThrottleTest, BoundedMemoryForgetsTheStalestAddressFirst) {
  ManualClock clock(TimePoint(std::chrono::hours(500000)));
  AuthThrottle throttle(clock, 1, Duration(60'000), 2);
  throttle.RecordFailure("a");
  clock.Advance(Duration(1));
  throttle.RecordFailure("b");
  clock.Advance(Duration(1));
  throttle.RecordFailure("c");  // full: "a" goes
  EXPECT_FALSE(throttle.Blocked("a"));
  EXPECT_TRUE(throttle.Blocked("b"));
  EXPECT_TRUE(throttle.Blocked("c"));
}

}  // namespace
}  // namespace herald::smtpd
