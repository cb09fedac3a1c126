#include "shaping/concurrency_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace herald::shaping {
namespace {

using Lease = ConcurrencyLimiter::Lease;

TEST(ConcurrencyLimiter, PerKeyLimit) {
  ConcurrencyLimiter limiter(10, 2);
  auto a = limiter.TryAcquire("gmail.com");
  auto b = limiter.TryAcquire("gmail.com");
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(limiter.HasFreeSlot("gmail.com"));
  EXPECT_FALSE(limiter.TryAcquire("gmail.com"));
  EXPECT_TRUE(limiter.HasFreeSlot("yahoo.com"));
  EXPECT_EQ(limiter.InUse("gmail.com"), 2u);
  EXPECT_EQ(limiter.InUse(), 2u);
  EXPECT_EQ(a->key(), "gmail.com");
  a.reset();  // the lease gives its slot back
  EXPECT_TRUE(limiter.HasFreeSlot("gmail.com"));
  EXPECT_EQ(limiter.InUse("gmail.com"), 1u);
}

TEST(ConcurrencyLimiter, TotalLimit) {
  ConcurrencyLimiter limiter(3, 2);
  std::vector<Lease> leases;
  for (const char* key : {"a", "a", "b"}) {
    auto lease = limiter.TryAcquire(key);
    ASSERT_TRUE(lease) << key;
    leases.push_back(std::move(*lease));
  }
  EXPECT_FALSE(limiter.HasFreeSlot("c"));
  EXPECT_FALSE(limiter.TryAcquire("c"));
  leases.front().Release();
  EXPECT_FALSE(leases.front().held());
  leases.front().Release();  // twice does nothing
  EXPECT_EQ(limiter.InUse(), 2u);
  EXPECT_TRUE(limiter.TryAcquire("c"));
}

TEST(ConcurrencyLimiter, OneKeyMayTakeTheWholeTotal) {
  // Documented: no fairness here; a per-key limit at the total lets one key take everything.
  ConcurrencyLimiter limiter(4, 4);
  std::vector<Lease> leases;
  for (int i = 0; i < 4; ++i) leases.push_back(std::move(*limiter.TryAcquire("busy")));
  EXPECT_FALSE(limiter.HasFreeSlot("quiet"));
}

TEST(ConcurrencyLimiter, PerKeyOverride) {
  ConcurrencyLimiter limiter(100, 2);
  std::vector<Lease> leases;
  for (int i = 0; i < 5; ++i) {
    auto lease = limiter.TryAcquire("big.example", 5);
    ASSERT_TRUE(lease);
    leases.push_back(std::move(*lease));
  }
  EXPECT_FALSE(limiter.HasFreeSlot("big.example", 5));
  EXPECT_FALSE(limiter.TryAcquire("big.example"));  // over the default of 2 as well
  EXPECT_TRUE(limiter.HasFreeSlot("big.example", ConcurrencyLimiter::kUnlimited));
}

TEST(ConcurrencyLimiter, LimitsAreAtLeastOne) {
  ConcurrencyLimiter limiter(0, 0);
  auto lease = limiter.TryAcquire("a", 0);
  ASSERT_TRUE(lease);
  EXPECT_FALSE(limiter.TryAcquire("b"));
}

TEST(ConcurrencyLimiter, LeasesMoveAndReleaseOnce) {
  ConcurrencyLimiter limiter(5, 5);
  Lease first = std::move(*limiter.TryAcquire("a"));
  Lease second(std::move(first));
  EXPECT_FALSE(first.held());  // NOLINT(clang-analyzer-cplusplus.Move,bugprone-use-after-move): on purpose
  EXPECT_TRUE(second.held());
  EXPECT_EQ(limiter.InUse(), 1u);
  Lease third = std::move(*limiter.TryAcquire("b"));
  third = std::move(second);  // releases b's slot, takes over a's
  EXPECT_EQ(limiter.InUse("b"), 0u);
  EXPECT_EQ(limiter.InUse("a"), 1u);
  EXPECT_EQ(limiter.InUse(), 1u);
  third = Lease();
  EXPECT_EQ(limiter.InUse(), 0u);
  EXPECT_EQ(limiter.KeysInUse(), 0u);  // keys without slots are forgotten
}

TEST(ConcurrencyLimiter, ReleaseCallsBack) {
  ConcurrencyLimiter limiter(5, 5);
  std::vector<std::string> freed;
  limiter.SetOnRelease([&](std::string_view key) {
    freed.emplace_back(key);
    EXPECT_TRUE(limiter.HasFreeSlot(key));  // called outside the lock, after the release
  });
  {
    auto a = limiter.TryAcquire("a");
    auto b = limiter.TryAcquire("b");
  }
  EXPECT_EQ(freed, (std::vector<std::string>{"b", "a"}));
}

TEST(ConcurrencyLimiter, ConcurrentUseNeverExceedsTheLimits) {
  ConcurrencyLimiter limiter(6, 2);
  std::atomic<int> total{0};
  std::atomic<int> peak_total{0};
  std::atomic<int> per_key[4] = {};
  std::atomic<bool> over_key_limit{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20'000; ++i) {
        int k = (t + i) % 4;
        auto lease = limiter.TryAcquire("site" + std::to_string(k));
        if (!lease) continue;
        if (++per_key[k] > 2) over_key_limit = true;
        int now = ++total;
        int peak = peak_total.load();
        while (now > peak && !peak_total.compare_exchange_weak(peak, now)) {
        }
        --per_key[k];
        --total;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_FALSE(over_key_limit.load());
  EXPECT_LE(peak_total.load(), 6);
  EXPECT_EQ(limiter.InUse(), 0u);
  EXPECT_EQ(limiter.KeysInUse(), 0u);
}

}  // namespace
}  // namespace herald::shaping
