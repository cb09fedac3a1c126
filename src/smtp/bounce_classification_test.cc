#include "smtp/bounce_classification.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald::smtp {
namespace {

// "bounced hard user_unknown", "deferred rate_limited", "delivered".
std::string Describe(const BounceClassification& c) {
  std::string text(ToString(c.disposition));
  if (c.type) text += " " + std::string(ToString(*c.type));
  if (c.disposition != Disposition::kDelivered) text += " " + std::string(ToString(c.reason));
  return text;
}

struct Case {
  int code;
  std::string enhanced;
  std::string text;
  std::string expected;
};

// Replies as large providers and common MTAs send them (addresses and hosts replaced).
const std::vector<Case>& RealWorldReplies() {
  static const std::vector<Case> kCases = {
      // Gmail
      {550, "5.1.1",
       "The email account that you tried to reach does not exist. Please try double-checking the "
       "recipient's email address for typos or unnecessary spaces. "
       "https://support.google.com/mail/?p=NoSuchUser",
       "bounced hard user_unknown"},
      {552, "5.2.2",
       "The email account that you tried to reach is over quota. Please direct the recipient to "
       "https://support.google.com/mail/?p=OverQuotaTemp",
       "bounced soft mailbox_full"},
      {550, "5.2.1",
       "The email account that you tried to reach is disabled. "
       "https://support.google.com/mail/?p=DisabledUser",
       "bounced hard mailbox_disabled"},
      {452, "4.2.2", "The email account that you tried to reach is over quota.", "deferred mailbox_full"},
      {421, "4.7.0", "Try again later, closing connection. (EHLO)", "deferred rate_limited"},
      {421, "4.7.28",
       "Our system has detected an unusual rate of unsolicited mail originating from your IP address. "
       "To protect our users from spam, mail sent from your IP address has been temporarily rate limited.",
       "deferred rate_limited"},
      {550, "5.7.26",
       "This message does not have authentication information or fails to pass authentication checks "
       "(SPF or DKIM). To best protect our users from spam, the message has been blocked.",
       "bounced soft policy_blocked"},
      {550, "5.7.1",
       "[192.0.2.1] The IP you're using to send mail is not authorized to send email directly to our "
       "servers. Please use the SMTP relay at your service provider instead.",
       "bounced soft policy_blocked"},
      {550, "5.7.1",
       "Our system has detected that this message is likely unsolicited mail. To reduce the amount of "
       "spam sent to Gmail, this message has been blocked.",
       "bounced soft policy_blocked"},
      {552, "5.7.0", "This message was blocked because its content presents a potential security issue.",
       "bounced soft policy_blocked"},
      {550, "5.7.1",
       "The user or domain that you are sending to (or from) has a policy that prohibited the mail that "
       "you sent.",
       "bounced soft policy_blocked"},
      {552, "5.3.4", "Your message exceeded Google's message size limits.", "bounced soft message_too_large"},
      {450, "4.2.1",
       "The user you are trying to contact is receiving mail at a rate that prevents additional "
       "messages from being delivered.",
       "deferred rate_limited"},
      {550, "5.7.25", "The IP address sending this message does not have a PTR record setup.",
       "bounced soft policy_blocked"},
      {451, "4.3.0", "Mail server temporarily rejected message.", "deferred temporary"},
      {554, "5.6.0", "Message exceeded 50 hops, this may indicate a mail loop.", "bounced soft system"},
      {250, "2.0.0", "OK 1700000000 a1b2c3d4e5f6 - gsmtp", "delivered"},
      // Microsoft (Outlook.com, Exchange Online)
      {550, "5.5.0",
       "Requested action not taken: mailbox unavailable (S2017062302). [BN7NAM10FT043.eop-nam10.prod]",
       "bounced hard user_unknown"},
      {550, "5.1.10", "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
       "bounced hard user_unknown"},
      {550, "5.7.1",
       "Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service "
       "provider since part of their network is on our block list (S3150).",
       "bounced soft policy_blocked"},
      {451, "4.7.500", "Server busy. Please try again later from [192.0.2.1]. (S77714)",
       "deferred rate_limited"},
      {550, "5.4.1",
       "Recipient address rejected: Access denied. AS(201806281) [DM6NAM12FT036.eop-nam12.prod]",
       "bounced hard user_unknown"},
      {554, "5.2.2",
       "mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded",
       "bounced soft mailbox_full"},
      {550, "5.7.708", "Service unavailable. Access denied, traffic not accepted from this IP.",
       "bounced soft policy_blocked"},
      {550, "5.7.606", "Access denied, banned sending IP [192.0.2.1].", "bounced soft policy_blocked"},
      {452, "4.5.3", "Too many recipients", "deferred rate_limited"},
      {554, "5.4.14", "Hop count exceeded - possible mail loop ATTR34", "bounced soft system"},
      {550, "5.1.8", "Access denied, bad outbound sender AS(42004)", "bounced soft policy_blocked"},
      {554, "5.4.4", "SMTPSEND.DNS.NonExistentDomain; nonexistent domain", "bounced hard domain_not_found"},
      {550, "5.7.509",
       "Access denied, sending domain example.com does not pass DMARC verification and has a DMARC "
       "policy of reject.",
       "bounced soft policy_blocked"},
      {250, "2.6.0", "<id@example.com> [InternalId=123] Queued mail for delivery", "delivered"},
      // Yahoo, AOL
      {554, "5.7.9",
       "Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes",
       "bounced soft policy_blocked"},
      {421, "4.7.0",
       "[TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user "
       "complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
       "deferred rate_limited"},
      {421, "4.7.0",
       "[TSS01] Messages from 192.0.2.1 temporarily deferred due to user complaints - 4.16.55.1",
       "deferred policy_blocked"},
      {552, "", "1 Requested mail action aborted, mailbox not found", "bounced hard user_unknown"},
      {554, "",
       "delivery error: dd This user doesn't have a yahoo.com account (someone@yahoo.com) [0] - mta1.mail",
       "bounced hard user_unknown"},
      {554, "",
       "delivery error: dd Sorry your message to someone@yahoo.com cannot be delivered. This mailbox is "
       "disabled (554.30). - mta1.mail",
       "bounced hard mailbox_disabled"},
      {553, "5.7.1",
       "[BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list",
       "bounced soft policy_blocked"},
      {451, "", "Message temporarily deferred - [160]", "deferred temporary"},
      // Apple iCloud, Proofpoint, Mimecast, Barracuda
      {550, "5.1.1", "<someone@icloud.com>: user does not exist", "bounced hard user_unknown"},
      {552, "5.2.2", "<someone@icloud.com>: user is over quota", "bounced soft mailbox_full"},
      {554, "5.7.1",
       "[CS01] Message rejected due to local policy. Please visit https://support.apple.com/HT204137",
       "bounced soft policy_blocked"},
      {550, "5.7.0", "Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.1",
       "bounced soft policy_blocked"},
      {550, "",
       "Rejected by header based Anti-Spoofing policy: someone@example.com - https://community.mimecast.com",
       "bounced soft policy_blocked"},
      {550, "", "Invalid recipient <someone@example.com> (#5.1.1)", "bounced hard user_unknown"},
      {554, "", "Service unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation",
       "bounced soft policy_blocked"},
      {550, "5.7.1", "Message rejected as spam by Content Filtering.", "bounced soft policy_blocked"},
      {550, "5.7.0", "Message rejected: Email contains a virus", "bounced soft content_rejected"},
      // Postfix
      {550, "5.1.1",
       "<someone@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
       "bounced hard user_unknown"},
      {550, "5.1.1",
       "<someone@example.com>: Recipient address rejected: User unknown in local recipient table",
       "bounced hard user_unknown"},
      {450, "4.1.8", "<bounce@example.net>: Sender address rejected: Domain not found",
       "deferred policy_blocked"},
      {554, "5.7.1", "<someone@example.com>: Relay access denied", "bounced soft relay_denied"},
      {450, "4.2.0",
       "<someone@example.com>: Recipient address rejected: Greylisted, see "
       "http://postgrey.schweikert.ch/help/example.com.html",
       "deferred temporary"},
      {554, "5.7.1",
       "Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; "
       "https://www.spamhaus.org/query/ip/192.0.2.1",
       "bounced soft policy_blocked"},
      {450, "4.7.1", "Client host rejected: cannot find your hostname, [192.0.2.1]",
       "deferred policy_blocked"},
      {552, "5.3.4", "Message size exceeds fixed limit", "bounced soft message_too_large"},
      {452, "4.3.1", "Insufficient system storage", "deferred temporary"},
      {550, "5.1.10",
       "<someone@nullmx.example>: Recipient address rejected: Domain nullmx.example does not accept "
       "mail (nullMX)",
       "bounced hard domain_not_found"},
      {450, "4.1.2", "<someone@nowhere.example>: Recipient address rejected: Domain not found",
       "deferred domain_not_found"},
      {504, "5.5.2", "<localhost>: Helo command rejected: need fully-qualified hostname",
       "bounced soft policy_blocked"},
      {250, "2.0.0", "Ok: queued as 4ABCDEF123", "delivered"},
      // Exim
      {550, "", "Unrouteable address", "bounced hard domain_not_found"},
      {550, "", "Verification failed for <bounce@example.net> Unrouteable address Sender verify failed",
       "bounced soft policy_blocked"},
      {451, "", "Temporary local problem - please try later", "deferred temporary"},
      {550, "", "Administrative prohibition", "bounced soft policy_blocked"},
      {550, "", "rejected because 192.0.2.1 is in a black list at zen.spamhaus.org",
       "bounced soft policy_blocked"},
      {552, "", "Message size exceeds maximum permitted", "bounced soft message_too_large"},
      // qmail
      {550, "", "sorry, no mailbox here by that name. (#5.1.1)", "bounced hard user_unknown"},
      {553, "", "sorry, that domain isn't in my list of allowed rcpthosts. (#5.7.1)",
       "bounced soft relay_denied"},
      {552, "", "sorry, that message size exceeds my databytes limit (#5.3.4)",
       "bounced soft message_too_large"},
      // Sendmail
      {550, "5.1.1", "<someone@example.com>... User unknown", "bounced hard user_unknown"},
      {553, "5.1.8", "<bounce@example.net>... Domain of sender address bounce@example.net does not exist",
       "bounced soft policy_blocked"},
      {554, "5.0.0", "Service unavailable", "bounced soft unknown"},
      {450, "4.4.5", "Insufficient disk space; try again later", "deferred temporary"},
      {550, "5.7.1", "<someone@example.com>... Relaying denied. IP name possibly forged [192.0.2.1]",
       "bounced soft relay_denied"},
      // Others
      {550, "", "Mailbox not found. http://service.mail.qq.com/cgi-bin/help?subtype=1",
       "bounced hard user_unknown"},
      {550, "", "Connection frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1",
       "bounced soft rate_limited"},
      {550, "", "High probability of spam", "bounced soft policy_blocked"},
      {421, "", "Too many concurrent SMTP connections from this IP address; please try again later",
       "deferred rate_limited"},
      {450, "", "Requested mail action not taken: mailbox unavailable", "deferred user_unknown"},
      {550, "5.2.1",
       "<someone@example.com>: Recipient address rejected: this mailbox is inactive and has been "
       "disabled",
       "bounced hard mailbox_disabled"},
      {550, "5.1.6", "Mailbox has moved", "bounced hard user_unknown"},
      {550, "5.1.2", "Host unknown (Name server: nowhere.example: host not found)",
       "bounced hard domain_not_found"},
      {530, "5.7.0", "Must issue a STARTTLS command first", "bounced soft policy_blocked"},
      {550, "5.7.23", "SPF validation failed", "bounced soft policy_blocked"},
      {550, "5.7.27", "Sender address has null MX", "bounced soft policy_blocked"},
      {451, "4.7.1", "Please try again later", "deferred rate_limited"},
      {421, "4.4.2", "mx.example.com Error: timeout exceeded", "deferred temporary"},
      {501, "5.1.3", "Bad recipient address syntax", "bounced hard bad_destination"},
      {551, "", "User not local; please try <someone@elsewhere.example>", "bounced hard bad_destination"},
      {554, "5.6.1", "Media type not supported", "bounced soft content_rejected"},
      {554, "5.4.7", "Delivery expired (message too old)", "bounced soft temporary"},
      {550, "", "Message rejected", "bounced soft unknown"},
      {552, "", "Requested mail action aborted: exceeded storage allocation", "bounced soft mailbox_full"},
      {550, "5.7.1", "Messages with multiple addresses in From: header are not accepted.",
       "bounced soft content_rejected"},
      {550, "5.7.1", "This message is not RFC 5322 compliant. There are multiple Subject headers.",
       "bounced soft content_rejected"},
      {550, "", "Please turn on SMTP Authentication in your mail client.", "bounced soft policy_blocked"},
      // The reporting MTA's own words in DSNs and notifications (the bounce corpus), with the
      // status a DSN gives when there was no reply to quote.
      {0, "5.0.0",
       "The recipient server did not accept our requests to connect. [(0) example.jp. [192.0.2.222]:25: "
       "socket error]",
       "bounced soft temporary"},
      {0, "5.0.0",
       "all hosts have been failing for a long time and were last tried after this message arrived",
       "bounced soft temporary"},
      {0, "5.0.0", "Your message was not delivered within 0 days and 1 hours. Remote host is not responding.",
       "bounced soft temporary"},
      {0, "5.0.0", "an MX or SRV record indicated no SMTP service", "bounced hard domain_not_found"},
      {0, "5.0.0", "The number of messages in recipient's mailbox exceeded the local limit.",
       "bounced soft mailbox_full"},
      {0, "5.0.0", "Failed to read response template /home/someone/.vacation: No such file or directory",
       "bounced soft system"},
  };
  return kCases;
}

TEST(ClassifyReply, RealWorldReplies) {
  ASSERT_GE(RealWorldReplies().size(), 60u);
  for (const Case& c : RealWorldReplies()) {
    EXPECT_EQ(Describe(ClassifyReply(c.code, c.enhanced, c.text)), c.expected)
        << c.code << " " << c.enhanced << " " << c.text;
  }
}

TEST(ClassifyReply, DispositionFollowsTheReplyCode) {
  EXPECT_EQ(Describe(ClassifyReply(250, "", "")), "delivered");
  EXPECT_EQ(Describe(ClassifyReply(251, "", "User not local; will forward")), "delivered");
  EXPECT_EQ(Describe(ClassifyReply(421, "", "")), "deferred temporary");
  EXPECT_EQ(Describe(ClassifyReply(550, "", "")), "bounced soft unknown");
  // The reply code decides even when the enhanced code has another class.
  EXPECT_EQ(Describe(ClassifyReply(550, "4.2.2", "")), "bounced soft mailbox_full");
  EXPECT_EQ(Describe(ClassifyReply(450, "5.1.1", "")), "deferred user_unknown");
}

TEST(ClassifyReply, WithoutAReplyCodeTheStatusDecides) {
  // As in a DSN: a Status field and maybe no reply code.
  EXPECT_EQ(Describe(ClassifyReply(0, "5.1.1", "")), "bounced hard user_unknown");
  EXPECT_EQ(Describe(ClassifyReply(0, "4.4.7", "")), "deferred temporary");
  EXPECT_EQ(Describe(ClassifyReply(0, "2.0.0", "")), "delivered");
  EXPECT_EQ(Describe(ClassifyReply(0, "", "")), "deferred unknown");
  EXPECT_EQ(Describe(ClassifyReply(354, "", "Start mail input")), "deferred unknown");
  EXPECT_EQ(Describe(ClassifyReply(0, "", "no such user (#5.1.1)")), "bounced hard user_unknown");
}

TEST(ClassifyReply, FirmStatusCodesWinOverTheText) {
  EXPECT_EQ(Describe(ClassifyReply(550, "5.1.1", "blocked")), "bounced hard user_unknown");
  EXPECT_EQ(Describe(ClassifyReply(552, "5.2.2", "user unknown")), "bounced soft mailbox_full");
  // A generic code lets the text tell.
  EXPECT_EQ(Describe(ClassifyReply(550, "5.0.0", "User unknown")), "bounced hard user_unknown");
  EXPECT_EQ(Describe(ClassifyReply(550, "5.0.0", "mailbox full")), "bounced soft mailbox_full");
  EXPECT_EQ(Describe(ClassifyReply(550, "5.7.1", "Relaying denied")), "bounced soft relay_denied");
}

TEST(ClassifyReply, ThrottlingWinsOverAFirmCode) {
  // GoDaddy sends its hourly recipient limit with 5.1.1; the address is fine.
  EXPECT_EQ(
      Describe(ClassifyReply(550, "5.1.1",
                             "<someone@example.com> - 192.0.2.1 has sent to too many recipients this hour. "
                             "IB607 <http://x.co/rlbounce>")),
      "bounced soft rate_limited");
}

TEST(ClassifyReply, BlocklistsWinOverAFirmCode) {
  // The address is fine: the sending host is listed (and some DSNs map the remote's 5.7.1 to 5.1.1).
  EXPECT_EQ(Describe(ClassifyReply(553, "5.1.3", "http://www.spamhaus.org/query/bl?ip=192.0.2.1")),
            "bounced soft policy_blocked");
  EXPECT_EQ(Describe(ClassifyReply(550, "5.1.1", "IP address blacklisted by recipient")),
            "bounced soft policy_blocked");
}

TEST(ClassifyReply, AFullMailboxWinsOverAFirmCode) {
  EXPECT_EQ(Describe(ClassifyReply(552, "",
                                   "sorry, mailbox someone@example.org is over quota temporarily (#5.1.1)")),
            "bounced soft mailbox_full");
  EXPECT_EQ(Describe(ClassifyReply(552, "5.1.1", "Over quota")), "bounced soft mailbox_full");
}

TEST(ClassifyReply, NameServerFailuresAreNotUnknownDomains) {
  // Postfix's words for a DNS server that did not answer, under a firm 5.4.4 or none.
  EXPECT_EQ(Describe(ClassifyReply(0, "5.4.4",
                                   "Name service error for name=example.org type=MX: Malformed or unexpected "
                                   "name server reply")),
            "bounced soft temporary");
  EXPECT_EQ(Describe(ClassifyReply(0, "5.0.0",
                                   "Name service error for domain example.com: Host not found, try again")),
            "bounced soft temporary");
  // NXDOMAIN stays what it is.
  EXPECT_EQ(Describe(ClassifyReply(0, "5.4.4",
                                   "Host or domain name not found. Name service error for name=example.org "
                                   "type=A: Host not found")),
            "bounced hard domain_not_found");
}

TEST(ClassifyReply, TypeOfBounceFollowsTheReason) {
  for (BounceReason reason : {BounceReason::kUserUnknown, BounceReason::kMailboxDisabled,
                              BounceReason::kDomainNotFound, BounceReason::kBadDestination}) {
    EXPECT_EQ(TypeOfBounce(reason), BounceType::kHard) << ToString(reason);
  }
  for (BounceReason reason : {BounceReason::kMailboxFull, BounceReason::kPolicyBlocked,
                              BounceReason::kTemporary, BounceReason::kRateLimited, BounceReason::kUnknown}) {
    EXPECT_EQ(TypeOfBounce(reason), BounceType::kSoft) << ToString(reason);
  }
}

TEST(ClassifyReply, ReplyCodesOfRfc7504) {
  EXPECT_EQ(Describe(ClassifyReply(521, "5.3.2", "System not accepting network messages")),
            "bounced hard domain_not_found");
  EXPECT_EQ(Describe(ClassifyReply(556, "5.1.10", "")), "bounced hard domain_not_found");
}

TEST(ClassifyReply, RefusalsOfTheSenderAreNeverHard) {
  EXPECT_EQ(
      Describe(ClassifyReply(553, "5.1.0", "neko.example.com does not exist", RepliedCommand::kMailFrom)),
      "bounced soft policy_blocked");
  EXPECT_EQ(Describe(ClassifyReply(501, "5.0.0", "Invalid domain name", RepliedCommand::kHelo)),
            "bounced soft policy_blocked");
  EXPECT_EQ(Describe(ClassifyReply(550, "5.1.1", "User unknown", RepliedCommand::kMailFrom)),
            "bounced soft policy_blocked");
  EXPECT_EQ(Describe(ClassifyReply(451, "4.1.8", "Domain not found", RepliedCommand::kMailFrom)),
            "deferred policy_blocked");
  EXPECT_EQ(Describe(ClassifyReply(421, "4.7.0", "Too many connections", RepliedCommand::kGreeting)),
            "deferred rate_limited");
  // The same words about a recipient, or after DATA, are about the recipient.
  EXPECT_EQ(Describe(ClassifyReply(501, "5.0.0", "Invalid domain name", RepliedCommand::kRcptTo)),
            "bounced hard domain_not_found");
  EXPECT_EQ(Describe(ClassifyReply(550, "", "Unknown user someone@example.jp", RepliedCommand::kData)),
            "bounced hard user_unknown");
}

TEST(ClassifyReply, MalformedStatusCodesAreIgnored) {
  for (std::string status : {"5.1", "5.1.1.1", "x.1.1", "6.1.1", "5.1.1000", "55.1.1", "5..1", " 5.1.1"}) {
    EXPECT_EQ(Describe(ClassifyReply(550, status, "")), "bounced soft unknown") << status;
  }
  EXPECT_EQ(Describe(ClassifyReply(550, "", "error #5.1")), "bounced soft unknown");
}

TEST(ClassifyReply, PhrasesMatchWholeWordsOnly) {
  // "spf" inside a word, "relay" in a host name, "quota" as a prefix of nothing.
  EXPECT_EQ(Describe(ClassifyReply(550, "", "host relay.example.net: spfoo")), "bounced soft unknown");
  EXPECT_EQ(Describe(ClassifyReply(550, "", "USER-UNKNOWN")), "bounced hard user_unknown");
  EXPECT_EQ(Describe(ClassifyReply(550, "", "Throttling in effect")), "bounced soft rate_limited");
}

TEST(ClassifyReply, ReadsOnlyTheStartOfAHugeText) {
  std::string text(kMaxClassifiedTextBytes, 'a');
  text += " user unknown";
  EXPECT_EQ(Describe(ClassifyReply(550, "", text)), "bounced soft unknown");
}

TEST(ClassifyReply, FromAParsedReply) {
  Result<Reply> reply = ParseReply(
      "550-5.1.1 The email account that you tried to reach does not exist.\r\n"
      "550 5.1.1 https://support.google.com/mail/?p=NoSuchUser - gsmtp\r\n");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(Describe(ClassifyReply(*reply)), "bounced hard user_unknown");
}

TEST(BounceVocabulary, NamesAreStableAndRoundTrip) {
  const std::vector<std::string> kReasonNames = {
      "user_unknown", "mailbox_full", "domain_not_found", "policy_blocked",   "message_too_large",
      "relay_denied", "rate_limited", "mailbox_disabled", "content_rejected", "bad_destination",
      "system",       "temporary",    "unknown"};
  for (size_t i = 0; i < kReasonNames.size(); ++i) {
    auto reason = static_cast<BounceReason>(i);
    EXPECT_EQ(ToString(reason), kReasonNames[i]);
    EXPECT_EQ(ParseBounceReason(kReasonNames[i]), reason);
  }
  EXPECT_EQ(ParseBounceReason("User_Unknown"), std::nullopt);
  EXPECT_EQ(ParseBounceReason(""), std::nullopt);
  for (auto type : {BounceType::kHard, BounceType::kSoft}) EXPECT_EQ(ParseBounceType(ToString(type)), type);
  EXPECT_EQ(ToString(BounceType::kHard), "hard");
  EXPECT_EQ(ParseBounceType("firm"), std::nullopt);
  for (auto d : {Disposition::kDelivered, Disposition::kDeferred, Disposition::kBounced}) {
    EXPECT_EQ(ParseDisposition(ToString(d)), d);
  }
  EXPECT_EQ(ToString(Disposition::kBounced), "bounced");
  EXPECT_EQ(ParseDisposition("failed"), std::nullopt);
}

}  // namespace
}  // namespace herald::smtp
