#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "queue/backoff.h"
#include "queue/ready_queue.h"
#include "queue/scheduled_queue.h"

namespace herald::queue {
namespace {

const TimePoint kStart = FromUnixMillis(1'700'000'000'000);

TEST(Backoff, DoublesUpToTheCeilingWithBoundedSpread) {
  RetryPolicy policy{Duration(60'000), Duration(4 * 3'600'000), Duration(5 * 86'400'000LL)};
  int64_t expected = 60'000;
  for (int attempts = 1; attempts <= 12; ++attempts) {
    auto next = NextAttemptAt(policy, attempts, kStart, kStart);
    ASSERT_TRUE(next.has_value());
    int64_t wait = std::chrono::duration_cast<Duration>(*next - kStart).count();
    EXPECT_GE(wait, expected) << attempts;
    EXPECT_LE(wait, expected + expected / 10) << attempts;
    expected = std::min<int64_t>(expected * 2, 4 * 3'600'000);
  }
}

TEST(Backoff, GivesUpPastTheMaximumAge) {
  RetryPolicy policy{Duration(60'000), Duration(3'600'000), Duration(86'400'000)};
  TimePoint now = kStart + Duration(86'400'000 - 30'000);
  EXPECT_FALSE(NextAttemptAt(policy, 3, kStart, now).has_value());
  EXPECT_TRUE(NextAttemptAt(policy, 3, kStart, kStart).has_value());
}

TEST(ScheduledQueue, ReleasesOnlyDueMessagesEarliestFirst) {
  ScheduledQueue queue;
  queue.Schedule({"c", kStart + Duration(3000), 0, kStart});
  queue.Schedule({"a", kStart + Duration(1000), 0, kStart});
  queue.Schedule({"b", kStart + Duration(2000), 0, kStart});
  EXPECT_EQ(queue.NextDue(), kStart + Duration(1000));
  EXPECT_TRUE(queue.TakeDue(kStart, 10).empty());
  auto due = queue.TakeDue(kStart + Duration(2000), 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].id, "a");
  EXPECT_EQ(due[1].id, "b");
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue.TakeDue(kStart + Duration(9000), 1).size(), 1u);
  EXPECT_FALSE(queue.NextDue().has_value());
}

TEST(ScheduledQueue, WakesTheConsumerOnlyWhenTheHeadMovesEarlier) {
  ScheduledQueue queue;
  int wakeups = 0;
  queue.SetWakeup([&] { ++wakeups; });
  queue.Schedule({"a", kStart + Duration(1000), 0, kStart});
  queue.Schedule({"b", kStart + Duration(5000), 0, kStart});  // later than the head: no wake-up
  queue.Schedule({"c", kStart, 0, kStart});
  EXPECT_EQ(wakeups, 2);
}

TEST(ScheduledQueue, ConcurrentProducersLoseNothing) {
  ScheduledQueue queue;
  std::vector<std::thread> producers;
  for (int t = 0; t < 8; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) queue.Schedule({std::to_string(t * 1000 + i), kStart, 0, kStart});
    });
  }
  for (auto& p : producers) p.join();
  EXPECT_EQ(queue.TakeDue(kStart, 100'000).size(), 8000u);
}

TEST(ReadyQueues, ServeSitesInTurn) {
  ReadyQueues<QueuedMessage> ready;
  for (int i = 0; i < 3; ++i) ready.Push("slow.example", {"s" + std::to_string(i), kStart, 0, kStart});
  ready.Push("fast.example", {"f0", kStart, 0, kStart});
  ready.Push("other.example", {"o0", kStart, 0, kStart});
  std::vector<std::string> order;
  while (auto m = ready.Pop()) order.push_back(m->item.id);
  EXPECT_EQ(order, (std::vector<std::string>{"s0", "f0", "o0", "s1", "s2"}));
  EXPECT_EQ(ready.size(), 0u);
}

TEST(ReadyQueues, ParkedSitesWaitUntilUnparkedWhileOthersAreServed) {
  ReadyQueues<std::string> ready;
  for (int i = 0; i < 3; ++i) ready.Push("busy", "b" + std::to_string(i));
  for (int i = 0; i < 3; ++i) ready.Push("quiet", "q" + std::to_string(i));
  int busy_slots = 1;
  auto may_serve = [&](const std::string& site) { return site != "busy" || busy_slots > 0; };
  std::vector<std::string> order;
  while (auto popped = ready.Pop(may_serve)) {
    if (popped->site == "busy") --busy_slots;
    order.push_back(popped->item);
  }
  // "busy" had one slot: it was served once, then parked; "quiet" was served to the end.
  EXPECT_EQ(order, (std::vector<std::string>{"b0", "q0", "q1", "q2"}));
  EXPECT_EQ(ready.size(), 2u);
  EXPECT_EQ(ready.parked_sites(), 1u);
  EXPECT_FALSE(ready.Pop(may_serve).has_value());

  // Pushing to a parked site does not bring it back; Unpark does, once.
  ready.Push("busy", "b3");
  EXPECT_FALSE(ready.Pop(may_serve).has_value());
  busy_slots = 2;
  ready.Unpark("busy");
  ready.Unpark("busy");
  ready.Unpark("unknown");
  EXPECT_EQ(ready.parked_sites(), 0u);
  order.clear();
  while (auto popped = ready.Pop(may_serve)) {
    --busy_slots;
    order.push_back(popped->item);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready.parked_sites(), 1u);
  busy_slots = 1;
  ready.Unpark("busy");
  auto last = ready.Pop(may_serve);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->item, "b3");
  EXPECT_EQ(ready.size(), 0u);
}

}  // namespace
}  // namespace herald::queue
