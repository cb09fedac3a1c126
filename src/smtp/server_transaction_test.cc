// ServerSession: MAIL, RCPT, DATA, the data's outcome, the stored reply, and pipelined streams driven
// through DataReceiver as the connection drives them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtp/data_receiver.h"
#include "smtp/server_session.h"
#include "smtp/server_session_test_util.h"

namespace herald::smtp {
namespace {

using testing_util::RunTranscript;
using testing_util::TestOptions;

// A session after EHLO, authorised, with many errors allowed so that refusals can be listed.
ServerSession Ready(ServerOptions options = TestOptions(), SenderCheck check = nullptr) {
  options.max_errors = 1000;
  ServerSession session(options);
  session.OnLine("EHLO client.example");
  session.SetAuthorized(false, std::move(check));
  return session;
}

TEST(ServerTransaction, MailNeedsHelloAndAuthorisation) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: MAIL FROM:<a@a.example>
    S: 503 5.5.1 Send EHLO first
    C: EHLO a.example
    S: *
    C: MAIL FROM:<a@a.example>
    S: 530 5.7.0 Authentication required
    ! authorize require-tls
    C: MAIL FROM:<a@a.example>
    S: 530 5.7.0 Must issue a STARTTLS command first
    C: STARTTLS
    S: 220 2.0.0 Ready to start TLS
    = starttls
    ! tls
    C: EHLO a.example
    S: *
    ! authorize require-tls
    C: MAIL FROM:<a@a.example>
    S: 250 2.1.0 Sender OK
    C: MAIL FROM:<a@a.example>
    S: 503 5.5.1 Nested MAIL command
  )");
}

TEST(ServerTransaction, MailArgumentRefusals) {
  ServerSession session = Ready();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"MAIL", "501 5.5.4 Syntax: MAIL FROM:<address>"},
      {"MAIL TO:<a@a.example>", "501 5.5.4 Syntax: MAIL FROM:<address>"},
      {"MAIL FROM:a@a.example", "501 5.5.4 Syntax: MAIL FROM:<address>"},
      {"MAIL FROM:<a@a.example", "501 5.5.4 Syntax: MAIL FROM:<address>"},
      {"MAIL FROM:<a@a.example>SIZE=1", "501 5.5.4 Syntax: MAIL FROM:<address>"},
      {"MAIL FROM:<a@<b.example>", "501 5.5.4 Syntax: MAIL FROM:<address>"},
      {"MAIL FROM:<a>", "501 5.1.7 Bad sender address syntax"},
      {"MAIL FROM:<a@localhost>", "501 5.1.7 Bad sender address syntax"},
      {"MAIL FROM:<a..b@a.example>", "501 5.1.7 Bad sender address syntax"},
      {"MAIL FROM:<a@[192.0.2.1]>", "501 5.1.7 Bad sender address syntax"},
      {"MAIL FROM:<@-x:a@a.example>", "501 5.1.7 Bad sender address syntax"},
      {"MAIL FROM:<@a..b,@c:a@a.example>", "501 5.1.7 Bad sender address syntax"},
      {"MAIL FROM:<@a.example,c:a@a.example>", "501 5.1.7 Bad sender address syntax"},
      {"MAIL FROM:<@a.example:>", "501 5.1.7 Bad sender address syntax"},
      {"MAIL FROM:<@:a@a.example>", "501 5.1.7 Bad sender address syntax"},
      {"MAIL FROM:<a@a.example> RET=HDRS", "555 5.5.4 Unsupported parameter"},
      {"MAIL FROM:<a@a.example> SIZE", "501 5.5.4 Bad parameter syntax"},
      {"MAIL FROM:<a@a.example> SIZE=12k", "501 5.5.4 Bad parameter syntax"},
      {"MAIL FROM:<a@a.example> SIZE=1 SIZE=2", "501 5.5.4 Bad parameter syntax"},
      {"MAIL FROM:<a@a.example> BODY=BINARYMIME", "501 5.5.4 Bad parameter syntax"},
      {"MAIL FROM:<a@a.example> SMTPUTF8=yes", "501 5.5.4 Bad parameter syntax"},
      {"MAIL FROM:<a@a.example> =x", "501 5.5.4 Bad parameter syntax"},
      {"MAIL FROM:<a@a.example> SIZE=1001", "552 5.3.4 Message size exceeds fixed maximum message size"},
      {"MAIL FROM:<a@a.example> SIZE=99999999999999999999999",
       "552 5.3.4 Message size exceeds fixed maximum message size"},
      {"MAIL FROM:<j\xc3\xb6rg@a.example>", "553 5.6.7 SMTPUTF8 is required for a non-ASCII address"},
      {"MAIL FROM:<a@a.example> BODY=8BIT\xc3\xb6", "500 5.5.2 Invalid character in command line"},
      {"MAIL FR\xc3\x96M:<a@a.example>", "500 5.5.2 Invalid character in command line"},
      {"MAIL FROM:<j\xff@a.example> SMTPUTF8", "501 5.1.7 Bad sender address syntax"},
  };
  for (const auto& [line, reply] : cases) {
    EXPECT_EQ(session.OnLine(line).output, reply + "\r\n") << line;
  }
  EXPECT_EQ(session.OnLine("RCPT TO:<b@b.example>").output, "503 5.5.1 Need MAIL command\r\n")
      << "a refused MAIL starts no transaction";
}

TEST(ServerTransaction, MailAcceptsWhatRfcsAllow) {
  const std::vector<std::string> lines = {
      "MAIL FROM:<a@a.example>",
      "mail from:<a@a.example>",
      "MAIL FROM: <a@a.example>",
      "MAIL FROM:<>",
      "MAIL FROM:<a@a.example> SIZE=1000 BODY=7BIT",
      "MAIL FROM:<a@a.example>  size=5   body=8bitmime  ",
      "MAIL FROM:<a@a.example> AUTH=<>",
      "MAIL FROM:<\"john doe>\"@a.example>",
      "MAIL FROM:<@relay.example,@b.example:a@a.example>",
      "MAIL FROM:<@x:a@a.example>",
      "MAIL FROM:<j\xc3\xb6rg@a.example> SMTPUTF8",
  };
  for (const std::string& line : lines) {
    ServerSession session = Ready();
    EXPECT_EQ(session.OnLine(line).output, "250 2.1.0 Sender OK\r\n") << line;
  }
  ServerSession session = Ready();
  session.OnLine("MAIL FROM:<@relay.example:Jane@A.example> SIZE=20 BODY=8BITMIME SMTPUTF8");
  const Envelope& envelope = session.envelope();
  EXPECT_EQ(envelope.mail_from.address.AddrSpec(), "Jane@A.example");
  EXPECT_TRUE(envelope.eight_bit_mime);
  EXPECT_TRUE(envelope.smtputf8);
  EXPECT_EQ(envelope.declared_size, 20u);
  session.OnLine("RSET");
  session.OnLine("MAIL FROM:<>");
  EXPECT_TRUE(session.envelope().mail_from.null());
  EXPECT_FALSE(session.envelope().declared_size.has_value());
}

TEST(ServerTransaction, SenderCheckDecides) {
  std::vector<std::string> asked;
  ServerSession session = Ready(TestOptions(), [&](const Path& sender) -> std::optional<ServerReply> {
    asked.push_back(sender.address.AddrSpec());
    if (sender.address.domain == "ok.example") return std::nullopt;
    if (sender.address.domain == "crlf.example") return ServerReply{550, "5.7.1", "bad\r\nRCPT TO:<x@y.z>"};
    if (sender.address.domain == "noenh.example") return ServerReply{550, "", "Not yours"};
    if (sender.address.domain == "wrongclass.example") return ServerReply{451, "5.7.1", "Later"};
    if (sender.address.domain == "positive.example") return ServerReply{250, "2.0.0", "fine"};
    return ServerReply{550, "5.7.1", "Sender domain not allowed"};
  });
  EXPECT_EQ(session.OnLine("MAIL FROM:<a@other.example>").output, "550 5.7.1 Sender domain not allowed\r\n");
  EXPECT_EQ(session.OnLine("MAIL FROM:<a@crlf.example>").output, "550 5.7.1 bad  RCPT TO:<x@y.z>\r\n");
  EXPECT_EQ(session.OnLine("MAIL FROM:<a@noenh.example>").output, "550 5.0.0 Not yours\r\n");
  EXPECT_EQ(session.OnLine("MAIL FROM:<a@wrongclass.example>").output, "451 4.0.0 Later\r\n");
  EXPECT_EQ(session.OnLine("MAIL FROM:<a@positive.example>").output, "451 4.3.0 Internal error\r\n");
  EXPECT_EQ(session.OnLine("RCPT TO:<b@b.example>").output, "503 5.5.1 Need MAIL command\r\n");
  EXPECT_EQ(session.OnLine("MAIL FROM:<a@ok.example>").output, "250 2.1.0 Sender OK\r\n");
  EXPECT_EQ(asked.size(), 6u);
  EXPECT_EQ(asked.back(), "a@ok.example");
}

TEST(ServerTransaction, RcptRefusals) {
  ServerSession session = Ready();
  EXPECT_EQ(session.OnLine("RCPT TO:<b@b.example>").output, "503 5.5.1 Need MAIL command\r\n");
  ASSERT_EQ(session.OnLine("MAIL FROM:<a@a.example>").output, "250 2.1.0 Sender OK\r\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"RCPT", "501 5.5.4 Syntax: RCPT TO:<address>"},
      {"RCPT FROM:<b@b.example>", "501 5.5.4 Syntax: RCPT TO:<address>"},
      {"RCPT TO:b@b.example", "501 5.5.4 Syntax: RCPT TO:<address>"},
      {"RCPT TO:<>", "501 5.1.3 Bad recipient address syntax"},
      {"RCPT TO:<Postmaster>", "501 5.1.3 Bad recipient address syntax"},
      {"RCPT TO:<b@b>", "501 5.1.3 Bad recipient address syntax"},
      {"RCPT TO:<b@b.example> NOTIFY=NEVER", "555 5.5.4 Unsupported parameter"},
      {"RCPT TO:<b@b.example> ORCPT=rfc822;b@b.example", "555 5.5.4 Unsupported parameter"},
      {"RCPT TO:<j\xc3\xb6rg@b.example>", "553 5.6.7 SMTPUTF8 is required for a non-ASCII address"},
  };
  for (const auto& [line, reply] : cases) {
    EXPECT_EQ(session.OnLine(line).output, reply + "\r\n") << line;
  }
  EXPECT_EQ(session.OnLine("DATA").output, "554 5.5.1 No valid recipients\r\n");
  EXPECT_EQ(session.OnLine("rcpt to:<@hop.example:b@b.example>").output, "250 2.1.5 Recipient OK\r\n");
  ASSERT_EQ(session.envelope().rcpt_to.size(), 1u);
  EXPECT_EQ(session.envelope().rcpt_to[0].address.AddrSpec(), "b@b.example");
}

TEST(ServerTransaction, Utf8RecipientNeedsSmtpUtf8OnMail) {
  ServerSession session = Ready();
  session.OnLine("MAIL FROM:<a@a.example> SMTPUTF8");
  EXPECT_EQ(session.OnLine("RCPT TO:<j\xc3\xb6rg@b.example>").output, "250 2.1.5 Recipient OK\r\n");
}

// TestOptions: max_recipients 3, max_errors 5. 452s for extra recipients are not errors (Postfix's
// recipient overshoot), so a client pipelining a long list is not cut off.
TEST(ServerTransaction, TooManyRecipients) {
  ServerOptions options = TestOptions();
  ServerSession session(options);
  session.OnLine("EHLO a.example");
  session.SetAuthorized(false, nullptr);
  session.OnLine("MAIL FROM:<a@a.example>");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(session.OnLine("RCPT TO:<b@b.example>").output, "250 2.1.5 Recipient OK\r\n");
  for (int i = 0; i < 50; ++i) {
    ServerStep step = session.OnLine("RCPT TO:<c@b.example>");
    ASSERT_EQ(step.output, "452 4.5.3 Too many recipients\r\n") << i;
    ASSERT_EQ(step.action, Action::kNone);
  }
  EXPECT_EQ(session.envelope().rcpt_to.size(), 3u);
  EXPECT_EQ(session.OnLine("DATA").action, Action::kReadData);
}

TEST(ServerTransaction, RecipientOvershootCountsInTheEnd) {
  ServerOptions options = TestOptions();
  options.max_recipients = 1;
  ServerSession session(options);
  session.OnLine("EHLO a.example");
  session.SetAuthorized(false, nullptr);
  session.OnLine("MAIL FROM:<a@a.example>");
  session.OnLine("RCPT TO:<b@b.example>");
  ServerStep step;
  size_t refused = 0;
  while (step.action != Action::kClose && refused < kRecipientOvershoot + 100) {
    step = session.OnLine("RCPT TO:<c@b.example>");
    ++refused;
  }
  EXPECT_EQ(refused, kRecipientOvershoot + static_cast<size_t>(options.max_errors));
  EXPECT_EQ(step.action, Action::kClose);
}

TEST(ServerTransaction, DataRefusals) {
  ServerSession session = Ready();
  EXPECT_EQ(session.OnLine("DATA").output, "503 5.5.1 Need MAIL command\r\n");
  session.OnLine("MAIL FROM:<a@a.example>");
  EXPECT_EQ(session.OnLine("DATA").output, "503 5.5.1 Need RCPT command\r\n");
  session.OnLine("RCPT TO:<b@b.example>");
  EXPECT_EQ(session.OnLine("DATA now").output, "501 5.5.4 Syntax: DATA\r\n");
  ServerStep step = session.OnLine("data");
  EXPECT_EQ(step.output, "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(step.action, Action::kReadData);
}

// Each refused data resets the envelope: the next RCPT needs a new MAIL.
TEST(ServerTransaction, DataOutcomes) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: EHLO a.example
    S: *
    ! authorize
    C: MAIL FROM:<a@a.example>
    S: *
    C: RCPT TO:<b@b.example>
    S: *
    C: DATA
    S: *
    = read-data
    ! data too-large
    S: 552 5.3.4 Message size exceeds fixed maximum message size
    C: RCPT TO:<b@b.example>
    S: 503 5.5.1 Need MAIL command
    C: MAIL FROM:<a@a.example>
    S: *
    C: RCPT TO:<b@b.example>
    S: *
    C: DATA
    S: *
    = read-data
    ! data bare-line-end
    S: 550 5.6.0 Message contains a bare CR or LF; lines must end with CRLF
    C: MAIL FROM:<a@a.example>
    S: *
    C: RCPT TO:<b@b.example>
    S: *
    C: DATA
    S: *
    = read-data
    ! data too-long-line
    S: 550 5.6.0 Message contains a line longer than 998 bytes
    C: DATA
    S: 503 5.5.1 Need MAIL command
    S: 421 4.7.0 mx.herald.test Error: too many errors
    = close
  )");
}

TEST(ServerTransaction, StoredReplies) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: EHLO a.example
    S: *
    ! authorize
    C: MAIL FROM:<a@a.example>
    S: *
    C: RCPT TO:<b@b.example>
    S: *
    C: DATA
    S: *
    = read-data
    ! data complete
    = store
    ! stored 451 4.3.0 Storage unavailable; try again
    S: 451 4.3.0 Storage unavailable; try again
    C: RCPT TO:<b@b.example>
    S: 503 5.5.1 Need MAIL command
    C: MAIL FROM:<a@a.example>
    S: *
    C: RCPT TO:<b@b.example>
    S: *
    C: DATA
    S: *
    = read-data
    ! data complete
    = store
    ! stored 250 - Queued
    S: 250 2.0.0 Queued
    C: MAIL FROM:<a@a.example>
    S: *
    C: RCPT TO:<b@b.example>
    S: *
    C: DATA
    S: *
    = read-data
    ! data complete
    = store
    ! stored 421 4.3.2 Shutting down
    S: 421 4.3.2 Shutting down
    = close
  )");
  ServerSession session = Ready();
  session.OnLine("MAIL FROM:<a@a.example>");
  session.OnLine("RCPT TO:<b@b.example>");
  session.OnLine("DATA");
  ASSERT_EQ(session.OnData(DataOutcome::kComplete).action, Action::kStore);
  EXPECT_EQ(session.envelope().rcpt_to.size(), 1u) << "the envelope is there to store";
  ServerStep step = session.OnStored(ServerReply{250, "2.0.0", "Queued as\r\nmsg_1 \x01\xc3\xa9"});
  EXPECT_EQ(step.output, "250 2.0.0 Queued as  msg_1  ??\r\n");
  EXPECT_TRUE(session.envelope().rcpt_to.empty());
}

// Postfix resets its counts when mail is delivered: a pooled client sending RSET before every
// message must not be cut off after max_junk_commands messages.
TEST(ServerTransaction, DeliveredMailResetsTheCounts) {
  ServerSession session(TestOptions());  // max_junk_commands 8, max_errors 5
  session.OnLine("EHLO a.example");
  session.SetAuthorized(false, nullptr);
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(session.OnLine("RSET").action, Action::kNone) << i;
    ASSERT_EQ(session.OnLine("NOOP").action, Action::kNone) << i;
    ASSERT_EQ(session.OnLine("VRFY x").action, Action::kNone) << i;
    ASSERT_EQ(session.OnLine("MAIL FROM:<a@a.example>").action, Action::kNone);
    ASSERT_EQ(session.OnLine("RCPT TO:<x@@b.example>").action, Action::kNone);
    ASSERT_EQ(session.OnLine("RCPT TO:<b@b.example>").action, Action::kNone);
    ASSERT_EQ(session.OnLine("DATA").action, Action::kReadData);
    ASSERT_EQ(session.OnData(DataOutcome::kComplete).action, Action::kStore);
    ASSERT_EQ(session.OnStored(ServerReply{250, "2.0.0", "Queued"}).action, Action::kNone);
  }
  // The counts go on from zero after the last message.
  for (int i = 1; i < 8; ++i) ASSERT_EQ(session.OnLine("NOOP").action, Action::kNone) << i;
  ServerStep step = session.OnLine("NOOP");
  EXPECT_EQ(step.output, "250 2.0.0 OK\r\n421 4.7.0 mx.herald.test Error: too many junk commands\r\n");
  EXPECT_EQ(step.action, Action::kClose);
}

}  // namespace
}  // namespace herald::smtp
