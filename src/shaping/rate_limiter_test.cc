#include "shaping/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace herald::shaping {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kStart = FromUnixMillis(1'700'000'000'000);

// Takes from `key` until denied; returns how many were granted.
int Drain(RateLimiter& limiter, const std::string& key) {
  int granted = 0;
  while (limiter.TryAcquire(key)) ++granted;
  return granted;
}

// A scheduler that sleeps exactly retry_after after each denial, for `span` of clock time; returns
// the grants and checks that no denial asks it to wait zero.
int RunScheduler(RateLimiter& limiter, ManualClock& clock, const std::string& key, Duration span) {
  TimePoint end = clock.Now() + span;
  int granted = 0;
  while (clock.Now() <= end) {
    RateDecision decision = limiter.TryAcquire(key);
    if (decision) {
      ++granted;
      continue;
    }
    EXPECT_GE(decision.retry_after, Duration(1));
    clock.Advance(decision.retry_after);
  }
  return granted;
}

TEST(Rate, Validity) {
  EXPECT_TRUE((Rate{10, seconds(1), 5}).IsValid());
  EXPECT_TRUE((Rate{1, hours(24), 1}).IsValid());
  EXPECT_TRUE((Rate{1'000'000, seconds(1), 1'000'000}).IsValid());
  EXPECT_FALSE((Rate{0, seconds(1), 1}).IsValid());
  EXPECT_FALSE((Rate{1, Duration(0), 1}).IsValid());
  EXPECT_FALSE((Rate{1, Duration(-5), 1}).IsValid());
  EXPECT_FALSE((Rate{1, seconds(1), 0}).IsValid());
  EXPECT_FALSE((Rate{1, hours(24), 1'000'000}).IsValid());  // a million days of tolerance
  EXPECT_FALSE((Rate{1, hours(24 * 365 * 200), 1}).IsValid());
}

TEST(RateLimiter, BurstThenOneEveryInterval) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{10, seconds(1), 5});  // one every 100 ms, five at once
  EXPECT_EQ(Drain(limiter, "gmail.com"), 5);
  RateDecision denied = limiter.TryAcquire("gmail.com");
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, milliseconds(100));
  clock.Advance(milliseconds(99));
  denied = limiter.TryAcquire("gmail.com");
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, milliseconds(1));
  clock.Advance(milliseconds(1));
  EXPECT_TRUE(limiter.TryAcquire("gmail.com"));
  EXPECT_FALSE(limiter.TryAcquire("gmail.com"));
}

TEST(RateLimiter, SteadyRateIsExactOverALongRun) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{10, seconds(1), 5});
  // 60 s: the burst of 5, then one per 100 ms (600 more, the last at exactly 60 s).
  EXPECT_EQ(RunScheduler(limiter, clock, "site", seconds(60)), 5 + 600);
}

TEST(RateLimiter, UnevenIntervalNeverExceedsTheRate) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{7, seconds(3), 1});  // one every 428.57… ms
  int granted = RunScheduler(limiter, clock, "site", hours(1));
  EXPECT_LE(granted, 1 + 7 * 1200);
  EXPECT_GE(granted, 7 * 1200 - 7 * 1200 / 400);  // rounding the wait to ms loses < 1 ms per message
}

TEST(RateLimiter, AnyWindowHoldsAtMostBurstPlusRate) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{100, hours(1), 20});
  std::vector<TimePoint> grants;
  // Bursty demand: 50 tries at once every 10 minutes, for 5 hours.
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 50; ++i) {
      if (limiter.TryAcquire("pool")) grants.push_back(clock.Now());
    }
    clock.Advance(std::chrono::minutes(10));
  }
  for (size_t i = 0; i < grants.size(); ++i) {
    size_t in_window = 0;
    for (size_t j = i; j < grants.size() && grants[j] - grants[i] < hours(1); ++j) ++in_window;
    EXPECT_LE(in_window, 20u + 100u) << i;
  }
}

TEST(RateLimiter, LongIdleRestoresTheBurstAndNoMore) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{10, seconds(1), 5});
  EXPECT_EQ(Drain(limiter, "site"), 5);
  clock.Advance(hours(24 * 30));
  EXPECT_EQ(Drain(limiter, "site"), 5);
  clock.Advance(milliseconds(250));  // 2.5 intervals: two more
  EXPECT_EQ(Drain(limiter, "site"), 2);
}

TEST(RateLimiter, ClockSteppingBackGrantsNothingExtra) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{10, seconds(1), 5});
  EXPECT_EQ(Drain(limiter, "site"), 5);
  clock.Advance(milliseconds(-50));
  RateDecision denied = limiter.TryAcquire("site");
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, milliseconds(100));  // a full interval from the stepped-back clock
  EXPECT_EQ(Drain(limiter, "site"), 0);
  // Over the next 10 s of real time: no more than the rate allows from a used-up burst.
  EXPECT_EQ(RunScheduler(limiter, clock, "site", seconds(10)), 100);
}

TEST(RateLimiter, ClockSteppingBackPartwayThroughTheBurst) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{10, seconds(1), 5});
  EXPECT_TRUE(limiter.TryAcquire("site"));
  EXPECT_TRUE(limiter.TryAcquire("site"));
  clock.Advance(milliseconds(-30));
  // Not a fresh burst: the rest of it, less what the 30 ms step back costs (the third message is
  // now 30 ms away).
  EXPECT_EQ(Drain(limiter, "site"), 2);
  EXPECT_EQ(limiter.TryAcquire("site").retry_after, milliseconds(30));
}

TEST(RateLimiter, BigBackwardJumpDoesNotStallTheKey) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{10, seconds(1), 5});
  EXPECT_EQ(Drain(limiter, "site"), 5);
  clock.Advance(hours(-1));
  RateDecision denied = limiter.TryAcquire("site");
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, milliseconds(100));  // not an hour
  clock.Advance(milliseconds(100));
  EXPECT_TRUE(limiter.TryAcquire("site"));
  EXPECT_FALSE(limiter.TryAcquire("site"));
}

TEST(RateLimiter, CheckTakesNothing) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{1, seconds(1), 2});
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Check("site"));
  EXPECT_EQ(limiter.size(), 0u);
  EXPECT_EQ(Drain(limiter, "site"), 2);
  RateDecision check = limiter.Check("site");
  EXPECT_FALSE(check.allowed);
  EXPECT_EQ(check.retry_after, seconds(1));
}

TEST(RateLimiter, KeysAreIndependent) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{1, seconds(1), 3});
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(Drain(limiter, "site" + std::to_string(i)), 3) << i;
  EXPECT_EQ(limiter.size(), 1000u);
  clock.Advance(seconds(1));
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(Drain(limiter, "site" + std::to_string(i)), 1) << i;
}

TEST(RateLimiter, PerKeyRates) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{100, seconds(1), 100});
  Rate strict{1, std::chrono::minutes(1), 2};
  EXPECT_EQ(Drain(limiter, "elsewhere.example"), 100);
  int granted = 0;
  while (limiter.TryAcquire("strict.example", strict)) ++granted;
  EXPECT_EQ(granted, 2);
  RateDecision denied = limiter.TryAcquire("strict.example", strict);
  EXPECT_EQ(denied.retry_after, std::chrono::minutes(1));
}

TEST(RateLimiter, AFasterRateTakesEffectAtOnce) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{1, hours(1), 10});
  EXPECT_EQ(Drain(limiter, "site"), 10);  // ten hours of allowance used
  Rate faster{1, seconds(1), 1};
  EXPECT_EQ(limiter.TryAcquire("site", faster).retry_after, seconds(1));
  clock.Advance(seconds(1));
  EXPECT_TRUE(limiter.TryAcquire("site", faster));
}

TEST(RateLimiter, SubMillisecondIntervalsNeedABurst) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{5000, seconds(1), 5});  // 0.2 ms apart
  EXPECT_EQ(RunScheduler(limiter, clock, "site", seconds(1)), 5000 + 5);
}

TEST(RateLimiter, IdleKeysAreForgottenWithoutLoss) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{1, seconds(10), 2});
  for (int i = 0; i < 500; ++i) EXPECT_TRUE(limiter.TryAcquire("site" + std::to_string(i)));
  EXPECT_TRUE(limiter.TryAcquire("site0"));
  EXPECT_EQ(limiter.size(), 500u);
  clock.Advance(seconds(10));  // every key but site0 is idle again
  EXPECT_EQ(limiter.ForgetIdle(), 499u);
  EXPECT_EQ(limiter.size(), 1u);
  EXPECT_EQ(Drain(limiter, "site0"), 1);  // site0 still remembers its debt
  EXPECT_EQ(Drain(limiter, "site1"), 2);  // a forgotten key has its whole burst, as before
}

TEST(RateLimiter, MemoryStaysBoundedAsKeysComeAndGo) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{1, seconds(1), 1}, 1'000'000);
  // A million distinct keys, 100 per second: about 100 are active at any time.
  size_t largest = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    ASSERT_TRUE(limiter.TryAcquire("k" + std::to_string(i)));
    if (i % 100 == 99) clock.Advance(seconds(1));
    largest = std::max(largest, limiter.size());
  }
  EXPECT_LE(largest, 2048u);  // swept when the table doubles, from 1,024 keys
}

TEST(RateLimiter, AFullTableOfActiveKeysDropsTheKeysNearestIdle) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{1, hours(1), 1}, 100);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(limiter.TryAcquire("k" + std::to_string(i)));
    clock.Advance(seconds(1));
  }
  EXPECT_EQ(limiter.size(), 100u);
  for (int i = 100; i < 10'000; ++i) {
    ASSERT_TRUE(limiter.TryAcquire("k" + std::to_string(i)));
    ASSERT_LE(limiter.size(), 100u);
  }
  // The newest keys were kept; the oldest were dropped first.
  EXPECT_FALSE(limiter.TryAcquire("k9999"));
  EXPECT_TRUE(limiter.TryAcquire("k0"));
}

TEST(RateLimiter, ConcurrentCallersShareOneAllowance) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, Rate{1, hours(1), 1000});
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (limiter.TryAcquire("shared")) ++granted;
        limiter.TryAcquire("own" + std::to_string(i));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(granted.load(), 1000);
}

}  // namespace
}  // namespace herald::shaping
