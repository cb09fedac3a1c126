// The Store conformance suite, continued: cancelling a message (the queue administration's write).
// The fixture and the list of backends are those of store_conformance_test.cc.
#include <gtest/gtest.h>

#include <string>

#include "storage/store.h"
#include "storage/store_conformance.h"
#include "storage/sync.h"

namespace herald::storage {
namespace {

using core::EventType;
using core::MessageStatus;

class MessageCancel : public StoreConformance {
 protected:
  Result<CancelOutcome> Cancel(const std::string& id) {
    core::Event event{EventType::kCancelled, clock_.Now(), {{"api_key", "key_test"}}};
    return WaitForResult<CancelOutcome>(
        [&](ResultCallback<CancelOutcome> done) { store().CancelMessage(id, event, done); });
  }
};

TEST_P(MessageCancel, CancelsQueuedAndDeferredMessagesForGood) {
  MadeAccount a = MakeAccount("Shop A");
  const std::string queued = InsertOk(NewMsg(a.account.id));
  const std::string deferred = InsertOk(NewMsg(a.account.id));
  const std::string waiting = InsertOk(NewMsg(a.account.id));
  core::Event deferral{EventType::kDeferred, clock_.Now(), {{"remote", {{"code", 451}}}}};
  ASSERT_TRUE(Attempt({deferred, MessageStatus::kDeferred, 1, clock_.Now() + Duration(60'000), {deferral}, false}).ok());

  clock_.Advance(Duration(5));
  for (const std::string& id : {queued, deferred}) {
    auto outcome = Cancel(id);
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_TRUE(outcome->cancelled);
    EXPECT_EQ(outcome->status, MessageStatus::kCancelled);
  }

  Reopen();  // durable
  auto message = store().GetMessage(a.account.id, deferred);
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->status, MessageStatus::kCancelled);
  EXPECT_FALSE(message->next_attempt_at.has_value());
  EXPECT_EQ(message->attempts, 1);
  EXPECT_EQ(message->updated_at, clock_.Now());
  auto events = store().GetEvents(a.account.id, deferred);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[1].type, EventType::kDeferred);
  EXPECT_EQ((*events)[2].type, EventType::kCancelled);
  EXPECT_EQ((*events)[2].details["api_key"], "key_test");

  // Not resumed at the next start, and found by status.
  auto unfinished = store().ListUnfinished("", 100);
  ASSERT_TRUE(unfinished.ok());
  ASSERT_EQ(unfinished->size(), 1u);
  EXPECT_EQ((*unfinished)[0].id, waiting);
  MessageQuery query{a.account.id};
  query.status = MessageStatus::kCancelled;
  auto found = store().SearchMessages(query);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->messages.size(), 2u);
}

TEST_P(MessageCancel, LeavesFinishedMessagesAsTheyAre) {
  MadeAccount a = MakeAccount("Shop A");
  const std::string id = InsertOk(NewMsg(a.account.id));
  core::Event delivered{EventType::kDelivered, clock_.Now(), {{"remote", {{"code", 250}}}}};
  ASSERT_TRUE(Attempt({id, MessageStatus::kDelivered, 1, std::nullopt, {delivered}, false}).ok());
  const TimePoint updated = clock_.Now();
  clock_.Advance(Duration(5));

  auto outcome = Cancel(id);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_FALSE(outcome->cancelled);
  EXPECT_EQ(outcome->status, MessageStatus::kDelivered);
  auto message = store().GetMessage(a.account.id, id);
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->status, MessageStatus::kDelivered);
  EXPECT_EQ(message->updated_at, updated);
  EXPECT_EQ(store().GetEvents(a.account.id, id)->size(), 2u);

  // Cancelling twice: the second finds it cancelled and adds nothing.
  const std::string other = InsertOk(NewMsg(a.account.id));
  ASSERT_TRUE(Cancel(other)->cancelled);
  auto again = Cancel(other);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->cancelled);
  EXPECT_EQ(again->status, MessageStatus::kCancelled);
  EXPECT_EQ(store().GetEvents(a.account.id, other)->size(), 2u);
}

TEST_P(MessageCancel, AnUnknownMessageIsNotFound) {
  EXPECT_EQ(Cancel("msg_nothing").status().code(), Code::kNotFound);
}

}  // namespace

// MessageCancel runs against every backend of the suite.
INSTANTIATE_TEST_SUITE_P(Backends, MessageCancel, ::testing::ValuesIn(ConformanceBackends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace herald::storage
