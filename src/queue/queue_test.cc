#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include "queue/backoff.h"
#include "queue/ready_queue.h"
#include "queue/scheduled_queue.h"
#include "queue/slot_index.h"

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

TEST(ScheduledQueue, FindsRemovesAndHurriesMessagesById) {
  ScheduledQueue queue;
  int wakeups = 0;
  queue.SetWakeup([&] { ++wakeups; });
  for (int i = 0; i < 10; ++i) {
    queue.Schedule({"m" + std::to_string(i), kStart + Duration(1000 * (i + 1)), i % 2, kStart, "example.com"});
  }
  EXPECT_EQ(wakeups, 1);
  EXPECT_TRUE(queue.Contains("m4"));
  EXPECT_FALSE(queue.Contains("m10"));

  auto removed = queue.Remove("m4");
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->id, "m4");
  EXPECT_EQ(removed->due, kStart + Duration(5000));
  EXPECT_EQ(removed->domain, "example.com");
  EXPECT_FALSE(queue.Contains("m4"));
  EXPECT_FALSE(queue.Remove("m4").has_value());
  EXPECT_EQ(queue.size(), 9u);

  // Retry now: m8 becomes due at once and is the head, which wakes the consumer.
  EXPECT_TRUE(queue.MakeDue("m8", kStart));
  EXPECT_EQ(wakeups, 2);
  EXPECT_EQ(queue.NextDue(), kStart);
  EXPECT_TRUE(queue.MakeDue("m8", kStart + Duration(500)));  // already due earlier: stays
  EXPECT_EQ(queue.NextDue(), kStart);
  EXPECT_FALSE(queue.MakeDue("m4", kStart));
  EXPECT_EQ(wakeups, 2);

  auto due = queue.TakeDue(kStart + Duration(3000), 100);
  std::vector<std::string> ids;
  for (const QueuedMessage& m : due) ids.push_back(m.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"m8", "m0", "m1", "m2"}));
  EXPECT_EQ(queue.size(), 5u);
}

TEST(ScheduledQueue, SchedulingAWaitingIdReplacesIt) {
  ScheduledQueue queue;
  queue.Schedule({"a", kStart + Duration(5000), 0, kStart, "one.example", "transactional"});
  queue.Schedule({"a", kStart + Duration(1000), 2, kStart, "two.example", "marketing"});
  EXPECT_EQ(queue.size(), 1u);
  auto counts = queue.CountByDomain();
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].domain, "two.example");
  EXPECT_EQ((std::pair{counts[0].queued, counts[0].deferred}), (std::pair<size_t, size_t>{0, 1}));
  auto due = queue.TakeDue(kStart + Duration(1000), 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].attempts, 2);
  EXPECT_EQ(due[0].pool, "marketing");
}

TEST(ScheduledQueue, CountsByDomainNeverAttemptedAndDeferred) {
  ScheduledQueue queue;
  for (int i = 0; i < 6; ++i) queue.Schedule({"a" + std::to_string(i), kStart, i < 2 ? 0 : 3, kStart, "a.example"});
  queue.Schedule({"b0", kStart, 0, kStart, "b.example"});
  auto counts = queue.CountByDomain();
  std::map<std::string, std::pair<size_t, size_t>> by_domain;
  for (const DomainCount& c : counts) by_domain[c.domain] = {c.queued, c.deferred};
  EXPECT_EQ(by_domain, (std::map<std::string, std::pair<size_t, size_t>>{{"a.example", {2, 4}},
                                                                         {"b.example", {1, 0}}}));
  queue.Remove("b0");
  queue.TakeDue(kStart, 100);
  EXPECT_TRUE(queue.CountByDomain().empty());
}

TEST(ScheduledQueue, KeepsEveryFieldIncludingLongIds) {
  ScheduledQueue queue;
  const std::string long_id(200, 'x');
  const TimePoint created = kStart - Duration(86'400'000);
  queue.Schedule({long_id, kStart, 4, created, "b\xc3\xbc" "cher.example", "transactional"});
  queue.Schedule({"msg_01JDZ4N7R8XG4W5V3K2P9QH6TB", kStart + Duration(1), 0, kStart, "short.example"});
  EXPECT_TRUE(queue.Contains(long_id));
  auto due = queue.TakeDue(kStart + Duration(1), 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].id, long_id);
  EXPECT_EQ(due[0].due, kStart);
  EXPECT_EQ(due[0].attempts, 4);
  EXPECT_EQ(due[0].created_at, created);
  EXPECT_EQ(due[0].domain, "b\xc3\xbc" "cher.example");
  EXPECT_EQ(due[0].pool, "transactional");
  EXPECT_EQ(due[1].id, "msg_01JDZ4N7R8XG4W5V3K2P9QH6TB");
  EXPECT_EQ(due[1].pool, "");
}

// Random schedules, removals, hurries and takes, against a plain ordered model.
TEST(ScheduledQueue, MatchesAModelUnderRandomChurn) {
  ScheduledQueue queue;
  std::map<std::string, int64_t> model;  // id → due (ms after kStart)
  std::mt19937 random(7);
  int next_id = 0;
  int64_t now = 0;
  for (int step = 0; step < 50'000; ++step) {
    const int action = static_cast<int>(random() % 10);
    if (action < 5 || model.empty()) {
      std::string id = "msg_" + std::to_string(next_id++);
      int64_t due = now + static_cast<int64_t>(random() % 10'000);
      queue.Schedule({id, kStart + Duration(due), 0, kStart, "d" + std::to_string(random() % 5) + ".example"});
      model[id] = due;
    } else {
      auto it = model.begin();
      std::advance(it, random() % model.size());
      if (action < 7) {
        ASSERT_TRUE(queue.Remove(it->first).has_value());
        model.erase(it);
      } else if (action < 8) {
        ASSERT_TRUE(queue.MakeDue(it->first, kStart + Duration(now)));
        it->second = std::min(it->second, now);
      } else {
        now += static_cast<int64_t>(random() % 500);
        auto due = queue.TakeDue(kStart + Duration(now), 50);
        int64_t previous = INT64_MIN;
        for (const QueuedMessage& m : due) {
          auto found = model.find(m.id);
          ASSERT_NE(found, model.end()) << m.id;
          const int64_t at = std::chrono::duration_cast<Duration>(m.due - kStart).count();
          EXPECT_EQ(at, found->second);
          EXPECT_LE(at, now);
          EXPECT_GE(at, previous);  // earliest first
          previous = at;
          model.erase(found);
        }
        if (due.size() < 50) {  // then nothing due may be left behind
          for (const auto& [id, at] : model) ASSERT_GT(at, now) << id;
        }
      }
    }
    ASSERT_EQ(queue.size(), model.size());
  }
  size_t counted = 0;
  for (const DomainCount& c : queue.CountByDomain()) counted += c.queued + c.deferred;
  EXPECT_EQ(counted, model.size());
}

TEST(SlotIndex, FindsAndForgetsKeysHeldElsewhere) {
  std::vector<std::string> keys;
  SlotIndex index([&keys](uint32_t slot) { return std::string_view(keys[slot]); });
  std::unordered_map<std::string, uint32_t> model;
  std::mt19937 random(11);
  for (int step = 0; step < 100'000; ++step) {
    if (random() % 3 != 0 || model.empty()) {
      keys.push_back("msg_" + std::to_string(random()) + "_" + std::to_string(step));
      const uint32_t slot = static_cast<uint32_t>(keys.size() - 1);
      index.Insert(slot);
      model[keys.back()] = slot;
    } else {
      auto it = model.begin();
      std::advance(it, random() % std::min<size_t>(model.size(), 8));
      ASSERT_TRUE(index.Erase(it->first));
      EXPECT_FALSE(index.Erase(it->first));
      model.erase(it);
    }
  }
  ASSERT_EQ(index.size(), model.size());
  for (const auto& [key, slot] : model) ASSERT_EQ(index.Find(key), slot) << key;
  EXPECT_FALSE(index.Find("msg_absent").has_value());
  // At most 3/4 full: at most 4 × 4/3 bytes per key once grown, and never less than 4 / 0.375.
  EXPECT_LE(index.bytes(), std::max<size_t>(64, model.size() * 4 * 8 / 3 + 64));
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

TEST(ReadyQueues, WithdrawTakesOneItemWhereverItWaits) {
  ReadyQueues<std::string> ready;
  ready.Push("a", "a0");
  ready.Push("a", "a1");
  ready.Push("b", "b0");
  ready.Push("c", "c0");
  ready.Push("c", "c1");
  auto may_serve = [](const std::string& site) { return site != "c"; };

  // Withdrawing a site's only item takes the site out of the turn.
  EXPECT_EQ(ready.Withdraw([](const std::string& item) { return item == "b0"; }), "b0");
  EXPECT_FALSE(ready.Withdraw([](const std::string& item) { return item == "b0"; }).has_value());
  EXPECT_EQ(ready.size(), 4u);

  std::vector<std::string> order;
  while (auto popped = ready.Pop(may_serve)) order.push_back(popped->item);
  EXPECT_EQ(order, (std::vector<std::string>{"a0", "a1"}));
  EXPECT_EQ(ready.parked_sites(), 1u);

  // From a parked site: the last item gone, the site is no longer parked.
  std::map<std::string, size_t> sizes;
  ready.ForEachSite([&](const std::string& site, size_t items, bool parked) {
    sizes[site] = items;
    EXPECT_TRUE(parked);
  });
  EXPECT_EQ(sizes, (std::map<std::string, size_t>{{"c", 2}}));
  EXPECT_EQ(ready.Withdraw([](const std::string& item) { return item == "c1"; }), "c1");
  EXPECT_EQ(ready.Withdraw([](const std::string& item) { return item == "c0"; }), "c0");
  EXPECT_EQ(ready.parked_sites(), 0u);
  EXPECT_EQ(ready.size(), 0u);
  ready.Push("c", "c2");
  ready.Unpark("c");  // nothing to unpark: c came back fresh, in the turn
  auto last = ready.Pop();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->item, "c2");
}

}  // namespace
}  // namespace herald::queue
