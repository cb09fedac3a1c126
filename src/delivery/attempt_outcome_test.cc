// AttemptOutcome: each kind of attempt result becomes the status and events DESIGN §2a names.
#include "delivery/attempt_outcome.h"

#include <gtest/gtest.h>

namespace herald::delivery {
namespace {

const TimePoint kCreated = FromUnixMillis(1'700'000'000'000);
const TimePoint kStarted = kCreated + Duration(1000);
const TimePoint kNow = kStarted + Duration(50);

AttemptResult Reply(Outcome outcome, int code, std::string enhanced, std::string text,
                    smtp::RepliedCommand command = smtp::RepliedCommand::kRcptTo) {
  AttemptResult result;
  result.outcome = outcome;
  result.reply = {"mx.example", code, std::move(enhanced), std::move(text)};
  result.command = command;
  return result;
}

queue::QueuedMessage Message(int attempts) { return {"msg_1", kStarted, attempts, kCreated, "example.com"}; }

OutcomePolicy Mx() { return {queue::RetryPolicy{}, false, true}; }
OutcomePolicy Relay() { return {queue::RetryPolicy{}, false, false}; }

TEST(AttemptOutcome, DeliveredOnTheFirstAttemptRecordsSentThenDelivered) {
  auto record =
      AttemptOutcome(Message(0), Reply(Outcome::kDelivered, 250, "2.0.0", "ok", smtp::RepliedCommand::kData),
                     kStarted, kNow, Mx());
  EXPECT_EQ(record.status, core::MessageStatus::kDelivered);
  EXPECT_EQ(record.attempts, 1);
  ASSERT_EQ(record.events.size(), 2u);
  EXPECT_EQ(record.events[0].type, core::EventType::kSent);
  EXPECT_EQ(record.events[0].at, kStarted);
  EXPECT_EQ(record.events[1].type, core::EventType::kDelivered);
  EXPECT_EQ(record.events[1].details["remote"]["code"], 250);
  EXPECT_EQ(record.events[1].details["attempt"], 1);
  EXPECT_FALSE(record.captured);
}

TEST(AttemptOutcome, TemporaryFailureIsDeferredWithBackoffUntilTheMaximumAge) {
  auto record = AttemptOutcome(Message(1), Reply(Outcome::kTemporaryFailure, 451, "4.7.1", "greylisted"),
                               kStarted, kNow, Mx());
  EXPECT_EQ(record.status, core::MessageStatus::kDeferred);
  ASSERT_TRUE(record.next_attempt_at.has_value());
  EXPECT_GT(*record.next_attempt_at, kNow);
  ASSERT_EQ(record.events.size(), 1u);  // not the first attempt: no `sent`
  EXPECT_EQ(record.events[0].type, core::EventType::kDeferred);
  EXPECT_TRUE(record.events[0].details.contains("next_attempt_at"));

  const TimePoint late = kCreated + queue::RetryPolicy{}.max_age;
  record = AttemptOutcome(Message(9), Reply(Outcome::kTemporaryFailure, 451, "4.7.1", "greylisted"), late,
                          late, Mx());
  EXPECT_EQ(record.status, core::MessageStatus::kFailed);
  EXPECT_EQ(record.events[0].details["reason"], "expired");
  EXPECT_EQ(record.events[0].details["bounce"], (nlohmann::json{{"type", "hard"}, {"reason", "temporary"}}));
  EXPECT_FALSE(record.suppress_reason.has_value());
  // A smarthost's deferrals say nothing of the recipient: no bounce.
  record = AttemptOutcome(Message(9), Reply(Outcome::kTemporaryFailure, 451, "4.7.1", "greylisted"), late,
                          late, Relay());
  EXPECT_EQ(record.status, core::MessageStatus::kFailed);
  EXPECT_FALSE(record.events[0].details.contains("bounce"));
}

TEST(AttemptOutcome, MxRefusalsAreBouncesClassifiedHardOrSoft) {
  struct Case {
    AttemptResult result;
    std::string type;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {Reply(Outcome::kPermanentFailure, 550, "5.1.1", "User unknown"), "hard", "user_unknown"},
      {Reply(Outcome::kPermanentFailure, 552, "5.2.2", "Mailbox full"), "soft", "mailbox_full"},
      {Reply(Outcome::kPermanentFailure, 554, "5.7.1", "Message rejected as spam",
             smtp::RepliedCommand::kData),
       "soft", "policy_blocked"},
      // Decided without a server: the domain takes no mail (null MX) or does not exist.
      {Reply(Outcome::kPermanentFailure, 0, "5.1.10", "the domain accepts no mail (null MX)",
             smtp::RepliedCommand::kUnknown),
       "hard", "domain_not_found"},
      {Reply(Outcome::kPermanentFailure, 0, "5.6.7",
             "internationalised domain names are not supported for MX delivery yet",
             smtp::RepliedCommand::kUnknown),
       "soft", "content_rejected"},
      {Reply(Outcome::kPermanentFailure, 0, "5.1.2", "the domain does not exist (NXDOMAIN)",
             smtp::RepliedCommand::kUnknown),
       "hard", "domain_not_found"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.result.reply.text);
    auto record = AttemptOutcome(Message(0), c.result, kStarted, kNow, Mx());
    EXPECT_EQ(record.status, core::MessageStatus::kBounced);
    EXPECT_FALSE(record.next_attempt_at.has_value());
    ASSERT_EQ(record.events.size(), 2u);
    const core::Event& bounced = record.events[1];
    EXPECT_EQ(bounced.type, core::EventType::kBounced);
    EXPECT_EQ(bounced.details["bounce"]["type"], c.type);
    EXPECT_EQ(bounced.details["bounce"]["reason"], c.reason);
    EXPECT_EQ(bounced.details["remote"]["enhanced_code"], c.result.reply.enhanced_code);
    EXPECT_EQ(bounced.details["attempt"], 1);
    // Only a hard bounce puts the address on the suppression list.
    if (c.type == "hard") {
      EXPECT_EQ(record.suppress_reason, c.reason);
    } else {
      EXPECT_FALSE(record.suppress_reason.has_value());
    }
  }
}

TEST(AttemptOutcome, RelayRefusalsFailAsRejected) {
  auto record = AttemptOutcome(Message(0), Reply(Outcome::kPermanentFailure, 550, "5.1.1", "User unknown"),
                               kStarted, kNow, Relay());
  EXPECT_EQ(record.status, core::MessageStatus::kFailed);
  EXPECT_EQ(record.events[1].type, core::EventType::kFailed);
  EXPECT_EQ(record.events[1].details["reason"], "rejected");
  EXPECT_FALSE(record.events[1].details.contains("bounce"));
}

TEST(AttemptOutcome, CaptureKeepsDeliveredMessagesInTheSandbox) {
  auto record = AttemptOutcome(Message(0), Reply(Outcome::kDelivered, 250, "2.0.0", "captured"), kStarted,
                               kNow, {queue::RetryPolicy{}, true, false});
  EXPECT_TRUE(record.captured);
}

}  // namespace
}  // namespace herald::delivery
