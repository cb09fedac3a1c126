#include "bounces/delivery_status.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::bounces {
namespace {

std::vector<RecipientEvidence> Read(std::string_view body, size_t max_recipients = 100) {
  size_t omitted = 0;
  return ReadDeliveryStatus(body, {}, max_recipients, omitted);
}

// "recipient action status" for each recipient read from `body`.
std::vector<std::string> Summary(std::string_view body) {
  std::vector<std::string> lines;
  for (const RecipientEvidence& recipient : Read(body))
    lines.push_back(recipient.recipient + " " + recipient.action + " " + recipient.status);
  return lines;
}

TEST(DeliveryStatus, ReadsTheRecipientGroups) {
  std::vector<RecipientEvidence> recipients = Read(
      "Reporting-MTA: dns; mail.example.co.jp\n"
      "Arrival-Date: Thu, 29 Apr 2018 23:34:45 +0900 (JST)\n"
      "\n"
      "Final-Recipient: rfc822; neko-nyaan@example.org\n"
      "Original-Recipient: rfc822;neko-nyaan@example.org\n"
      "Action: failed\n"
      "Status: 5.1.1\n"
      "Remote-MTA: dns; aspmx.l.google.com\n"
      "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does\n"
      "    not exist. Please try 550-5.1.1 double-checking the recipient's email\n"
      "\n"
      "Final-Recipient: RFC822; <kijitora@example.jp>\n"
      "Action: Delayed\n"
      "Status: 4.4.1\n"
      "Diagnostic-Code: X-Postfix; connect to mx.example.jp[192.0.2.1]:25: Connection timed out\n");
  ASSERT_EQ(recipients.size(), 2u);
  EXPECT_EQ(recipients[0].recipient, "neko-nyaan@example.org");
  EXPECT_EQ(recipients[0].action, "failed");
  EXPECT_EQ(recipients[0].status, "5.1.1");
  EXPECT_EQ(recipients[0].diagnostic,
            "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 "
            "double-checking the recipient's email");
  EXPECT_EQ(recipients[1].recipient, "kijitora@example.jp");
  EXPECT_EQ(recipients[1].action, "delayed");
  EXPECT_EQ(recipients[1].diagnostic, "connect to mx.example.jp[192.0.2.1]:25: Connection timed out");
}

TEST(DeliveryStatus, ToleratesTheVariantsMtasWrite) {
  // Action before Final-Recipient (Amazon SES), Original- after Final-Recipient, a Status with a
  // comment, CRLF and blank lines holding spaces, no blank line after the per-message fields.
  std::string_view body =
      "Reporting-MTA: dns; inbound-smtp.us-west-2.amazonaws.com\r\n"
      "Action: failed\r\n"
      "Final-Recipient: rfc822; a@example.jp\r\n"
      "Original-Recipient: rfc822; a@example.jp\r\n"
      "Status: 5.0.0 (Remote SMTP server has rejected address)\r\n"
      "  \r\n"
      "final-recipient: rfc822;b@example.jp\r\n"
      "ACTION: failed (bad mailbox)\r\n"
      "status: 5.2.2\r\n";
  EXPECT_EQ(Summary(body),
            (std::vector<std::string>{"a@example.jp failed 5.0.0", "b@example.jp failed 5.2.2"}));
}

TEST(DeliveryStatus, SplitsSeveralRecipientsWrittenAsOneGroup) {
  EXPECT_EQ(Summary("Original-Recipient: rfc822;a@example.org\nFinal-Recipient: rfc822;a@example.org\n"
                    "Action: failed\nStatus: 5.1.1\nOriginal-Recipient: rfc822;b@example.org\n"
                    "Final-Recipient: rfc822;b@example.org\nAction: delayed\nStatus: 4.2.2\n"
                    "Final-Recipient: rfc822;c@example.org\nAction: delivered\nStatus: 2.0.0\n"),
            (std::vector<std::string>{"a@example.org failed 5.1.1", "b@example.org delayed 4.2.2",
                                      "c@example.org delivered 2.0.0"}));
}

TEST(DeliveryStatus, NamesRecipientsThatAreNotAddresses) {
  EXPECT_EQ(
      Summary(
          "Final-Recipient: X-Unix; |/usr/bin/procmail\nX-Actual-Recipient: rfc822; local@mx.example.edu\n"
          "Action: failed\n\n"
          "Final-Recipient: x-local; <postmaster>\nAction: failed\n\n"
          "Original-Recipient: rfc822; only-original@example.org\nAction: failed\n"),
      (std::vector<std::string>{"local@mx.example.edu failed ", "postmaster failed ",
                                "only-original@example.org failed "}));
}

TEST(DeliveryStatus, NormalisesActions) {
  std::string body;
  for (std::string_view action : {"failed", "Failure", "undeliverable", "expired", "delay", "deliverable",
                                  "relayed", "expanded", "bogus"}) {
    body += "Final-Recipient: rfc822; x@example.org\nAction: " + std::string(action) + "\n\n";
  }
  std::vector<std::string> actions;
  for (const RecipientEvidence& recipient : Read(body)) actions.push_back(recipient.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"failed", "failed", "failed", "failed", "delayed", "delivered",
                                               "relayed", "expanded", ""}));
}

TEST(DeliveryStatus, BoundsTheRecipients) {
  std::string body = "Reporting-MTA: dns; mx.example\n\n";
  for (int i = 0; i < 5000; ++i)
    body += "Final-Recipient: rfc822; user" + std::to_string(i) +
            "@example.org\nAction: failed\nStatus: 5.1.1\n\n";
  size_t omitted = 0;
  std::vector<RecipientEvidence> recipients = ReadDeliveryStatus(body, {.max_fields = 20000}, 100, omitted);
  EXPECT_EQ(recipients.size(), 100u);
  EXPECT_EQ(omitted, 4900u);
  // The field limit bounds the work too: fields past it are not read at all.
  omitted = 0;
  EXPECT_EQ(ReadDeliveryStatus(body, {.max_fields = 31}, 100, omitted).size(), 10u);
}

TEST(DeliveryStatus, GarbageGivesNothing) {
  EXPECT_TRUE(Read("").empty());
  EXPECT_TRUE(Read("Reporting-MTA: dns; mx.example\n\nAction: failed\nStatus: 5.1.1\n").empty());
  EXPECT_TRUE(Read(std::string("\0\xff\xfe:\n\n::::\n", 12)).empty());
}

}  // namespace
}  // namespace herald::bounces
