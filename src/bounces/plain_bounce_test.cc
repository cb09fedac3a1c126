#include "bounces/plain_bounce.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::bounces {
namespace {

std::vector<RecipientEvidence> Read(std::string_view notice, PlainBounceContext context = {}) {
  size_t omitted = 0;
  return ReadPlainBounce(notice, context, 100, omitted);
}

std::vector<std::string> RecipientsOf(const std::vector<RecipientEvidence>& evidence) {
  std::vector<std::string> recipients;
  for (const RecipientEvidence& recipient : evidence) recipients.push_back(recipient.recipient);
  return recipients;
}

TEST(SplitAtReturnedMessage, CutsAtASeparator) {
  for (std::string_view separator :
       {"--- Below this line is a copy of the message.",
        "------ This is a copy of the message, including all "
        "the headers. ------",
        "   ----- Unsent message follows -----", "Original message follows.",
        "Below is a copy of the original message:",
        "--- The header of the original message is following. ---", "----- Original message -----"}) {
    std::string text =
        "notice\n\n" + std::string(separator) + "\n\nReturn-Path: <a@b.example>\nSubject: x\n\nbody\n";
    SplitNotification split = SplitAtReturnedMessage(text);
    EXPECT_EQ(split.notice, "notice\n\n") << separator;
    EXPECT_TRUE(split.original.starts_with("Return-Path:")) << separator;
  }
}

TEST(SplitAtReturnedMessage, CutsWhereAReturnedHeaderStarts) {
  SplitNotification split = SplitAtReturnedMessage(
      "Unknown user: jane@example.com\n\nReceived: from a.example by b.example\nMessage-ID: <x@y.example>\n"
      "From: a@b.example\n\nbody\n");
  EXPECT_EQ(split.notice, "Unknown user: jane@example.com\n\n");
  EXPECT_TRUE(split.original.starts_with("Received:"));
}

TEST(SplitAtReturnedMessage, LeavesNoticesThatOnlyLookLikeIt) {
  for (std::string_view text :
       {// A summary of the original in the notice, with no field a transported header has.
        "Undeliverable:\nTo: a@b.example\nCC:\nDate: Thursday\nSubject: Sale\nundeliverable to x@y.example\n",
        // Words of a separator in a sentence.
        "You can delete your own text from the attached returned message.\n",
        "\tThe MTS-ID of the original message is: c=jp;a=\n"}) {
    SplitNotification split = SplitAtReturnedMessage(text);
    EXPECT_EQ(split.notice, text);
    EXPECT_TRUE(split.original.empty());
  }
}

TEST(ReadPlainBounce, Qmail) {
  std::vector<RecipientEvidence> evidence = Read(
      "Hi. This is the qmail-send program at mx4.example.jp.\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
      "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
      "<kijitora@example.ne.jp>:\n"
      "192.0.2.32 does not like recipient.\n"
      "Remote host said: 550 5.1.1 <kijitora@example.ne.jp>... User Unknown\n"
      "Giving up on 192.0.2.32.\n\n"
      "<mikeneko@example.ne.jp>:\n"
      "Sorry, no mailbox here by that name. (#5.1.1)\n");
  ASSERT_EQ(RecipientsOf(evidence),
            (std::vector<std::string>{"kijitora@example.ne.jp", "mikeneko@example.ne.jp"}));
  EXPECT_EQ(evidence[0].action, "failed");
  EXPECT_NE(evidence[0].diagnostic.find("550 5.1.1"), std::string::npos);
  EXPECT_EQ(evidence[0].diagnostic.find("no mailbox here"), std::string::npos);  // that is the next one's
  EXPECT_NE(evidence[1].diagnostic.find("(#5.1.1)"), std::string::npos);
}

TEST(ReadPlainBounce, EximWithItsSendersAddressInTheText) {
  PlainBounceContext context;
  context.sending_side = {"shironeko@example.jp"};
  context.failed_recipients = {"kijitora@example.ed.jp"};
  std::vector<RecipientEvidence> evidence = Read(
      "A message that you sent could not be delivered to one or more of its\n"
      "recipients. This is a permanent error. The following address(es) failed:\n\n"
      "  kijitora@example.ed.jp\n"
      "    SMTP error from remote mail server after MAIL FROM:<shironeko@example.jp> SIZE=1543:\n"
      "    host mx.example.jp [192.0.2.20]: 550 5.7.0 <shironeko@example.jp>... Please use the smtp server "
      "of your "
      "ISP.\n",
      context);
  ASSERT_EQ(RecipientsOf(evidence), (std::vector<std::string>{"kijitora@example.ed.jp"}));
  EXPECT_NE(evidence[0].diagnostic.find("after MAIL FROM"), std::string::npos);
}

TEST(ReadPlainBounce, SendmailNamesTheNextHostBeforeTheNextRecipient) {
  std::vector<RecipientEvidence> evidence = Read(
      "   ----- Transcript of session follows -----\n"
      "554 <kijitora@example.edu>... Remote protocol error: Connection reset by peer\n"
      "550 example.or.jp (smtp)... 550 Host unknown\n"
      "554 <kuroneko@example.or.jp>... 550 Host unknown (Authoritative answer from name server)\n");
  ASSERT_EQ(RecipientsOf(evidence),
            (std::vector<std::string>{"kijitora@example.edu", "kuroneko@example.or.jp"}));
  EXPECT_EQ(evidence[0].diagnostic.find("Host unknown"), std::string::npos);
  EXPECT_NE(evidence[1].diagnostic.find("Host unknown"), std::string::npos);
}

TEST(ReadPlainBounce, ContactsAndSendersAreNotRecipients) {
  std::vector<RecipientEvidence> evidence = Read(
      "I'm sorry to have to inform you that the message returned\n"
      "below could not be delivered to one or more destinations.\n"
      "For further assistance, please contact <support@isp.example>\n"
      "(or write to <support@isp.example> in Japanese)\n"
      "Original Sender:    <sender@shop.example>\n"
      "MAIL FROM: sender@shop.example\n"
      "RCPT TO: jane@example.com\n"
      "550 5.1.1 User unknown\n");
  EXPECT_EQ(RecipientsOf(evidence), (std::vector<std::string>{"jane@example.com"}));
}

TEST(ReadPlainBounce, UsesTheTextBeforeTheRecipientWhenTheRestSaysNothing) {
  std::vector<RecipientEvidence> evidence = Read(
      "Could not be delivered because of\n\n550 5.1.1 User unknown\n\n"
      "The following recipients were affected:\n    jane@example.com\n    john@example.com\n");
  ASSERT_EQ(evidence.size(), 2u);
  for (const RecipientEvidence& recipient : evidence)
    EXPECT_NE(recipient.diagnostic.find("550 5.1.1 User unknown"), std::string::npos) << recipient.recipient;
}

TEST(ReadPlainBounce, FallsBackToTheOriginalsRecipients) {
  PlainBounceContext context;
  context.subject = "Returned Mail: User unknown";
  context.original_recipients = {"jane@example.com"};
  std::vector<RecipientEvidence> evidence = Read("Your message could not be delivered.\n", context);
  ASSERT_EQ(RecipientsOf(evidence), (std::vector<std::string>{"jane@example.com"}));
  EXPECT_NE(evidence[0].diagnostic.find("User unknown"), std::string::npos);  // from the subject
}

TEST(ReadPlainBounce, AMessageSentToOneselfStillNamesItsRecipient) {
  PlainBounceContext context;
  context.sending_side = {"me@example.fr"};
  context.original_recipients = {"other@example.com"};
  EXPECT_EQ(RecipientsOf(
                Read("The following address failed:\n\nme@example.fr:\n550 5.2.0 Mail rejected\n", context)),
            (std::vector<std::string>{"me@example.fr"}));
}

TEST(ReadPlainBounce, TellsADelayWarning) {
  std::vector<RecipientEvidence> evidence = Read(
      "This message was created automatically by mail delivery software.\n"
      "A message that you sent has not yet been delivered to one or more of its recipients.\n"
      "  jane@example.com\n    Delay reason: 451 4.4.1 Connection timed out\n"
      "No action is required on your part. Delivery attempts will continue for some time.\n");
  ASSERT_EQ(evidence.size(), 1u);
  EXPECT_EQ(evidence[0].action, "delayed");
  PlainBounceContext context;
  context.subject = "Delivery Status Notification (Delay)";
  EXPECT_EQ(Read("jane@example.com: 451 4.4.1 Connection timed out\n", context)[0].action, "delayed");
  context.subject = "Delivery Status Notification (Failure)";
  EXPECT_EQ(Read("jane@example.com: retry timeout exceeded\n", context)[0].action, "failed");
}

TEST(ReadPlainBounce, BoundsTheRecipients) {
  std::string notice = "The following addresses failed:\n";
  for (int i = 0; i < 3000; ++i) notice += "  user" + std::to_string(i) + "@example.org: 550 5.1.1 unknown\n";
  size_t omitted = 0;
  std::vector<RecipientEvidence> evidence = ReadPlainBounce(notice, {}, 50, omitted);
  EXPECT_EQ(evidence.size(), 50u);
  EXPECT_EQ(omitted, 950u);  // addresses past the first thousand are not even looked at
}

TEST(ReadPlainBounce, OneHugeLineOfAddressesStaysLinear) {
  // Every address on one 200 KiB line that also says "contact": each is looked at once.
  std::string line = "please contact";
  for (int i = 0; line.size() < 200000; ++i) line += " <user" + std::to_string(i) + "@example.org>";
  EXPECT_TRUE(Read(line + "\n").empty());
  line.replace(0, 14, "failed:");
  size_t omitted = 0;
  std::vector<RecipientEvidence> evidence = ReadPlainBounce(line + "\n550 5.1.1 unknown\n", {}, 100, omitted);
  ASSERT_EQ(evidence.size(), 1u);  // the one after "failed:"; the others are merely mentioned
  EXPECT_LE(evidence[0].diagnostic.size(), 8192u);
}

TEST(ReadPlainBounce, GarbageGivesNothing) {
  EXPECT_TRUE(Read("").empty());
  EXPECT_TRUE(Read("no addresses here, 550 5.1.1 user unknown\n").empty());
  EXPECT_TRUE(Read(std::string(100000, '@')).empty());
}

}  // namespace
}  // namespace herald::bounces
