#include "bounces/outcome.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::bounces {
namespace {

using smtp::BounceReason;
using smtp::BounceType;
using smtp::Disposition;

// "bounced hard user_unknown", "deferred temporary", "delivered".
std::string Describe(const RecipientOutcome& outcome) {
  std::string text(smtp::ToString(outcome.disposition));
  if (outcome.type) text += " " + std::string(smtp::ToString(*outcome.type));
  if (outcome.disposition != Disposition::kDelivered)
    text += " " + std::string(smtp::ToString(outcome.reason));
  return text;
}

RecipientOutcome Failed(std::string status, std::string diagnostic) {
  return Classify({"jane@example.com", "failed", std::move(status), std::move(diagnostic), std::nullopt});
}

TEST(Classify, AFailedRecipientIsBouncedByItsReply) {
  RecipientOutcome outcome = Failed("5.1.1", "550 5.1.1 <jane@example.com>... User Unknown");
  EXPECT_EQ(Describe(outcome), "bounced hard user_unknown");
  EXPECT_EQ(outcome.status, "5.1.1");
  EXPECT_EQ(outcome.reply_code, 550);
  EXPECT_EQ(outcome.action, "failed");
  EXPECT_EQ(outcome.diagnostic, "550 5.1.1 <jane@example.com>... User Unknown");
  EXPECT_EQ(Describe(Failed("5.2.2", "552 5.2.2 Mailbox full")), "bounced soft mailbox_full");
}

TEST(Classify, AFailureAfterTransientErrorsIsASoftBounce) {
  // The message expired: the remote never said the failure was permanent.
  EXPECT_EQ(Describe(Failed("4.4.7", "")), "bounced soft temporary");
  EXPECT_EQ(
      Describe(Failed("4.1.1", "450 4.1.1 <jane@example.com>: Recipient address rejected: User unknown")),
      "bounced soft user_unknown");
}

TEST(Classify, WithoutCodesTheTextTells) {
  EXPECT_EQ(Describe(Failed("", "This user doesn't have a example.co.jp account (jane@example.co.jp) [-9]")),
            "bounced hard user_unknown");
  EXPECT_EQ(Describe(Failed("", "something went wrong")), "bounced soft unknown");
  // A success code in a failure is not a delivery.
  EXPECT_EQ(Describe(Failed("", "250 OK but mailbox is full")), "bounced soft mailbox_full");
}

TEST(Classify, TheRemotesOwnCodeRefinesTheReportsStatus) {
  // A generic Status lets the diagnostic's code decide…
  RecipientOutcome outcome = Failed("5.0.0", "smtp; 550 5.1.1 No such user");
  EXPECT_EQ(outcome.status, "5.1.1");
  EXPECT_EQ(Describe(outcome), "bounced hard user_unknown");
  // …and so does the code the remote wrote with its reply, over a reporting MTA's mapping.
  outcome = Failed("5.1.1", "552 5.2.2 Over quota");
  EXPECT_EQ(outcome.status, "5.2.2");
  EXPECT_EQ(Describe(outcome), "bounced soft mailbox_full");
  // A code elsewhere in the text does not.
  outcome = Failed("5.7.1", "5.1.0 - Unknown error 550-'5.7.1 Access denied'");
  EXPECT_EQ(outcome.status, "5.7.1");
  EXPECT_EQ(Describe(outcome), "bounced soft policy_blocked");
}

TEST(Classify, AddressesAreNotWords) {
  EXPECT_EQ(Describe(Failed(
                "", "421 <this-local-part-does-not-exist@example.jp>... Deferred: Connection timed out")),
            "bounced soft temporary");
}

TEST(Classify, TheCommandMatters) {
  EXPECT_EQ(Describe(Failed("",
                            "SMTP error from remote mail server after MAIL FROM:<a@b.example>: 550 5.1.1 "
                            "unknown sender")),
            "bounced soft policy_blocked");
}

TEST(Classify, ADelayIsNeverABounce) {
  RecipientOutcome outcome = Classify(
      {"jane@example.com", "delayed", "4.4.1", "connect to mx.example.com: Connection timed out", {}});
  EXPECT_EQ(Describe(outcome), "deferred temporary");
  EXPECT_FALSE(outcome.type);
  EXPECT_EQ(Describe(Classify({"jane@example.com", "delayed", "5.1.1", "550 5.1.1 unknown", {}})),
            "deferred temporary");
  EXPECT_EQ(Describe(Classify({"jane@example.com", "delayed", "4.2.2", "452 4.2.2 Mailbox full", {}})),
            "deferred mailbox_full");
}

TEST(Classify, PositiveActionsAreDeliveries) {
  for (std::string action : {"delivered", "relayed", "expanded"}) {
    RecipientOutcome outcome = Classify({"jane@example.com", action, "2.0.0", "250 2.0.0 OK", {}});
    EXPECT_EQ(Describe(outcome), "delivered") << action;
    EXPECT_EQ(outcome.status, "2.0.0");
    EXPECT_FALSE(outcome.type);
  }
}

TEST(Classify, ANoticesOwnReasonIsBelieved) {
  RecipientOutcome outcome = Classify(
      {"group@googlegroups.com", "failed", "", "the group may not exist", BounceReason::kPolicyBlocked});
  EXPECT_EQ(Describe(outcome), "bounced soft policy_blocked");
}

TEST(Classify, CleansAndCutsTheDiagnostic) {
  std::string noisy = "550 5.1.1 bad\x01\x02 user\n\n   ";
  noisy += std::string(2000, 'x');
  RecipientOutcome outcome = Failed("", noisy);
  EXPECT_LE(outcome.diagnostic.size(), kMaxDiagnosticBytes);
  EXPECT_TRUE(outcome.diagnostic.starts_with("550 5.1.1 bad?? user xxx"));
}

}  // namespace
}  // namespace herald::bounces
