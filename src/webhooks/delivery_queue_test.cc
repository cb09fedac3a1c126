#include "webhooks/delivery_queue.h"

#include <gtest/gtest.h>

#include <vector>

namespace herald::webhooks {
namespace {

const TimePoint kNow = FromUnixMillis(1'700'000'000'000);

storage::WebhookDelivery D(int64_t event_id, const std::string& message, TimePoint due = kNow) {
  storage::WebhookDelivery d;
  d.webhook_id = "whk_1";
  d.event_id = event_id;
  d.message_id = message;
  d.next_attempt_at = due;
  return d;
}

std::vector<int64_t> TakeAll(DeliveryQueue& q, TimePoint now) {
  std::vector<int64_t> ids;
  while (auto d = q.Take(now)) ids.push_back(d->event_id);
  return ids;
}

TEST(DeliveryQueue, OneMessageGoesOneEventAtATimeInOrder) {
  DeliveryQueue q;
  q.Add(D(1, "m1"));
  q.Add(D(2, "m1"));
  q.Add(D(3, "m1"));
  EXPECT_EQ(TakeAll(q, kNow), std::vector<int64_t>{1});
  q.Finish("m1", std::nullopt);
  EXPECT_EQ(TakeAll(q, kNow), std::vector<int64_t>{2});
  q.Finish("m1", std::nullopt);
  EXPECT_EQ(TakeAll(q, kNow), std::vector<int64_t>{3});
  q.Finish("m1", std::nullopt);
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.NextDue(), std::nullopt);
}

TEST(DeliveryQueue, AFailingMessageHoldsBackOnlyItsOwnEvents) {
  DeliveryQueue q;
  q.Add(D(1, "stuck"));
  q.Add(D(2, "fine"));
  q.Add(D(3, "stuck"));
  q.Add(D(4, "fine"));
  EXPECT_EQ(TakeAll(q, kNow), (std::vector<int64_t>{1, 2}));
  storage::WebhookDelivery retry = D(1, "stuck", kNow + Duration(10'000));
  retry.attempts = 1;
  q.Finish("stuck", retry);
  q.Finish("fine", std::nullopt);
  EXPECT_EQ(TakeAll(q, kNow), std::vector<int64_t>{4}) << "event 3 waits behind its message's retry";
  q.Finish("fine", std::nullopt);
  EXPECT_EQ(q.NextDue(), kNow + Duration(10'000));
  EXPECT_TRUE(TakeAll(q, kNow + Duration(9'999)).empty());
  auto again = q.Take(kNow + Duration(10'000));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->event_id, 1);
  EXPECT_EQ(again->attempts, 1);
  q.Finish("stuck", std::nullopt);
  EXPECT_EQ(TakeAll(q, kNow + Duration(10'000)), std::vector<int64_t>{3});
  q.Finish("stuck", std::nullopt);
  EXPECT_EQ(q.size(), 0u);
}

TEST(DeliveryQueue, EarliestDueGoesFirstThenTheOlderEvent) {
  DeliveryQueue q;
  q.Add(D(5, "a", kNow + Duration(2)));
  q.Add(D(6, "b", kNow + Duration(1)));
  q.Add(D(7, "c", kNow + Duration(1)));
  EXPECT_EQ(q.NextDue(), kNow + Duration(1));
  EXPECT_EQ(TakeAll(q, kNow + Duration(5)), (std::vector<int64_t>{6, 7, 5}));
  EXPECT_EQ(q.in_flight(), 3u);
  EXPECT_EQ(q.size(), 3u);
}

TEST(DeliveryQueue, AnEventAddedWhileItsMessageIsInFlightWaits) {
  DeliveryQueue q;
  q.Add(D(1, "m"));
  EXPECT_EQ(TakeAll(q, kNow), std::vector<int64_t>{1});
  q.Add(D(2, "m"));
  EXPECT_TRUE(TakeAll(q, kNow).empty());
  q.Finish("m", std::nullopt);
  EXPECT_EQ(TakeAll(q, kNow), std::vector<int64_t>{2});
}

TEST(DeliveryQueue, ClearForgetsEverythingAndLateFinishesAreIgnored) {
  DeliveryQueue q;
  q.Add(D(1, "m"));
  q.Add(D(2, "n"));
  ASSERT_TRUE(q.Take(kNow));
  q.Clear();
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.in_flight(), 0u);
  q.Finish("m", std::nullopt);
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.Take(kNow));
}

}  // namespace
}  // namespace herald::webhooks
