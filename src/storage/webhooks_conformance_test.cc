// The Store conformance suite, continued: webhooks, their cursor over the events, the outbox of
// waiting deliveries and the delivery log. The fixture and the list of backends are those of
// store_conformance_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "storage/store.h"
#include "storage/store_conformance.h"
#include "storage/sync.h"

namespace herald::storage {
namespace {

using core::EventType;
using core::Webhook;

class Webhooks : public StoreConformance {
 protected:
  Webhook NewWebhook(const std::string& account_id) {
    clock_.Advance(Duration(1));
    Webhook w;
    w.id = NewId("whk", clock_.Now());
    w.account_id = account_id;
    w.url = "https://crm.example/hooks/herald";
    w.events.types = {EventType::kDelivered, EventType::kBounced};
    w.sealed_secret = "v1.sealed";
    w.created_at = clock_.Now();
    w.updated_at = clock_.Now();
    w.cursor = 12345;  // ignored: the store sets it
    return w;
  }

  Webhook CreateOk(const std::string& account_id) {
    Webhook w = NewWebhook(account_id);
    Status s = WaitFor([&](StatusCallback done) { store().CreateWebhook(w, done); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    auto stored = store().GetWebhook(account_id, w.id);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? *stored : w;
  }

  Status Update(const Webhook& w) {
    return WaitFor([&](StatusCallback done) { store().UpdateWebhook(w, done); });
  }
  Status Queue(WebhookFanOut f) {
    return WaitFor([&](StatusCallback done) { store().QueueWebhookDeliveries(std::move(f), done); });
  }
  Status Record(std::vector<WebhookAttempt> attempts) {
    return WaitFor([&](StatusCallback done) { store().RecordWebhookAttempts(std::move(attempts), done); });
  }

  // Appends one event to the message through a delivery attempt.
  void AddEvent(const std::string& message_id, EventType type, int attempts = 1) {
    clock_.Advance(Duration(1));
    AttemptRecord a;
    a.message_id = message_id;
    a.status = type == EventType::kDelivered ? core::MessageStatus::kDelivered : core::MessageStatus::kDeferred;
    a.attempts = attempts;
    a.events = {{type, clock_.Now(), {{"attempt", attempts}}}};
    Status s = Attempt(a);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  static WebhookDelivery DeliveryOf(const Webhook& w, const WebhookEvent& e, TimePoint due) {
    return {w.id, e.id, e.message_id, e.type, "{\"type\":\"" + std::string(core::ToString(e.type)) + "\"}", 0,
            std::nullopt, due};
  }
};

TEST_P(Webhooks, CreateGetListUpdateDeleteWithTenancy) {
  MadeAccount shop = MakeAccount("shop");
  MadeAccount other = MakeAccount("other");
  std::string earlier = InsertOk(NewMsg(shop.account.id));  // an event before the webhook exists
  Webhook w = CreateOk(shop.account.id);
  EXPECT_EQ(w.url, "https://crm.example/hooks/herald");
  EXPECT_EQ(w.events.Names(), (std::vector<std::string>{"delivered", "bounced"}));
  EXPECT_TRUE(w.enabled);
  EXPECT_EQ(w.sealed_secret, "v1.sealed");
  auto last = store().LastEventId();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(w.cursor, *last) << "a new webhook starts after the newest event";
  EXPECT_GT(w.cursor, 0);

  EXPECT_EQ(store().GetWebhook(other.account.id, w.id).status().code(), Code::kNotFound);
  auto listed = store().ListWebhooks(shop.account.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE(store().ListWebhooks(other.account.id)->empty());

  Webhook changed = w;
  changed.url = "http://crm.example:8080/h";
  changed.events = {true, {}};
  changed.sealed_secret = "v1.other";
  clock_.Advance(Duration(5));
  changed.updated_at = clock_.Now();
  ASSERT_TRUE(Update(changed).ok());
  auto got = store().GetWebhook(shop.account.id, w.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->url, changed.url);
  EXPECT_EQ(got->events.Names(), std::vector<std::string>{"*"});
  EXPECT_EQ(got->sealed_secret, "v1.other");
  EXPECT_EQ(got->cursor, w.cursor) << "an update does not move the cursor";

  Webhook foreign = changed;
  foreign.account_id = other.account.id;
  EXPECT_EQ(Update(foreign).code(), Code::kNotFound);
  EXPECT_EQ(WaitFor([&](StatusCallback d) { store().DeleteWebhook(other.account.id, w.id, d); }).code(),
            Code::kNotFound);
  EXPECT_TRUE(WaitFor([&](StatusCallback d) { store().DeleteWebhook(shop.account.id, w.id, d); }).ok());
  EXPECT_EQ(store().GetWebhook(shop.account.id, w.id).status().code(), Code::kNotFound);
  (void)earlier;
}

TEST_P(Webhooks, EventsAfterACursorAreTheAccountsOwnWithTheirMessage) {
  MadeAccount shop = MakeAccount("shop");
  MadeAccount other = MakeAccount("other");
  Webhook w = CreateOk(shop.account.id);
  std::string mine = InsertOk(NewMsg(shop.account.id, "jane@example.com"));
  std::string theirs = InsertOk(NewMsg(other.account.id, "joe@example.com"));
  AddEvent(mine, EventType::kDelivered);

  auto events = store().ListEventsAfter(shop.account.id, w.cursor, 100);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].type, EventType::kQueued);
  EXPECT_EQ((*events)[1].type, EventType::kDelivered);
  EXPECT_LT((*events)[0].id, (*events)[1].id);
  EXPECT_EQ((*events)[0].message_id, mine);
  EXPECT_EQ((*events)[0].recipient, "jane@example.com");
  EXPECT_EQ((*events)[0].campaign, "order-confirmation");
  EXPECT_EQ((*events)[0].tags, (std::vector<std::string>{"order", "eu"}));
  EXPECT_EQ((*events)[0].metadata, nlohmann::json({{"order_id", "42"}}));
  EXPECT_EQ((*events)[1].details, nlohmann::json({{"attempt", 1}}));

  auto after_first = store().ListEventsAfter(shop.account.id, (*events)[0].id, 1);
  ASSERT_TRUE(after_first.ok());
  ASSERT_EQ(after_first->size(), 1u);
  EXPECT_EQ((*after_first)[0].id, (*events)[1].id);

  auto last = store().LastEventId();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, (*events)[1].id);
  auto accounts = store().AccountsWithEvents(w.cursor, *last);
  ASSERT_TRUE(accounts.ok());
  std::sort(accounts->begin(), accounts->end());
  std::vector<std::string> both = {shop.account.id, other.account.id};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(*accounts, both);
  EXPECT_TRUE(store().AccountsWithEvents(*last, *last)->empty());
  (void)theirs;
}

TEST_P(Webhooks, FanOutMovesTheCursorOnceWithItsDeliveries) {
  MadeAccount shop = MakeAccount("shop");
  Webhook w = CreateOk(shop.account.id);
  std::string id = InsertOk(NewMsg(shop.account.id));
  AddEvent(id, EventType::kDelivered);
  auto events = store().ListEventsAfter(shop.account.id, w.cursor, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);

  WebhookFanOut f{w.id, w.cursor, (*events)[1].id, {DeliveryOf(w, (*events)[1], clock_.Now())}};
  ASSERT_TRUE(Queue(f).ok());
  EXPECT_EQ(Queue(f).code(), Code::kFailedPrecondition) << "the cursor moved: the same fan-out again is refused";
  EXPECT_EQ(store().GetWebhook(shop.account.id, w.id)->cursor, (*events)[1].id);

  auto waiting = store().ListWebhookDeliveries(w.id, 0, 100);
  ASSERT_TRUE(waiting.ok()) << waiting.status().ToString();
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ((*waiting)[0].event_id, (*events)[1].id);
  EXPECT_EQ((*waiting)[0].message_id, id);
  EXPECT_EQ((*waiting)[0].event_type, EventType::kDelivered);
  EXPECT_EQ((*waiting)[0].payload, "{\"type\":\"delivered\"}");
  EXPECT_EQ((*waiting)[0].attempts, 0);
  EXPECT_FALSE((*waiting)[0].first_attempt_at);

  WebhookFanOut outside{w.id, (*events)[1].id, (*events)[1].id + 5, {DeliveryOf(w, (*events)[0], clock_.Now())}};
  EXPECT_EQ(Queue(outside).code(), Code::kInvalidArgument);
  WebhookFanOut gone{"whk_missing", 0, 1, {}};
  EXPECT_EQ(Queue(gone).code(), Code::kNotFound);
}

TEST_P(Webhooks, AttemptsAreLoggedAndMoveTheDeliveryAndTheFailureRecord) {
  MadeAccount shop = MakeAccount("shop");
  MadeAccount other = MakeAccount("other");
  Webhook w = CreateOk(shop.account.id);
  std::string id = InsertOk(NewMsg(shop.account.id));
  auto events = store().ListEventsAfter(shop.account.id, w.cursor, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  const WebhookEvent& e = (*events)[0];
  ASSERT_TRUE(Queue({w.id, w.cursor, e.id, {DeliveryOf(w, e, clock_.Now())}}).ok());

  const TimePoint first = clock_.Now();
  WebhookAttempt failed{0, w.id, e.id, e.type, id, 1, first, Duration(30), 500, "HTTP 500",
                        WebhookAttemptOutcome::kRetrying, first, first + Duration(10'000)};
  ASSERT_TRUE(Record({failed}).ok());
  auto waiting = store().ListWebhookDeliveries(w.id, 0, 10);
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ((*waiting)[0].attempts, 1);
  EXPECT_EQ((*waiting)[0].first_attempt_at, first);
  EXPECT_EQ((*waiting)[0].next_attempt_at, first + Duration(10'000));
  EXPECT_EQ(store().GetWebhook(shop.account.id, w.id)->failing_since, first);

  WebhookAttempt again = failed;
  again.attempt = 2;
  again.at = first + Duration(10'000);
  again.http_status = 0;
  again.error = "timed out";
  again.next_attempt_at = first + Duration(30'000);
  WebhookAttempt delivered{0, w.id, e.id, e.type, id, 3, first + Duration(30'000), Duration(4), 204, "",
                           WebhookAttemptOutcome::kDelivered, std::nullopt, std::nullopt};
  ASSERT_TRUE(Record({again, delivered}).ok());
  EXPECT_TRUE(store().ListWebhookDeliveries(w.id, 0, 10)->empty());
  EXPECT_FALSE(store().GetWebhook(shop.account.id, w.id)->failing_since) << "a delivery clears it";

  auto log = store().ListWebhookAttempts(shop.account.id, w.id, "", 2);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->attempts.size(), 2u);
  EXPECT_EQ(log->attempts[0].attempt, 3);
  EXPECT_EQ(log->attempts[0].outcome, WebhookAttemptOutcome::kDelivered);
  EXPECT_EQ(log->attempts[0].http_status, 204);
  EXPECT_EQ(log->attempts[0].duration, Duration(4));
  EXPECT_EQ(log->attempts[1].attempt, 2);
  EXPECT_EQ(log->attempts[1].http_status, 0);
  EXPECT_EQ(log->attempts[1].error, "timed out");
  EXPECT_EQ(log->attempts[1].next_attempt_at, first + Duration(30'000));
  ASSERT_FALSE(log->next_cursor.empty());
  auto rest = store().ListWebhookAttempts(shop.account.id, w.id, log->next_cursor, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->attempts.size(), 1u);
  EXPECT_EQ(rest->attempts[0].attempt, 1);
  EXPECT_EQ(rest->attempts[0].event_type, EventType::kQueued);
  EXPECT_EQ(rest->attempts[0].message_id, id);
  EXPECT_TRUE(rest->next_cursor.empty());

  EXPECT_EQ(store().ListWebhookAttempts(other.account.id, w.id, "", 10).status().code(), Code::kNotFound);
  EXPECT_EQ(store().ListWebhookAttempts(shop.account.id, w.id, "x1", 10).status().code(), Code::kInvalidArgument);

  // An attempt whose webhook is gone changes nothing and fails nothing.
  ASSERT_TRUE(WaitFor([&](StatusCallback d) { store().DeleteWebhook(shop.account.id, w.id, d); }).ok());
  EXPECT_TRUE(Record({delivered}).ok());
}

TEST_P(Webhooks, DisablingIsConditionalAndReEnablingRestartsWhatWaits) {
  MadeAccount shop = MakeAccount("shop");
  Webhook w = CreateOk(shop.account.id);
  std::string id = InsertOk(NewMsg(shop.account.id));
  auto events = store().ListEventsAfter(shop.account.id, w.cursor, 100);
  ASSERT_EQ(events->size(), 1u);
  const WebhookEvent& e = (*events)[0];
  ASSERT_TRUE(Queue({w.id, w.cursor, e.id, {DeliveryOf(w, e, clock_.Now())}}).ok());
  const TimePoint first = clock_.Now();
  ASSERT_TRUE(Record({{0, w.id, e.id, e.type, id, 1, first, Duration(1), 0, "connection refused",
                       WebhookAttemptOutcome::kRetrying, first, first + Duration(60'000)}})
                  .ok());

  core::AccountEvent disabled{shop.account.id, std::string(core::kWebhookDisabledEvent), w.id, first + kDay,
                              {{"failing_since", "x"}}};
  auto disable = [&](TimePoint since) {
    return WaitFor([&](StatusCallback d) { store().DisableWebhook(w.id, since, disabled, d); });
  };
  EXPECT_EQ(disable(first + Duration(1)).code(), Code::kFailedPrecondition) << "failing since another time";
  ASSERT_TRUE(disable(first).ok());
  EXPECT_EQ(disable(first).code(), Code::kFailedPrecondition) << "already disabled";
  auto got = store().GetWebhook(shop.account.id, w.id);
  EXPECT_FALSE(got->enabled);
  EXPECT_EQ(got->disabled_at, first + kDay);
  auto account_events = store().ListAccountEvents(shop.account.id, w.id, 10);
  ASSERT_TRUE(account_events.ok());
  ASSERT_EQ(account_events->size(), 1u);
  EXPECT_EQ((*account_events)[0].type, "webhook.disabled");

  // A disabled webhook's cursor does not move.
  EXPECT_EQ(Queue({w.id, got->cursor, got->cursor, {}}).code(), Code::kFailedPrecondition);

  Webhook enabled = *got;
  enabled.enabled = true;
  enabled.updated_at = first + kDay + Duration(5);
  ASSERT_TRUE(Update(enabled).ok());
  got = store().GetWebhook(shop.account.id, w.id);
  EXPECT_TRUE(got->enabled);
  EXPECT_FALSE(got->failing_since);
  EXPECT_FALSE(got->disabled_at);
  auto waiting = store().ListWebhookDeliveries(w.id, 0, 10);
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_FALSE((*waiting)[0].first_attempt_at) << "a fresh day of retries";
  EXPECT_EQ((*waiting)[0].next_attempt_at, enabled.updated_at);
  EXPECT_EQ((*waiting)[0].attempts, 1);
  EXPECT_TRUE(Queue({w.id, got->cursor, got->cursor, {}}).ok());
}

TEST_P(Webhooks, GivingUpRemovesTheDeliveryAndPruningTheOldLog) {
  MadeAccount shop = MakeAccount("shop");
  Webhook w = CreateOk(shop.account.id);
  std::string id = InsertOk(NewMsg(shop.account.id));
  auto events = store().ListEventsAfter(shop.account.id, w.cursor, 100);
  const WebhookEvent& e = (*events)[0];
  ASSERT_TRUE(Queue({w.id, w.cursor, e.id, {DeliveryOf(w, e, clock_.Now())}}).ok());
  const TimePoint at = clock_.Now();
  ASSERT_TRUE(Record({{0, w.id, e.id, e.type, id, 30, at, Duration(2), 503, "HTTP 503",
                       WebhookAttemptOutcome::kGaveUp, std::nullopt, std::nullopt}})
                  .ok());
  EXPECT_TRUE(store().ListWebhookDeliveries(w.id, 0, 10)->empty());
  EXPECT_EQ(store().GetWebhook(shop.account.id, w.id)->failing_since, at);

  auto prune = [&](TimePoint before) {
    return WaitForResult<int>([&](ResultCallback<int> d) { store().PruneWebhookAttempts(before, 100, d); });
  };
  auto none = prune(at);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  auto one = prune(at + Duration(1));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, 1);
  EXPECT_TRUE(store().ListWebhookAttempts(shop.account.id, w.id, "", 10)->attempts.empty());
}

TEST_P(Webhooks, SurviveAReopen) {
  MadeAccount shop = MakeAccount("shop");
  Webhook w = CreateOk(shop.account.id);
  InsertOk(NewMsg(shop.account.id));
  auto events = store().ListEventsAfter(shop.account.id, w.cursor, 100);
  ASSERT_TRUE(Queue({w.id, w.cursor, (*events)[0].id, {DeliveryOf(w, (*events)[0], clock_.Now())}}).ok());
  Reopen();
  auto got = store().GetWebhook(shop.account.id, w.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->cursor, (*events)[0].id);
  EXPECT_EQ(store().ListWebhookDeliveries(w.id, 0, 10)->size(), 1u);
  auto all = store().ListAllWebhooks();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, Webhooks, ::testing::ValuesIn(ConformanceBackends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace herald::storage
