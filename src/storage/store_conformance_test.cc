// The Store conformance suite: what every backend must do, run once per backend (STYLE habit 11).
//
// A backend is a factory that opens the store kept under a directory; the suite gives each test a new
// empty directory and reopens the same one to check durability. To run the suite against another
// backend, add its factory to ConformanceBackends at the bottom. The fixture is in
// store_conformance.h; more of the suite's cases are in *_conformance_test.cc beside this file.
#include "storage/store_conformance.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/digest.h"
#include "base/random.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"
#include "storage/sync.h"

namespace herald::storage {
namespace {

using core::EventType;
using core::MessageStatus;

// ---- Accounts and keys ----

TEST_P(StoreConformance, CreatesAndFindsAccountsAndKeys) {
  MadeAccount a = MakeAccount("Shop A");
  auto account = store().GetAccount(a.account.id);
  ASSERT_TRUE(account.ok()) << account.status().ToString();
  EXPECT_EQ(account->name, "Shop A");
  EXPECT_FALSE(account->is_operator);
  EXPECT_EQ(account->created_at, kStart);

  auto found = store().FindApiKeyByHash(a.key.key_hash);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, a.key.id);
  EXPECT_EQ(found->account_id, a.account.id);
  EXPECT_EQ(found->scope, core::Scope::kAdmin);
  EXPECT_EQ(found->prefix, a.key.prefix);
  EXPECT_EQ(found->created_at, a.key.created_at);
  EXPECT_FALSE(found->revoked_at.has_value());

  clock_.Advance(Duration(5));
  core::ApiKey second = NewKey(a.account.id);
  ASSERT_TRUE(WaitFor([&](StatusCallback done) { store().CreateApiKey(second, done); }).ok());
  auto keys = store().ListApiKeys(a.account.id);
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].id, a.key.id);
  EXPECT_EQ((*keys)[1].id, second.id);
  EXPECT_EQ((*keys)[1].scope, core::Scope::kSend);

  EXPECT_EQ(store().GetAccount("acc_nobody").status().code(), Code::kNotFound);
  EXPECT_EQ(store().FindApiKeyByHash(Sha256Hex("no such secret")).status().code(), Code::kNotFound);
  EXPECT_TRUE(store().ListApiKeys("acc_nobody")->empty());
}

TEST_P(StoreConformance, FindsTheOldestOperatorAccount) {
  EXPECT_EQ(store().GetOperatorAccount().status().code(), Code::kNotFound);
  MakeAccount("Customer");
  EXPECT_EQ(store().GetOperatorAccount().status().code(), Code::kNotFound);

  auto make_operator = [&](const std::string& name) {
    clock_.Advance(Duration(1000));
    core::Account account{NewId("acc", clock_.Now()), name, true, clock_.Now()};
    core::ApiKey key = NewKey(account.id, core::Scope::kAdmin);
    EXPECT_TRUE(WaitFor([&](StatusCallback done) { store().CreateAccount(account, key, done); }).ok());
    return account;
  };
  core::Account first = make_operator("Operator");
  make_operator("Second operator");
  auto found = store().GetOperatorAccount();
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, first.id);
  EXPECT_TRUE(found->is_operator);
}

TEST_P(StoreConformance, RefusesTakenIdsAndHashesWhole) {
  MadeAccount a = MakeAccount("Shop A");
  // Same account id again.
  core::ApiKey other_key = NewKey(a.account.id);
  Status s = WaitFor([&](StatusCallback done) { store().CreateAccount(a.account, other_key, done); });
  EXPECT_EQ(s.code(), Code::kAlreadyExists) << s.ToString();
  EXPECT_EQ(store().FindApiKeyByHash(other_key.key_hash).status().code(), Code::kNotFound);

  // A new account whose key hash is taken: nothing of it is written.
  core::Account b{NewId("acc", clock_.Now()), "Shop B", false, clock_.Now()};
  core::ApiKey clash = NewKey(b.id);
  clash.key_hash = a.key.key_hash;
  s = WaitFor([&](StatusCallback done) { store().CreateAccount(b, clash, done); });
  EXPECT_EQ(s.code(), Code::kAlreadyExists) << s.ToString();
  EXPECT_EQ(store().GetAccount(b.id).status().code(), Code::kNotFound);

  // A key for an account that does not exist.
  core::ApiKey orphan = NewKey("acc_nobody");
  s = WaitFor([&](StatusCallback done) { store().CreateApiKey(orphan, done); });
  EXPECT_EQ(s.code(), Code::kNotFound) << s.ToString();
}

TEST_P(StoreConformance, RevokedKeyIsStillFoundWithRevokedAt) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  TimePoint at = kStart + Duration(60'000);

  // Another account cannot revoke A's key.
  Status s = WaitFor([&](StatusCallback done) { store().RevokeApiKey(b.account.id, a.key.id, at, done); });
  EXPECT_EQ(s.code(), Code::kNotFound) << s.ToString();
  EXPECT_FALSE(store().FindApiKeyByHash(a.key.key_hash)->revoked_at.has_value());

  s = WaitFor([&](StatusCallback done) { store().RevokeApiKey(a.account.id, a.key.id, at, done); });
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto found = store().FindApiKeyByHash(a.key.key_hash);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->revoked_at, at);
  EXPECT_EQ(store().ListApiKeys(a.account.id)->at(0).revoked_at, at);

  // Revoking twice: there is no unrevoked key any more.
  s = WaitFor([&](StatusCallback done) { store().RevokeApiKey(a.account.id, a.key.id, at, done); });
  EXPECT_EQ(s.code(), Code::kNotFound);
  s = WaitFor([&](StatusCallback done) { store().RevokeApiKey(a.account.id, "key_nothing", at, done); });
  EXPECT_EQ(s.code(), Code::kNotFound);
}

// ---- Messages ----

TEST_P(StoreConformance, InsertsAndReadsAMessageWithItsEvents) {
  MadeAccount a = MakeAccount("Shop A");
  NewMessage m = NewMsg(a.account.id, "Jane.Doe@Example.com", "order-42");
  m.record.smtputf8 = true;
  m.raw = std::string("Subject: bin\r\n\r\n\0\x01\xff end\r\n", 24);
  const NewMessage sent = m;

  auto outcome = Insert(m);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->message_id, sent.record.id);
  EXPECT_FALSE(outcome->duplicate);
  EXPECT_EQ(outcome->status, MessageStatus::kQueued);

  auto got = store().GetMessage(a.account.id, sent.record.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const core::MessageRecord& r = *got;
  EXPECT_EQ(r.id, sent.record.id);
  EXPECT_EQ(r.account_id, a.account.id);
  EXPECT_EQ(r.status, MessageStatus::kQueued);
  EXPECT_EQ(r.campaign, "order-confirmation");
  EXPECT_EQ(r.mail_from, "bounce@shop.example");
  EXPECT_EQ(r.rcpt_to, "Jane.Doe@Example.com");
  EXPECT_EQ(r.from_header, "Shop <orders@shop.example>");
  EXPECT_EQ(r.to_header, "Jane.Doe@Example.com");
  EXPECT_EQ(r.subject, "Your order");
  EXPECT_EQ(r.tags, (std::vector<std::string>{"order", "eu"}));
  EXPECT_EQ(r.metadata, nlohmann::json({{"order_id", "42"}}));
  EXPECT_EQ(r.idempotency_key, "order-42");
  EXPECT_EQ(r.created_at, sent.record.created_at);
  EXPECT_EQ(r.updated_at, sent.record.updated_at);
  EXPECT_EQ(r.attempts, 0);
  EXPECT_EQ(r.next_attempt_at, sent.record.next_attempt_at);
  EXPECT_TRUE(r.smtputf8);

  auto events = store().GetEvents(a.account.id, sent.record.id);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, EventType::kQueued);
  EXPECT_EQ((*events)[0].at, sent.queued_event.at);
  EXPECT_EQ((*events)[0].details, nlohmann::json({{"source", "api"}}));

  auto item = store().LoadForDelivery(sent.record.id);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->raw, sent.raw);
  EXPECT_EQ(item->record.rcpt_to, "Jane.Doe@Example.com");

  EXPECT_EQ(store().GetMessage(a.account.id, "msg_nothing").status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetEvents(a.account.id, "msg_nothing").status().code(), Code::kNotFound);
  EXPECT_EQ(store().LoadForDelivery("msg_nothing").status().code(), Code::kNotFound);
}

TEST_P(StoreConformance, MessagesSharingAPartReadBackWhole) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  const std::string part(10'000, 'P');
  auto with_part = [&](const std::string& account_id, const std::string& before, const std::string& after) {
    NewMessage m = NewMsg(account_id);
    m.raw = before + part + after;
    m.shared_parts = {{before.size(), part.size(), Sha256(part)}};
    return m;
  };
  std::vector<NewMessage> sent = {with_part(a.account.id, "Subject: one\r\n\r\n", "\r\nend one\r\n"),
                                  with_part(a.account.id, "Subject: two, longer\r\n\r\n", ""),
                                  with_part(b.account.id, "Subject: three\r\n\r\n", "\r\n")};
  NewMessage small = NewMsg(a.account.id);  // a part too small to be worth sharing stays in its body
  small.raw = "Subject: small\r\n\r\nsmall part\r\n";
  small.shared_parts = {{18, 10, Sha256("small part")}};
  sent.push_back(small);
  for (const NewMessage& m : sent) ASSERT_EQ(InsertOk(m), m.record.id);
  for (const NewMessage& m : sent) {
    auto item = store().LoadForDelivery(m.record.id);
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    EXPECT_EQ(item->raw, m.raw);
  }

  NewMessage outside = NewMsg(a.account.id);
  outside.shared_parts = {{outside.raw.size() - 2, 8'000, Sha256("x")}};
  EXPECT_EQ(Insert(outside).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store().GetMessage(a.account.id, outside.record.id).status().code(), Code::kNotFound);
}

TEST_P(StoreConformance, RefusesADuplicateIdAndAnUnknownAccount) {
  MadeAccount a = MakeAccount("Shop A");
  NewMessage m = NewMsg(a.account.id);
  ASSERT_TRUE(Insert(m).ok());
  EXPECT_EQ(Insert(m).status().code(), Code::kAlreadyExists);
  EXPECT_EQ(Insert(NewMsg("acc_nobody")).status().code(), Code::kNotFound);
  // The refused writes left nothing behind.
  EXPECT_EQ(store().GetEvents(a.account.id, m.record.id)->size(), 1u);
}

TEST_P(StoreConformance, KeepsTenantsApart) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  std::string id = InsertOk(NewMsg(a.account.id, "jane@example.com"));
  ASSERT_TRUE(Attempt({id, MessageStatus::kDelivered, 1, std::nullopt, {}, true}).ok());

  EXPECT_EQ(store().GetMessage(b.account.id, id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetEvents(b.account.id, id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetSandboxMessage(b.account.id, id).status().code(), Code::kNotFound);
  EXPECT_TRUE(store().ListSandbox(b.account.id, "", 50)->entries.empty());
  MessageQuery query{b.account.id};
  EXPECT_TRUE(store().SearchMessages(query)->messages.empty());
  query.recipient = "jane@example.com";
  EXPECT_TRUE(store().SearchMessages(query)->messages.empty());

  // A still sees all of it.
  EXPECT_TRUE(store().GetMessage(a.account.id, id).ok());
  EXPECT_TRUE(store().GetSandboxMessage(a.account.id, id).ok());
  query.account_id = a.account.id;
  EXPECT_EQ(store().SearchMessages(query)->messages.size(), 1u);
}

// ---- Idempotency ----

TEST_P(StoreConformance, SameIdempotencyKeyAnswersTheFirstMessage) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  const TimePoint since = clock_.Now() - kDay;
  auto first = Insert(NewMsg(a.account.id, "jane@example.com", "order-42"), since);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->duplicate);

  NewMessage again = NewMsg(a.account.id, "jane@example.com", "order-42");
  auto second = Insert(again, since);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->message_id, first->message_id);
  EXPECT_EQ(second->status, MessageStatus::kQueued);
  EXPECT_EQ(store().GetMessage(a.account.id, again.record.id).status().code(), Code::kNotFound);

  // The duplicate answer carries the earlier message's current status.
  ASSERT_TRUE(Attempt({first->message_id, MessageStatus::kDelivered, 1, std::nullopt, {}, false}).ok());
  auto third = Insert(NewMsg(a.account.id, "jane@example.com", "order-42"), since);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->duplicate);
  EXPECT_EQ(third->status, MessageStatus::kDelivered);

  // Keys belong to one account.
  auto other = Insert(NewMsg(b.account.id, "jane@example.com", "order-42"), since);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->duplicate);
}

TEST_P(StoreConformance, AnExpiredIdempotencyKeyMakesANewMessage) {
  MadeAccount a = MakeAccount("Shop A");
  auto first = Insert(NewMsg(a.account.id, "jane@example.com", "k"), clock_.Now() - kDay);
  ASSERT_TRUE(first.ok());

  clock_.Advance(kDay + Duration(1));
  auto later = Insert(NewMsg(a.account.id, "jane@example.com", "k"), clock_.Now() - kDay);
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_FALSE(later->duplicate);
  EXPECT_NE(later->message_id, first->message_id);

  // The key now names the new message.
  auto again = Insert(NewMsg(a.account.id, "jane@example.com", "k"), clock_.Now() - kDay);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->message_id, later->message_id);
  EXPECT_TRUE(store().GetMessage(a.account.id, first->message_id).ok());
}

TEST_P(StoreConformance, AConcurrentBurstWithOneKeyMakesOneMessage) {
  MadeAccount a = MakeAccount("Shop A");
  constexpr int kThreads = 50;
  std::vector<NewMessage> messages;
  for (int i = 0; i < kThreads; ++i) messages.push_back(NewMsg(a.account.id, "jane@example.com", "burst"));

  std::latch start(kThreads);
  std::mutex mutex;
  std::vector<Result<InsertOutcome>> outcomes;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto outcome = Insert(messages[i]);
      std::lock_guard lock(mutex);
      outcomes.push_back(std::move(outcome));
    });
  }
  for (auto& t : threads) t.join();

  std::set<std::string> ids;
  int created = 0;
  for (const auto& outcome : outcomes) {
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    ids.insert(outcome->message_id);
    if (!outcome->duplicate) ++created;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(store().SearchMessages({a.account.id})->messages.size(), 1u);
}

// ---- Search ----

TEST_P(StoreConformance, SearchPagesNewestFirstByRecipientAndStatus) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  std::vector<std::string> to_bob;  // oldest first
  std::vector<std::string> all;
  for (int i = 0; i < 23; ++i) {
    bool bob = i % 3 != 0;
    std::string id = InsertOk(
        NewMsg(a.account.id, bob ? (i % 2 ? "Bob@Example.com" : "bob@example.com") : "carol@example.com"));
    all.push_back(id);
    if (bob) to_bob.push_back(id);
  }
  InsertOk(NewMsg(b.account.id, "bob@example.com"));  // another tenant's

  // Pages of 4 over bob's messages, with the address given in another case.
  MessageQuery query{a.account.id};
  query.recipient = "BOB@example.COM";
  query.limit = 4;
  std::vector<std::string> seen;
  int pages = 0;
  for (;;) {
    auto page = store().SearchMessages(query);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    ASSERT_LE(page->messages.size(), 4u);
    for (const auto& m : page->messages) seen.push_back(m.id);
    if (page->next_cursor.empty()) break;
    EXPECT_EQ(page->next_cursor, page->messages.back().id);
    query.cursor = page->next_cursor;
    ASSERT_LT(pages, 20);
  }
  std::vector<std::string> expected(to_bob.rbegin(), to_bob.rend());
  EXPECT_EQ(seen, expected);  // newest first, each once
  EXPECT_EQ(pages, static_cast<int>((to_bob.size() + 3) / 4));

  // A page that ends exactly at the last message has no cursor.
  MessageQuery exact{a.account.id};
  exact.limit = static_cast<int>(all.size());
  auto whole = store().SearchMessages(exact);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->messages.size(), all.size());
  EXPECT_TRUE(whole->next_cursor.empty());
  EXPECT_EQ(whole->messages.front().id, all.back());

  // By status.
  ASSERT_TRUE(Attempt({all[4], MessageStatus::kBounced, 1, std::nullopt, {}, false}).ok());
  ASSERT_TRUE(Attempt({all[9], MessageStatus::kBounced, 1, std::nullopt, {}, false}).ok());
  MessageQuery bounced{a.account.id};
  bounced.status = MessageStatus::kBounced;
  auto found = store().SearchMessages(bounced);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->messages.size(), 2u);
  EXPECT_EQ(found->messages[0].id, all[9]);
  EXPECT_EQ(found->messages[1].id, all[4]);
  bounced.recipient = "carol@example.com";
  EXPECT_EQ(store().SearchMessages(bounced)->messages.size(), 1u);  // all[9]; all[4] went to bob

  MessageQuery bad{a.account.id};
  bad.limit = 0;
  EXPECT_EQ(store().SearchMessages(bad).status().code(), Code::kInvalidArgument);
  bad.limit = 1001;
  EXPECT_EQ(store().SearchMessages(bad).status().code(), Code::kInvalidArgument);
}

// ---- Delivery attempts and the queue ----

TEST_P(StoreConformance, RecordsAttemptsAndListsUnfinishedMessages) {
  MadeAccount a = MakeAccount("Shop A");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(InsertOk(NewMsg(a.account.id)));

  const TimePoint retry = clock_.Now() + Duration(60'000);
  core::Event deferred{EventType::kDeferred, clock_.Now(), {{"remote", {{"code", 451}}}}};
  ASSERT_TRUE(Attempt({ids[1], MessageStatus::kDeferred, 1, retry, {deferred}, false}).ok());
  core::Event sent{EventType::kSent, clock_.Now(), {{"attempt", 1}}};
  core::Event delivered{EventType::kDelivered, clock_.Now() + Duration(1), {{"remote", {{"code", 250}}}}};
  clock_.Advance(Duration(7));
  ASSERT_TRUE(Attempt({ids[2], MessageStatus::kDelivered, 1, std::nullopt, {sent, delivered}, false}).ok());
  ASSERT_TRUE(Attempt({ids[4], MessageStatus::kFailed, 3, std::nullopt, {}, false}).ok());

  auto m1 = store().GetMessage(a.account.id, ids[1]);
  ASSERT_TRUE(m1.ok());
  EXPECT_EQ(m1->status, MessageStatus::kDeferred);
  EXPECT_EQ(m1->attempts, 1);
  EXPECT_EQ(m1->next_attempt_at, retry);

  auto m2 = store().GetMessage(a.account.id, ids[2]);
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(m2->status, MessageStatus::kDelivered);
  EXPECT_FALSE(m2->next_attempt_at.has_value());
  EXPECT_EQ(m2->updated_at, clock_.Now());
  auto events = store().GetEvents(a.account.id, ids[2]);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].type, EventType::kQueued);
  EXPECT_EQ((*events)[1].type, EventType::kSent);
  EXPECT_EQ((*events)[2].type, EventType::kDelivered);
  EXPECT_EQ((*events)[2].details["remote"]["code"], 250);

  // Unfinished: 0 (queued), 1 (deferred), 3 (queued), in id order, paged.
  auto unfinished = store().ListUnfinished("", 100);
  ASSERT_TRUE(unfinished.ok()) << unfinished.status().ToString();
  ASSERT_EQ(unfinished->size(), 3u);
  EXPECT_EQ((*unfinished)[0].id, ids[0]);
  EXPECT_EQ((*unfinished)[1].id, ids[1]);
  EXPECT_EQ((*unfinished)[1].due, retry);
  EXPECT_EQ((*unfinished)[1].attempts, 1);
  EXPECT_FALSE((*unfinished)[1].rcpt_to.empty());
  EXPECT_EQ((*unfinished)[2].id, ids[3]);

  std::vector<std::string> paged;
  std::string after;
  for (;;) {
    auto page = store().ListUnfinished(after, 1);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    ASSERT_EQ(page->size(), 1u);
    paged.push_back(page->front().id);
    after = page->front().id;
  }
  EXPECT_EQ(paged, (std::vector<std::string>{ids[0], ids[1], ids[3]}));

  EXPECT_EQ(Attempt({"msg_nothing", MessageStatus::kDelivered, 1, std::nullopt, {}, false}).code(),
            Code::kNotFound);
}

TEST_P(StoreConformance, AHardBounceSuppressesTheRecipientOnce) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  const std::string first = InsertOk(NewMsg(a.account.id, "Gone@Example.com"));
  const std::string second = InsertOk(NewMsg(a.account.id, "gone@example.com"));
  const std::string other_account = InsertOk(NewMsg(b.account.id, "gone@example.com"));
  EXPECT_EQ(store().GetSuppression(a.account.id, "gone@example.com").status().code(), Code::kNotFound);
  EXPECT_EQ(store().FindRecipientSuppression(second).value(), std::nullopt);

  AttemptRecord bounced{first, MessageStatus::kBounced, 1, std::nullopt, {}, false, "user_unknown"};
  ASSERT_TRUE(Attempt(bounced).ok());
  auto suppression = store().GetSuppression(a.account.id, "GONE@example.com");
  ASSERT_TRUE(suppression.ok()) << suppression.status().ToString();
  EXPECT_EQ(suppression->address, "gone@example.com");
  EXPECT_EQ(suppression->reason, "user_unknown");
  EXPECT_EQ(suppression->source, "bounce");
  EXPECT_EQ(suppression->message_id, first);
  // Delivery asks before each attempt: the queued second message's recipient is now suppressed.
  auto recipient = store().FindRecipientSuppression(second);
  ASSERT_TRUE(recipient.ok() && recipient->has_value());
  EXPECT_EQ((*recipient)->reason, "user_unknown");
  EXPECT_EQ(store().FindRecipientSuppression(other_account).value(), std::nullopt);
  EXPECT_EQ(store().FindRecipientSuppression("msg_nothing").status().code(), Code::kNotFound);
  // The second hard bounce to the address leaves the first entry; another account knows nothing of it.
  clock_.Advance(Duration(5));
  ASSERT_TRUE(Attempt({second, MessageStatus::kBounced, 1, std::nullopt, {}, false, "mailbox_disabled"}).ok());
  EXPECT_EQ(store().GetSuppression(a.account.id, "gone@example.com")->message_id, first);
  EXPECT_EQ(store().GetSuppression(b.account.id, "gone@example.com").status().code(), Code::kNotFound);
}

TEST_P(StoreConformance, AccountsAndMessagesKeepTheirPool) {
  MadeAccount a = MakeAccount("Shop A");
  EXPECT_EQ(store().GetAccount(a.account.id)->pool, "transactional");
  ASSERT_TRUE(WaitFor([&](StatusCallback done) { store().SetAccountPool(a.account.id, "notifications", done); }).ok());
  EXPECT_EQ(store().GetAccount(a.account.id)->pool, "notifications");
  EXPECT_EQ(WaitFor([&](StatusCallback done) { store().SetAccountPool("acct_none", "x", done); }).code(),
            Code::kNotFound);

  NewMessage m = NewMsg(a.account.id);
  m.record.pool = "notifications";
  const std::string id = InsertOk(m);
  EXPECT_EQ(store().GetMessage(a.account.id, id)->pool, "notifications");
  auto unfinished = store().ListUnfinished("", 10);
  ASSERT_TRUE(unfinished.ok());
  ASSERT_EQ(unfinished->size(), 1u);
  EXPECT_EQ(unfinished->front().pool, "notifications");
}

TEST_P(StoreConformance, EngagementEventsJoinTheTimelineAndChangeNothingElse) {
  MadeAccount a = MakeAccount("Shop A");
  const std::string id = InsertOk(NewMsg(a.account.id));
  core::Event opened{core::EventType::kOpened, clock_.Now(), {{"user_agent", "Mail/1.0"}}};
  ASSERT_TRUE(WaitFor([&](StatusCallback done) { store().RecordEngagement(id, opened, done); }).ok());
  auto events = store().GetEvents(a.account.id, id);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(events->back().type, core::EventType::kOpened);
  EXPECT_EQ(events->back().details["user_agent"], "Mail/1.0");
  EXPECT_EQ(store().GetMessage(a.account.id, id)->status, core::MessageStatus::kQueued);
  EXPECT_EQ(WaitFor([&](StatusCallback done) { store().RecordEngagement("msg_none", opened, done); }).code(),
            Code::kNotFound);
}

// ---- Sandbox ----

TEST_P(StoreConformance, CapturedMessagesAreListedInTheSandbox) {
  MadeAccount a = MakeAccount("Shop A");
  std::vector<std::string> captured;
  std::map<std::string, TimePoint> captured_at;
  std::string not_captured = InsertOk(NewMsg(a.account.id));
  for (int i = 0; i < 5; ++i) {
    NewMessage m = NewMsg(a.account.id);
    m.raw = "Subject: " + std::to_string(i) + "\r\n\r\nbody\r\n";
    std::string id = InsertOk(m);
    clock_.Advance(Duration(10));
    ASSERT_TRUE(Attempt({id, MessageStatus::kDelivered, 1, std::nullopt, {}, true}).ok());
    captured.push_back(id);
    captured_at[id] = clock_.Now();
  }

  auto one = store().GetSandboxMessage(a.account.id, captured[2]);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->raw, "Subject: 2\r\n\r\nbody\r\n");
  EXPECT_EQ(one->record.status, MessageStatus::kDelivered);
  EXPECT_EQ(store().GetSandboxMessage(a.account.id, not_captured).status().code(), Code::kNotFound);

  std::vector<std::string> seen;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = store().ListSandbox(a.account.id, cursor, 2);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const SandboxEntry& e : page->entries) {
      seen.push_back(e.record.id);
      EXPECT_EQ(e.captured_at, captured_at[e.record.id]);
    }
    if (page->next_cursor.empty()) break;
    cursor = page->next_cursor;
  }
  EXPECT_EQ(seen, std::vector<std::string>(captured.rbegin(), captured.rend()));
  EXPECT_EQ(store().ListSandbox(a.account.id, "", 0).status().code(), Code::kInvalidArgument);
}

// ---- Concurrency and durability ----

TEST_P(StoreConformance, ManyConcurrentWritersAreAllAcknowledgedAndReadable) {
  MadeAccount a = MakeAccount("Shop A");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  std::vector<std::vector<NewMessage>> work(kThreads);
  for (auto& batch : work) {
    for (int i = 0; i < kPerThread; ++i) batch.push_back(NewMsg(a.account.id, "x@example.com"));
  }

  std::vector<std::string> ids;
  for (const auto& batch : work) {
    for (const NewMessage& m : batch) ids.push_back(m.record.id);
  }

  std::atomic<int> acknowledged{0};
  std::atomic<int> failed{0};
  std::latch done(kThreads * kPerThread);
  std::vector<std::thread> threads;
  for (auto& batch : work) {
    threads.emplace_back([&] {
      for (NewMessage& m : batch) {
        store().InsertMessage(std::move(m), kStart, [&](Result<InsertOutcome> r) {
          (r.ok() && !r->duplicate ? acknowledged : failed)++;
          done.count_down();
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  done.wait();
  EXPECT_EQ(acknowledged.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);

  for (const std::string& id : ids) {
    ASSERT_TRUE(store().GetMessage(a.account.id, id).ok()) << id;
  }
  std::set<std::string> unfinished;
  std::string after;
  for (;;) {
    auto page = store().ListUnfinished(after, 1000);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    for (const auto& p : *page) unfinished.insert(p.id);
    after = page->back().id;
  }
  EXPECT_EQ(unfinished, std::set<std::string>(ids.begin(), ids.end()));
}

TEST_P(StoreConformance, AcknowledgedWritesSurviveReopening) {
  MadeAccount a = MakeAccount("Shop A");
  std::string id = InsertOk(NewMsg(a.account.id, "jane@example.com", "k1"));
  core::Event deferred{EventType::kDeferred, clock_.Now(), {{"attempt", 1}}};
  ASSERT_TRUE(
      Attempt({id, MessageStatus::kDeferred, 1, clock_.Now() + Duration(1000), {deferred}, true}).ok());

  Reopen();
  EXPECT_TRUE(store().GetAccount(a.account.id).ok());
  EXPECT_TRUE(store().FindApiKeyByHash(a.key.key_hash).ok());
  auto m = store().GetMessage(a.account.id, id);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->status, MessageStatus::kDeferred);
  EXPECT_EQ(store().GetEvents(a.account.id, id)->size(), 2u);
  EXPECT_TRUE(store().GetSandboxMessage(a.account.id, id).ok());
  EXPECT_EQ(store().ListUnfinished("", 10)->size(), 1u);
  auto again = Insert(NewMsg(a.account.id, "jane@example.com", "k1"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_TRUE(store().Ping().ok());
}

TEST_P(StoreConformance, AReadAfterAnAcknowledgementSeesTheWrite) {
  MadeAccount a = MakeAccount("Shop A");
  for (int i = 0; i < 50; ++i) {
    std::string id = InsertOk(NewMsg(a.account.id));
    ASSERT_TRUE(store().GetMessage(a.account.id, id).ok()) << i;
    ASSERT_TRUE(Attempt({id, MessageStatus::kDelivered, 1, std::nullopt, {}, false}).ok());
    ASSERT_EQ(store().GetMessage(a.account.id, id)->status, MessageStatus::kDelivered) << i;
  }
}

Result<std::unique_ptr<Store>> OpenSqlite(const std::filesystem::path& dir, const Clock& clock) {
  return OpenSqliteStore({(dir / "herald.db").string()}, clock);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(ConformanceBackends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace

std::vector<Backend> ConformanceBackends() { return {Backend{"sqlite", OpenSqlite}}; }

}  // namespace herald::storage
