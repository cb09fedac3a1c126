#include "reports/report_effect.h"

#include <gtest/gtest.h>

namespace herald::reports {
namespace {

using bounces::Report;
using bounces::ReportKind;
using smtp::BounceReason;
using smtp::BounceType;
using smtp::Disposition;

const TimePoint kNow = FromUnixMillis(1'780'000'000'000);

core::MessageRecord Message() {
  core::MessageRecord message;
  message.id = "msg_01jdz4n7r8xg4w5v3k2p9qh6tb";
  message.account_id = "acc_1";
  message.rcpt_to = "Jane@Example.com";
  return message;
}

bounces::RecipientOutcome Failed(std::string recipient, BounceType type, BounceReason reason) {
  bounces::RecipientOutcome outcome;
  outcome.recipient = std::move(recipient);
  outcome.status = type == BounceType::kHard ? "5.1.1" : "4.2.2";
  outcome.reply_code = type == BounceType::kHard ? 550 : 452;
  outcome.diagnostic = "smtp; 550 5.1.1 no such user";
  outcome.action = "failed";
  outcome.disposition = Disposition::kBounced;
  outcome.type = type;
  outcome.reason = reason;
  return outcome;
}

Report Bounce(std::vector<bounces::RecipientOutcome> recipients) {
  Report report;
  report.kind = ReportKind::kBounce;
  report.recipients = std::move(recipients);
  return report;
}

TEST(EffectOf, AHardBounceOfTheRecipientBouncesAndSuppresses) {
  ReportEffect effect = EffectOf(Bounce({Failed("jane@example.com", BounceType::kHard, BounceReason::kUserUnknown)}),
                                 Message(), false, kNow);
  ASSERT_TRUE(effect.record) << effect.why_not;
  const storage::ReportRecord& record = *effect.record;
  EXPECT_EQ(record.message_id, Message().id);
  EXPECT_EQ(record.event.type, core::EventType::kBounced);
  EXPECT_EQ(record.event.at, kNow);
  EXPECT_EQ(record.event.details["bounce"], (nlohmann::json{{"type", "hard"}, {"reason", "user_unknown"}}));
  EXPECT_EQ(record.event.details["report"],
            (nlohmann::json{{"recipient", "jane@example.com"}, {"action", "failed"}, {"status", "5.1.1"},
                            {"code", 550}, {"diagnostic", "smtp; 550 5.1.1 no such user"}}));
  EXPECT_TRUE(record.hard_bounce);
  EXPECT_EQ(record.suppress_reason, "user_unknown");
  EXPECT_EQ(record.suppress_source, "bounce");
}

TEST(EffectOf, ASoftBounceIsAnEventOnly) {
  ReportEffect effect = EffectOf(Bounce({Failed("jane@example.com", BounceType::kSoft, BounceReason::kMailboxFull)}),
                                 Message(), true, kNow);
  ASSERT_TRUE(effect.record);
  EXPECT_EQ(effect.record->event.details["bounce"]["type"], "soft");
  EXPECT_FALSE(effect.record->hard_bounce);
  EXPECT_FALSE(effect.record->suppress_reason);
}

TEST(EffectOf, AnotherAddressCountsOnlyWhenTheVerpAddressGotTheOneFailure) {
  Report forwarded = Bounce({Failed("jane.doe@forward.example", BounceType::kHard, BounceReason::kUserUnknown)});
  EXPECT_TRUE(EffectOf(forwarded, Message(), true, kNow).record);
  EXPECT_FALSE(EffectOf(forwarded, Message(), false, kNow).record);

  Report two = Bounce({Failed("a@x.example", BounceType::kHard, BounceReason::kUserUnknown),
                       Failed("b@x.example", BounceType::kHard, BounceReason::kUserUnknown)});
  ReportEffect effect = EffectOf(two, Message(), true, kNow);
  EXPECT_FALSE(effect.record);
  EXPECT_EQ(effect.why_not, "the bounce names no failure of the message's recipient");

  // The recipient is listed, but delayed: nothing, however the others fared.
  bounces::RecipientOutcome delayed;
  delayed.recipient = "jane@example.com";
  delayed.disposition = Disposition::kDeferred;
  Report mixed = Bounce({Failed("a@x.example", BounceType::kHard, BounceReason::kUserUnknown), delayed});
  EXPECT_FALSE(EffectOf(mixed, Message(), true, kNow).record);
}

TEST(EffectOf, AComplaintSuppressesTheMessagesRecipient) {
  Report complaint;
  complaint.kind = ReportKind::kComplaint;
  complaint.feedback_type = "abuse";
  bounces::RecipientOutcome redacted;
  redacted.recipient = "redacted@example.net";
  redacted.disposition = Disposition::kDelivered;
  complaint.recipients.push_back(redacted);
  ReportEffect effect = EffectOf(complaint, Message(), false, kNow);
  ASSERT_TRUE(effect.record);
  EXPECT_EQ(effect.record->event.type, core::EventType::kComplained);
  EXPECT_EQ(effect.record->event.details["complaint"]["feedback_type"], "abuse");
  EXPECT_EQ(effect.record->event.details["report"]["recipient"], "redacted@example.net");
  EXPECT_FALSE(effect.record->hard_bounce);
  EXPECT_EQ(effect.record->suppress_reason, "abuse");
  EXPECT_EQ(effect.record->suppress_source, "complaint");

  complaint.feedback_type.clear();
  complaint.recipients.clear();
  effect = EffectOf(complaint, Message(), false, kNow);
  ASSERT_TRUE(effect.record);
  EXPECT_EQ(effect.record->suppress_reason, "abuse");
  EXPECT_FALSE(effect.record->event.details.contains("report"));
}

TEST(EffectOf, NoticesChangeNothing) {
  for (ReportKind kind : {ReportKind::kDelay, ReportKind::kDelivered, ReportKind::kAutoReply, ReportKind::kNotAReport}) {
    Report report;
    report.kind = kind;
    ReportEffect effect = EffectOf(report, Message(), true, kNow);
    EXPECT_FALSE(effect.record) << bounces::ToString(kind);
    EXPECT_FALSE(effect.why_not.empty());
  }
}

}  // namespace
}  // namespace herald::reports
