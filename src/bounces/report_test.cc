#include "bounces/report.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/address.h"
#include "mime/corpus_test_util.h"

namespace herald::bounces {
namespace {

using smtp::BounceReason;
using smtp::BounceType;
using smtp::Disposition;

constexpr std::string_view kId = "msg_01jdz4n7r8xg4w5v3k2p9qh6tb";
constexpr std::string_view kToken = "01jdz4n7r8xg4w5v3k2p9qh6tb";

smtp::Envelope EnvelopeTo(std::string_view recipient) {
  smtp::Envelope envelope;
  Result<core::EmailAddress> address = core::ParseAddrSpec(recipient);
  EXPECT_TRUE(address.ok()) << recipient;
  if (address.ok()) envelope.rcpt_to.push_back({*address});
  return envelope;
}

ReadOptions OurDomains() {
  ReadOptions options;
  options.is_return_path_domain = [](std::string_view domain) {
    return domain == "bounces.shop.example" || domain == "rp.herald.example";
  };
  return options;
}

Report Read(std::string_view raw, const smtp::Envelope& envelope = {},
            const ReadOptions& options = OurDomains()) {
  Result<Report> report = ReadReport(raw, envelope, options);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return report.ok() ? *report : Report{};
}

// A Postfix-style DSN about `recipients` (failed with 550 5.1.1 unless `group` says otherwise),
// returning an original with `original_header`.
std::string Dsn(std::string recipient_groups,
                std::string original_header = "Message-ID: <x@shop.example>\n") {
  return "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
         "To: bounces+" +
         std::string(kToken) +
         "@bounces.shop.example\n"
         "Subject: Undelivered Mail Returned to Sender\n"
         "MIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
         "--B\nContent-Type: text/plain\n\nI'm sorry to have to inform you that your message could not\n"
         "be delivered to one or more recipients.\n\n"
         "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n" +
         recipient_groups + "\n--B\nContent-Type: text/rfc822-headers\n\n" + original_header +
         "From: Shop <orders@shop.example>\nTo: jane@example.com\nSubject: Your order\n\n--B--\n";
}

std::string FailedGroup(std::string_view recipient, std::string_view status = "5.1.1",
                        std::string_view diagnostic = "smtp; 550 5.1.1 <jane@example.com>: User unknown") {
  return "Final-Recipient: rfc822; " + std::string(recipient) +
         "\nAction: failed\nStatus: " + std::string(status) +
         "\nDiagnostic-Code: " + std::string(diagnostic) + "\n\n";
}

TEST(ReadReport, ADsnIsABounce) {
  Report report = Read(Dsn(FailedGroup("jane@example.com")),
                       EnvelopeTo("bounces+" + std::string(kToken) + "@bounces.shop.example"));
  EXPECT_EQ(report.kind, ReportKind::kBounce);
  ASSERT_EQ(report.recipients.size(), 1u);
  const RecipientOutcome& outcome = report.recipients[0];
  EXPECT_EQ(outcome.recipient, "jane@example.com");
  EXPECT_EQ(outcome.action, "failed");
  EXPECT_EQ(outcome.status, "5.1.1");
  EXPECT_EQ(outcome.reply_code, 550);
  EXPECT_EQ(outcome.diagnostic, "550 5.1.1 <jane@example.com>: User unknown");
  EXPECT_EQ(outcome.disposition, Disposition::kBounced);
  EXPECT_EQ(outcome.type, BounceType::kHard);
  EXPECT_EQ(outcome.reason, BounceReason::kUserUnknown);
  EXPECT_EQ(report.message_id, kId);
  EXPECT_EQ(report.message_id_source, MessageIdSource::kVerpRecipient);
  EXPECT_EQ(report.original_message_id_header, "<x@shop.example>");
}

TEST(ReadReport, ADelayWarningIsNoBounce) {
  Report report =
      Read(Dsn("Final-Recipient: rfc822; jane@example.com\nAction: delayed\nStatus: 4.4.1\n"
               "Diagnostic-Code: X-Postfix; connect to mx.example.com[192.0.2.1]:25: Connection timed out\n"
               "Will-Retry-Until: Fri, 30 Apr 2010 23:34:45 +0900\n"));
  EXPECT_EQ(report.kind, ReportKind::kDelay);
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_EQ(report.recipients[0].disposition, Disposition::kDeferred);
  EXPECT_FALSE(report.recipients[0].type);
  EXPECT_EQ(report.recipients[0].reason, BounceReason::kTemporary);
}

TEST(ReadReport, ADsnMayMixFailuresDelaysAndDeliveries) {
  Report report = Read(Dsn(FailedGroup("a@example.com") +
                           "Final-Recipient: rfc822; b@example.com\nAction: delayed\nStatus: 4.2.2\n\n"
                           "Final-Recipient: rfc822; c@example.com\nAction: relayed\nStatus: 2.0.0\n"));
  EXPECT_EQ(report.kind, ReportKind::kBounce);
  ASSERT_EQ(report.recipients.size(), 3u);
  EXPECT_EQ(report.recipients[1].disposition, Disposition::kDeferred);
  EXPECT_EQ(report.recipients[1].reason, BounceReason::kMailboxFull);
  EXPECT_EQ(report.recipients[2].disposition, Disposition::kDelivered);

  report = Read(Dsn("Final-Recipient: rfc822; c@example.com\nAction: delivered\nStatus: 2.0.0\n"));
  EXPECT_EQ(report.kind, ReportKind::kDelivered);
}

TEST(ReadReport, ADsnWithoutDiagnosticTakesItFromTheText) {
  std::string raw = Dsn("Final-Recipient: rfc822; jane@example.com\nAction: failed\nStatus: 5.0.0\n");
  raw.replace(
      raw.find("be delivered to one or more recipients.\n"), 39,
      "be delivered.\n\n<jane@example.com>: host mx said: 550 5.2.2 Mailbox full (in reply to RCPT TO)\n");
  Report report = Read(raw);
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_EQ(report.recipients[0].status, "5.2.2");
  EXPECT_EQ(report.recipients[0].reason, BounceReason::kMailboxFull);
  EXPECT_EQ(report.recipients[0].type, BounceType::kSoft);
}

TEST(ReadReport, AMultipartWithABrokenBoundaryIsReadAsText) {
  std::string raw = Dsn(FailedGroup("jane@example.com"));
  raw.replace(raw.find("boundary=\"B\""), 12, "boundary=\"NOT-THERE\"");
  Report report = Read(raw);
  EXPECT_EQ(report.kind, ReportKind::kBounce);
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_EQ(report.recipients[0].recipient, "jane@example.com");
  EXPECT_EQ(report.recipients[0].reason, BounceReason::kUserUnknown);
}

// ---- Which message ---------------------------------------------------------------------------

TEST(ReadReport, TheVerpTokenNamesTheMessageInAnyCase) {
  std::string upper = "BOUNCES+01JDZ4N7R8XG4W5V3K2P9QH6TB@Bounces.Shop.Example";
  Report report = Read(Dsn(FailedGroup("jane@example.com")), EnvelopeTo(upper));
  EXPECT_EQ(report.message_id, kId);
  EXPECT_EQ(report.message_id_source, MessageIdSource::kVerpRecipient);
}

TEST(ReadReport, AVerpAddressElsewhereOrWithoutAnIdNamesNothing) {
  for (std::string recipient :
       {"bounces+" + std::string(kToken) + "@bounces.other.example",  // a foreign domain
        std::string("bounces+not-an-id@bounces.shop.example"),        // not a token
        "bounces+" + std::string(kToken).substr(1) + "@bounces.shop.example",
        std::string("feedback@bounces.shop.example")}) {
    Report report = Read(Dsn(FailedGroup("jane@example.com")), EnvelopeTo(recipient));
    EXPECT_EQ(report.message_id, std::nullopt) << recipient;
    EXPECT_EQ(report.message_id_source, MessageIdSource::kNone) << recipient;
  }
  // Without the list of our domains no envelope recipient is believed.
  Report report = Read(Dsn(FailedGroup("jane@example.com")),
                       EnvelopeTo("bounces+" + std::string(kToken) + "@bounces.shop.example"), ReadOptions{});
  EXPECT_EQ(report.message_id, std::nullopt);
}

TEST(ReadReport, TheReturnedMessageIdNamesTheMessage) {
  Report report = Read(
      Dsn(FailedGroup("jane@example.com"), "Message-ID: <MSG_01JDZ4N7R8XG4W5V3K2P9QH6TB@shop.example>\n"));
  EXPECT_EQ(report.message_id, kId);
  EXPECT_EQ(report.message_id_source, MessageIdSource::kOriginalMessageId);
  EXPECT_EQ(report.original_message_id_header, "<MSG_01JDZ4N7R8XG4W5V3K2P9QH6TB@shop.example>");

  report = Read(Dsn(FailedGroup("jane@example.com"),
                    "Message-ID: <foreign@mua.example>\nX-Herald-Message-Id: " + std::string(kId) + "\n"));
  EXPECT_EQ(report.message_id, kId);
  EXPECT_EQ(report.message_id_source, MessageIdSource::kOriginalHeraldHeader);

  report = Read(Dsn(FailedGroup("jane@example.com"),
                    "Return-Path: <bounces+" + std::string(kToken) + "@rp.herald.example>\n"));
  EXPECT_EQ(report.message_id, kId);
  EXPECT_EQ(report.message_id_source, MessageIdSource::kOriginalReturnPath);

  // Look-alikes name nothing.
  for (std::string header : {std::string("Message-ID: <msg_tooshort@shop.example>\n"),
                             "Message-ID: <msg_" + std::string(kToken) + "x@a>\n",
                             "X-Herald-Message-Id: acct_" + std::string(kToken) + "\n",
                             "Return-Path: <bounces+" + std::string(kToken) + "@elsewhere.example>\n"}) {
    EXPECT_EQ(Read(Dsn(FailedGroup("jane@example.com"), header)).message_id, std::nullopt) << header;
  }
}

TEST(ReadReport, TheEnvelopeWinsOverTheReturnedMessage) {
  std::string other = "msg_01jdz4n7r8xg4w5v3k2p9qh6ta";
  Report report = Read(Dsn(FailedGroup("jane@example.com"), "Message-ID: <" + other + "@shop.example>\n"),
                       EnvelopeTo("bounces+" + std::string(kToken) + "@rp.herald.example"));
  EXPECT_EQ(report.message_id, kId);
}

// ---- Complaints, auto-replies, ordinary mail -------------------------------------------------------

std::string Arf(std::string feedback_fields, std::string original = "To: jane@example.com\n") {
  return "From: feedbackloop@isp.example\nTo: fbl@shop.example\nSubject: Abuse Report\nMIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n"
         "--F\nContent-Type: text/plain\n\nThis is an email abuse report.\n"
         "--F\nContent-Type: message/feedback-report\n\n" +
         feedback_fields + "\n--F\nContent-Type: message/rfc822\n\nMessage-ID: <" + std::string(kId) +
         "@shop.example>\n" + original + "Subject: Your order\n\nHello\n--F--\n";
}

TEST(ReadReport, AnArfReportIsAComplaint) {
  Report report =
      Read(Arf("Feedback-Type: abuse\nUser-Agent: SomeFBL/1.0\nVersion: 1\n"
               "Original-Mail-From: <bounces+x@bounces.shop.example>\n"
               "Original-Rcpt-To: <jane@example.com>\nOriginal-Rcpt-To: john@example.com\n"));
  EXPECT_EQ(report.kind, ReportKind::kComplaint);
  EXPECT_EQ(report.feedback_type, "abuse");
  ASSERT_EQ(report.recipients.size(), 2u);
  EXPECT_EQ(report.recipients[0].recipient, "jane@example.com");
  EXPECT_EQ(report.recipients[0].disposition, Disposition::kDelivered);
  EXPECT_FALSE(report.recipients[0].type);
  EXPECT_EQ(report.recipients[1].recipient, "john@example.com");
  EXPECT_EQ(report.message_id, kId);
}

TEST(ReadReport, AComplaintWithoutOriginalRcptToNamesTheReturnedTo) {
  Report report =
      Read(Arf("Feedback-Type: Opt-Out (unsubscribe)\nVersion: 1\n", "To: \"Jane\" <jane@example.com>\n"));
  EXPECT_EQ(report.kind, ReportKind::kComplaint);
  EXPECT_EQ(report.feedback_type, "opt-out");
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_EQ(report.recipients[0].recipient, "jane@example.com");
}

TEST(ReadReport, AVacationReplyIsNoBounce) {
  for (std::string header :
       {"Auto-Submitted: auto-replied\nSubject: Re: Your order\n",
        "Subject: Automatic reply: Your order\nX-Auto-Response-Suppress: All\n",
        "Subject: Out of Office: back on Monday\n", "Precedence: auto_reply\nSubject: Thanks\n",
        "X-Autoreply: yes\nSubject: Re: Your order\n"}) {
    Report report = Read("From: Jane <jane@example.com>\nTo: bounces+x@bounces.shop.example\n" + header +
                         "\nI am away until Monday; write to john@example.com, 550 no worries.\n");
    EXPECT_EQ(report.kind, ReportKind::kAutoReply) << header;
    ASSERT_EQ(report.recipients.size(), 1u) << header;
    EXPECT_EQ(report.recipients[0].recipient, "jane@example.com");
    EXPECT_EQ(report.recipients[0].disposition, Disposition::kDelivered);
  }
}

TEST(ReadReport, OrdinaryMailIsNotAReport) {
  Report report = Read(
      "From: Jane <jane@example.com>\nTo: orders@shop.example\nSubject: Question\n\n"
      "Hello, where is my order? Write to me at jane@example.com.\n");
  EXPECT_EQ(report.kind, ReportKind::kNotAReport);
  EXPECT_TRUE(report.recipients.empty());
  // Bounce words without a recipient or a code are not enough either.
  report = Read("From: jane@example.com\nSubject: Question\n\nMy mail could not be delivered, why?\n");
  EXPECT_EQ(report.kind, ReportKind::kNotAReport);
}

TEST(ReadReport, ANonStandardBounce) {
  Report report = Read(
      "From: MAILER-DAEMON@mx4.example.jp\nTo: bounces+x@bounces.shop.example\nSubject: failure notice\n\n"
      "Hi. This is the qmail-send program at mx4.example.jp.\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
      "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
      "<jane@example.jp>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n"
      "--- Below this line is a copy of the message.\n\n"
      "Return-Path: <bounces+" +
      std::string(kToken) +
      "@bounces.shop.example>\n"
      "Received: (qmail 10000 invoked by uid 999); 24 Apr 2013 00:00:00 +0900\n"
      "Message-ID: <" +
      std::string(kId) + "@shop.example>\nTo: jane@example.jp\n\nHello\n");
  EXPECT_EQ(report.kind, ReportKind::kBounce);
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_EQ(report.recipients[0].recipient, "jane@example.jp");
  EXPECT_EQ(report.recipients[0].status, "5.1.1");
  EXPECT_EQ(report.recipients[0].action, "failed");
  EXPECT_EQ(report.recipients[0].type, BounceType::kHard);
  EXPECT_EQ(report.message_id, kId);
  EXPECT_EQ(report.message_id_source, MessageIdSource::kOriginalMessageId);
}

TEST(ReadReport, AnSesNotification) {
  std::string json = R"({"notificationType":"Bounce","bounce":{"bounceType":"Permanent",)"
                     R"("bouncedRecipients":[{"emailAddress":"jane@example.com","action":"failed",)"
                     R"("status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}]},)"
                     R"("mail":{"headers":[{"name":"Message-ID","value":"<)" +
                     std::string(kId) + R"(@shop.example>"}]}})";
  // Wrapped the Sendmail way past 990 bytes, as a relay may do.
  json.insert(60, "!\n ");
  Report report =
      Read("From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n" + json + "\n");
  EXPECT_EQ(report.kind, ReportKind::kBounce);
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_EQ(report.recipients[0].recipient, "jane@example.com");
  EXPECT_EQ(report.recipients[0].type, BounceType::kHard);
  EXPECT_EQ(report.message_id, kId);

  report = Read(
      "Subject: AWS Notification Message\n\n"
      R"({"notificationType":"Complaint","complaint":)"
      R"({"complainedRecipients":[{"emailAddress":"jane@example.com"}]}})");
  EXPECT_EQ(report.kind, ReportKind::kComplaint);
  EXPECT_EQ(report.feedback_type, "abuse");
  // Broken JSON is no notification.
  report = Read("Subject: AWS Notification Message\n\n{\"notificationType\":\"Bounce\", [[[\n");
  EXPECT_EQ(report.kind, ReportKind::kNotAReport);
}

// ---- Limits and garbage ----------------------------------------------------------------------

TEST(ReadReport, KeepsAtMostMaxRecipients) {
  std::string groups;
  for (int i = 0; i < 300; ++i) groups += FailedGroup("user" + std::to_string(i) + "@example.com");
  ReadOptions options = OurDomains();
  options.limits.max_recipients = 25;
  options.limits.max_fields = 5000;
  Result<Report> report = ReadReport(Dsn(groups), {}, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->recipients.size(), 25u);
  EXPECT_EQ(report->omitted_recipients, 275u);
}

TEST(ReadReport, RefusesWhatPassesALimit) {
  ReadOptions options = OurDomains();
  options.limits.max_bytes = 1000;
  Result<Report> report = ReadReport(std::string(1001, 'a'), {}, options);
  EXPECT_EQ(report.status().code(), Code::kResourceExhausted);

  std::string nested = "Content-Type: multipart/mixed; boundary=\"b0\"\n\n";
  for (int i = 0; i < 40; ++i)
    nested += "--b" + std::to_string(i) + "\nContent-Type: multipart/mixed; boundary=\"b" +
              std::to_string(i + 1) + "\"\n\n";
  EXPECT_EQ(ReadReport(nested, {}, OurDomains()).status().code(), Code::kResourceExhausted);

  std::string many_parts = "Content-Type: multipart/mixed; boundary=\"b\"\n\n";
  for (int i = 0; i < 300; ++i) many_parts += "--b\nContent-Type: text/plain\n\npart\n";
  EXPECT_EQ(ReadReport(many_parts + "--b--\n", {}, OurDomains()).status().code(), Code::kResourceExhausted);
}

TEST(ReadReport, SurvivesGiantHeadersAndLines) {
  std::string giant_field = "X-Giant: " + std::string(2 << 20, 'x') + "\n";
  Report report = Read(Dsn(FailedGroup("jane@example.com", "5.1.1", "smtp; 550 " + std::string(1 << 20, 'y')),
                           giant_field + "Message-ID: <" + std::string(kId) + "@shop.example>\n"));
  EXPECT_EQ(report.kind, ReportKind::kBounce);
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_LE(report.recipients[0].diagnostic.size(), 512u);
  EXPECT_EQ(report.message_id, kId);
  report =
      Read("From: MAILER-DAEMON@x.example\nSubject: failure notice\n\n" + std::string(3 << 20, '@') + "\n");
  EXPECT_EQ(report.kind, ReportKind::kNotAReport);
}

TEST(ReadReport, GarbageNeverCrashes) {
  Result<Report> empty = ReadReport("", {}, OurDomains());
  EXPECT_TRUE(!empty.ok() || empty->kind == ReportKind::kNotAReport);
  std::mt19937 random(7);
  std::string dsn = Dsn(FailedGroup("jane@example.com")) + Arf("Feedback-Type: abuse\n");
  for (int round = 0; round < 300; ++round) {
    std::string input = dsn;
    for (int flips = 0; flips < 20; ++flips)
      input[random() % input.size()] = static_cast<char>(random() % 256);
    input.resize(random() % (input.size() + 1));
    Result<Report> report = ReadReport(input, {}, OurDomains());
    if (report.ok()) {
      for (const RecipientOutcome& outcome : report->recipients) EXPECT_LE(outcome.diagnostic.size(), 512u);
    }
  }
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(random() % 256);
  (void)ReadReport(bytes, {}, OurDomains());
}

TEST(ReadReport, LineEndsDoNotMatter) {
  std::string raw = Dsn(FailedGroup("jane@example.com"));
  Report lf = Read(raw);
  Report crlf = Read(mime::testing::WithCrlf(raw));
  EXPECT_EQ(crlf.kind, lf.kind);
  ASSERT_EQ(crlf.recipients.size(), lf.recipients.size());
  EXPECT_EQ(crlf.recipients[0].diagnostic, lf.recipients[0].diagnostic);
  EXPECT_EQ(crlf.recipients[0].reason, lf.recipients[0].reason);
}

TEST(ReportKind, NamesAreStable) {
  EXPECT_EQ(ToString(ReportKind::kBounce), "bounce");
  EXPECT_EQ(ToString(ReportKind::kDelay), "delay");
  EXPECT_EQ(ToString(ReportKind::kDelivered), "delivered");
  EXPECT_EQ(ToString(ReportKind::kComplaint), "complaint");
  EXPECT_EQ(ToString(ReportKind::kAutoReply), "auto_reply");
  EXPECT_EQ(ToString(ReportKind::kNotAReport), "not_a_report");
}

}  // namespace
}  // namespace herald::bounces
