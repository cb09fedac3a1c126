#include "smtp/client_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald::smtp {
namespace {

// A reply from its wire text; lines may be given without the final CRLF.
Reply R(std::string text) {
  if (!text.ends_with("\n")) text += "\r\n";
  Result<Reply> reply = ParseReply(text);
  if (!reply.ok()) {
    ADD_FAILURE() << "bad test reply: " << text;
    return Reply();
  }
  return std::move(reply).value();
}

constexpr char kEhloPipelining[] =
    "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 "
    "SMTPUTF8";
constexpr char kEhloPlain[] = "250-mx.example\r\n250 8BITMIME";
constexpr char kEhloStartTls[] = "250-mx.example\r\n250-PIPELINING\r\n250 STARTTLS";

ClientPolicy Policy() {
  ClientPolicy policy;
  policy.ehlo_name = "out.herald.example";
  return policy;
}

// Greets and EHLOs; returns the step after the EHLO reply.
Step Connect(ClientSession& session, const std::string& ehlo_reply) {
  Step step = session.Start();
  EXPECT_EQ(step.next, Next::kReadReply);
  EXPECT_EQ(step.wait, Wait::kGreeting);
  EXPECT_TRUE(step.write.empty());
  step = session.OnReply(R("220 mx.example ESMTP"));
  EXPECT_EQ(step.write, "EHLO out.herald.example\r\n");
  EXPECT_EQ(step.next, Next::kReadReply);
  return session.OnReply(R(ehlo_reply));
}

OutgoingMessage Message(std::string_view content = "Subject: hi\r\n\r\n.hello\r\n") {
  OutgoingMessage message;
  message.mail_from = "bounces@herald.example";
  message.rcpt_to = "jane@dest.example";
  message.content = content;
  return message;
}

TEST(ClientSession, DeliversWithPipeliningInOneWrite) {
  ClientSession session(Policy());
  Step step = Connect(session, kEhloPipelining);
  ASSERT_EQ(step.next, Next::kReady);
  EXPECT_FALSE(step.verdict.has_value());
  EXPECT_TRUE(session.extensions().pipelining);
  EXPECT_EQ(session.extensions().size_limit, 1000u);

  const OutgoingMessage message = Message();
  step = session.StartMessage(message);
  EXPECT_EQ(step.write,
            "MAIL FROM:<bounces@herald.example> SIZE=23\r\n"
            "RCPT TO:<jane@dest.example>\r\n"
            "DATA\r\n");
  EXPECT_EQ(step.next, Next::kReadReply);
  step = session.OnReply(R("250 2.1.0 Ok"));
  EXPECT_TRUE(step.write.empty());
  EXPECT_EQ(step.next, Next::kReadReply);
  step = session.OnReply(R("250 2.1.5 Ok"));
  EXPECT_TRUE(step.write.empty());
  step = session.OnReply(R("354 End data with <CR><LF>.<CR><LF>"));
  EXPECT_EQ(step.write, "Subject: hi\r\n\r\n..hello\r\n.\r\n");
  EXPECT_TRUE(step.write_is_content);
  EXPECT_EQ(step.wait, Wait::kDataEnd);
  step = session.OnReply(R("250 2.0.0 Ok: queued as 4F2"));
  ASSERT_EQ(step.next, Next::kReady);
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kDelivered);
  EXPECT_EQ(step.verdict->reply.code, 250);
  EXPECT_EQ(step.verdict->reply.enhanced_code, "2.0.0");
  EXPECT_EQ(step.verdict->reply.text, "Ok: queued as 4F2");
  EXPECT_TRUE(session.ready());

  // The next message on the same connection needs no RSET.
  step = session.StartMessage(message);
  EXPECT_TRUE(step.write.starts_with("MAIL FROM:"));
}

TEST(ClientSession, DeliversOneCommandAtATimeWithoutPipelining) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPlain).next, Next::kReady);
  const OutgoingMessage message = Message("caf\xc3\xa9\r\n");
  Step step = session.StartMessage(message);
  EXPECT_EQ(step.write, "MAIL FROM:<bounces@herald.example> BODY=8BITMIME\r\n");
  step = session.OnReply(R("250 ok"));
  EXPECT_EQ(step.write, "RCPT TO:<jane@dest.example>\r\n");
  step = session.OnReply(R("250 ok"));
  EXPECT_EQ(step.write, "DATA\r\n");
  EXPECT_EQ(step.wait, Wait::kCommand);
  step = session.OnReply(R("354 go"));
  EXPECT_EQ(step.write, "caf\xc3\xa9\r\n.\r\n");
  step = session.OnReply(R("250 queued"));
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kDelivered);
  EXPECT_EQ(step.verdict->reply.enhanced_code, "");
}

TEST(ClientSession, NullReversePath) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPlain).next, Next::kReady);
  OutgoingMessage message = Message();
  message.mail_from = "";
  EXPECT_EQ(session.StartMessage(message).write, "MAIL FROM:<>\r\n");
}

enum class At { kMail, kRcpt, kData, kDataEnd };

struct FailureCase {
  bool pipelining;
  At at;
  std::string reply;
  Outcome outcome;
};

// Runs one message whose transaction is refused at `at` with `reply`, as a real server would
// answer the rest of a pipelined group.
Step RunRefusedTransaction(ClientSession& session, const FailureCase& c, const OutgoingMessage& message) {
  Step step = session.StartMessage(message);
  const bool refused_before_data = c.at != At::kDataEnd;
  if (c.pipelining) {
    step = session.OnReply(R(c.at == At::kMail ? c.reply : "250 ok"));
    step = session.OnReply(R(c.at == At::kRcpt   ? c.reply
                             : c.at == At::kMail ? "503 5.5.1 need MAIL"
                                                 : "250 ok"));
    if (refused_before_data) {
      return session.OnReply(R(c.at == At::kData ? c.reply : "554 5.5.1 no valid recipients"));
    }
    step = session.OnReply(R("354 go"));
    return session.OnReply(R(c.reply));
  }
  step = session.OnReply(R(c.at == At::kMail ? c.reply : "250 ok"));
  if (c.at == At::kMail) return step;
  step = session.OnReply(R(c.at == At::kRcpt ? c.reply : "250 ok"));
  if (c.at == At::kRcpt) return step;
  step = session.OnReply(R(c.at == At::kData ? c.reply : "354 go"));
  if (c.at == At::kData) return step;
  return session.OnReply(R(c.reply));
}

TEST(ClientSession, RefusalAtEachStepDecidesTheOutcomeAndRsetPrecedesTheNextMessage) {
  std::vector<FailureCase> cases;
  for (bool pipelining : {true, false}) {
    for (At at : {At::kMail, At::kRcpt, At::kData, At::kDataEnd}) {
      cases.push_back({pipelining, at, "451 4.3.0 try again later", Outcome::kTemporaryFailure});
      cases.push_back({pipelining, at, "550 5.1.1 no such user", Outcome::kPermanentFailure});
    }
  }
  for (const FailureCase& c : cases) {
    SCOPED_TRACE(testing::Message() << "pipelining=" << c.pipelining << " at=" << static_cast<int>(c.at)
                                    << " reply=" << c.reply);
    ClientSession session(Policy());
    ASSERT_EQ(Connect(session, c.pipelining ? kEhloPipelining : kEhloPlain).next, Next::kReady);
    const OutgoingMessage message = Message();
    Step step = RunRefusedTransaction(session, c, message);
    ASSERT_EQ(step.next, Next::kReady);
    ASSERT_TRUE(step.verdict.has_value());
    EXPECT_EQ(step.verdict->outcome, c.outcome);
    EXPECT_EQ(step.verdict->reply.code, std::stoi(c.reply.substr(0, 3)));
    EXPECT_EQ(step.verdict->reply.enhanced_code, c.reply.substr(4, 5));
    EXPECT_EQ(step.verdict->reply.text, c.reply.substr(10));
    // The verdict says which command the reply answered (bounce classification reads it).
    const RepliedCommand answered = c.at == At::kMail   ? RepliedCommand::kMailFrom
                                    : c.at == At::kRcpt ? RepliedCommand::kRcptTo
                                                        : RepliedCommand::kData;
    EXPECT_EQ(step.verdict->command, answered);

    step = session.StartMessage(message);
    EXPECT_TRUE(step.write.starts_with("RSET\r\nMAIL FROM:") || step.write == "RSET\r\n") << step.write;
    if (c.pipelining) {
      step = session.OnReply(R("250 flushed"));
      step = session.OnReply(R("250 ok"));
    } else {
      step = session.OnReply(R("250 flushed"));
      EXPECT_TRUE(step.write.starts_with("MAIL FROM:"));
    }
  }
}

TEST(ClientSession, PipelinedDataAcceptedAfterARefusalSendsOnlyTheDot) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPipelining).next, Next::kReady);
  const OutgoingMessage message = Message();
  session.StartMessage(message);
  session.OnReply(R("250 ok"));
  session.OnReply(R("550 5.1.1 unknown"));
  Step step = session.OnReply(R("354 go ahead anyway"));
  EXPECT_EQ(step.write, ".\r\n");
  EXPECT_FALSE(step.write_is_content);
  step = session.OnReply(R("554 no valid recipients"));
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(step.verdict->reply.code, 550);
}

TEST(ClientSession, RefusedRsetFailsTemporarilyAndClosesTheConnection) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPipelining).next, Next::kReady);
  const OutgoingMessage message = Message();
  session.StartMessage(message);
  session.OnReply(R("550 5.1.8 bad sender"));
  session.OnReply(R("503 need MAIL"));
  ASSERT_EQ(session.OnReply(R("503 need RCPT")).next, Next::kReady);
  session.StartMessage(message);
  session.OnReply(R("500 5.5.2 what is RSET"));
  session.OnReply(R("503 5.5.1 nested MAIL"));
  session.OnReply(R("503 need MAIL"));
  Step step = session.OnReply(R("503 need RCPT"));
  EXPECT_EQ(step.next, Next::kClose);
  EXPECT_EQ(step.write, "QUIT\r\n");
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(step.verdict->reply.code, 500);
  EXPECT_TRUE(session.closed());
}

TEST(ClientSession, ServiceClosingAtRcptIsTemporaryAndClosesWithoutQuit) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPipelining).next, Next::kReady);
  const OutgoingMessage message = Message();
  session.StartMessage(message);
  session.OnReply(R("250 ok"));
  Step step = session.OnReply(R("421 4.7.0 too many errors, closing"));
  EXPECT_EQ(step.next, Next::kClose);
  EXPECT_TRUE(step.write.empty());
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(step.verdict->reply.code, 421);
  EXPECT_TRUE(session.closed());
}

TEST(ClientSession, UnexpectedReplyCodeIsAProtocolError) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPlain).next, Next::kReady);
  const OutgoingMessage message = Message();
  session.StartMessage(message);
  session.OnReply(R("250 ok"));
  session.OnReply(R("250 ok"));
  Step step = session.OnReply(R("250 DATA is fine"));  // instead of 354
  EXPECT_EQ(step.next, Next::kClose);
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(step.verdict->reply.text, "unexpected reply: DATA is fine");
}

TEST(ClientSession, GreetingRefusals) {
  struct Case {
    std::string greeting;
    Outcome outcome;
    bool quit;
  };
  for (const Case& c : std::vector<Case>{
           {"554 5.7.1 no service for you", Outcome::kPermanentFailure, true},
           {"450 4.3.2 busy", Outcome::kTemporaryFailure, true},
           {"421 4.3.2 shutting down", Outcome::kTemporaryFailure, false},
       }) {
    ClientSession session(Policy());
    session.Start();
    Step step = session.OnReply(R(c.greeting));
    EXPECT_EQ(step.next, Next::kClose) << c.greeting;
    EXPECT_EQ(step.write, c.quit ? "QUIT\r\n" : "") << c.greeting;
    ASSERT_TRUE(step.verdict.has_value());
    EXPECT_EQ(step.verdict->outcome, c.outcome) << c.greeting;
    EXPECT_EQ(step.verdict->reply.code, std::stoi(c.greeting.substr(0, 3)));
    EXPECT_EQ(step.verdict->command, RepliedCommand::kGreeting) << c.greeting;
  }
}

TEST(ClientSession, EhloTemporaryRefusalFailsTheConnection) {
  ClientSession session(Policy());
  Step step = Connect(session, "452 4.3.1 insufficient resources");
  EXPECT_EQ(step.next, Next::kClose);
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kTemporaryFailure);
}

TEST(ClientSession, FallsBackToHeloWhenEhloIsRefused) {
  ClientSession session(Policy());
  Step step = Connect(session, "502 5.5.2 command not recognised");
  EXPECT_EQ(step.write, "HELO out.herald.example\r\n");
  step = session.OnReply(R("250 mx.example"));
  ASSERT_EQ(step.next, Next::kReady);
  EXPECT_FALSE(session.extensions().esmtp);
  const OutgoingMessage message = Message();
  step = session.StartMessage(message);
  EXPECT_EQ(step.write, "MAIL FROM:<bounces@herald.example>\r\n") << "no PIPELINING, no SIZE=";
}

TEST(ClientSession, HeloRefusedToo) {
  ClientSession session(Policy());
  Connect(session, "500 what");
  Step step = session.OnReply(R("550 5.7.1 go away"));
  EXPECT_EQ(step.next, Next::kClose);
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kPermanentFailure);
}

TEST(ClientSession, StartTlsWhenOfferedThenEhloAgain) {
  ClientPolicy policy = Policy();
  policy.tls_available = true;
  ClientSession session(policy);
  Step step = Connect(session, kEhloStartTls);
  EXPECT_EQ(step.write, "STARTTLS\r\n");
  step = session.OnReply(R("220 2.0.0 ready to start TLS"));
  EXPECT_EQ(step.next, Next::kStartTls);
  EXPECT_TRUE(step.write.empty());
  step = session.OnTlsEstablished();
  EXPECT_TRUE(session.tls_active());
  EXPECT_FALSE(session.extensions().pipelining) << "forgotten until the new EHLO reply";
  EXPECT_EQ(step.write, "EHLO out.herald.example\r\n");
  step = session.OnReply(R("250-mx.example\r\n250 PIPELINING"));
  EXPECT_EQ(step.next, Next::kReady);
  EXPECT_TRUE(session.extensions().pipelining);
  EXPECT_FALSE(session.extensions().starttls);
}

TEST(ClientSession, StaysInClearWhenTlsIsNotWantedOrNotPossible) {
  for (bool available : {false, true}) {
    ClientPolicy policy = Policy();
    policy.tls_available = available;
    policy.opportunistic_tls = !available;  // either no TLS context, or the policy says no
    ClientSession session(policy);
    Step step = Connect(session, kEhloStartTls);
    EXPECT_EQ(step.next, Next::kReady);
    EXPECT_TRUE(step.write.empty());
    EXPECT_FALSE(session.tls_active());
  }
}

TEST(ClientSession, OpportunisticTlsRefusedCarriesOnInClear) {
  ClientPolicy policy = Policy();
  policy.tls_available = true;
  ClientSession session(policy);
  Connect(session, kEhloStartTls);
  Step step = session.OnReply(R("454 4.7.0 TLS not available"));
  EXPECT_EQ(step.next, Next::kReady);
  EXPECT_FALSE(session.tls_active());
  EXPECT_TRUE(session.extensions().pipelining);
}

TEST(ClientSession, RequiredTlsNeverFallsBackToClear) {
  ClientPolicy policy = Policy();
  policy.tls_available = true;
  policy.opportunistic_tls = false;
  policy.require_tls = true;
  {
    ClientSession session(policy);
    Step step = Connect(session, kEhloPlain);
    EXPECT_EQ(step.next, Next::kClose);
    EXPECT_EQ(step.write, "QUIT\r\n");
    ASSERT_TRUE(step.verdict.has_value());
    EXPECT_EQ(step.verdict->outcome, Outcome::kTemporaryFailure);
    EXPECT_EQ(step.verdict->reply.code, 0);
    EXPECT_EQ(step.verdict->reply.enhanced_code, "4.7.4");
  }
  {
    ClientSession session(policy);
    EXPECT_EQ(Connect(session, kEhloStartTls).write, "STARTTLS\r\n") << "required implies wanted";
    Step step = session.OnReply(R("554 5.7.0 no TLS for you"));
    EXPECT_EQ(step.next, Next::kClose);
    ASSERT_TRUE(step.verdict.has_value());
    EXPECT_EQ(step.verdict->outcome, Outcome::kTemporaryFailure);
    EXPECT_EQ(step.verdict->reply.code, 554);
  }
  {
    ClientSession session(policy);
    Connect(session, kEhloStartTls);
    session.OnReply(R("220 go"));
    Step step = session.OnTlsFailed("certificate verify failed");
    EXPECT_EQ(step.next, Next::kClose);
    ASSERT_TRUE(step.verdict.has_value());
    EXPECT_EQ(step.verdict->reply.text, "TLS handshake failed: certificate verify failed");
  }
  {
    ClientSession session(policy);
    Connect(session, "502 no EHLO");
    Step step = session.OnReply(R("250 hello"));  // HELO: no STARTTLS possible
    EXPECT_EQ(step.next, Next::kClose);
    ASSERT_TRUE(step.verdict.has_value());
    EXPECT_EQ(step.verdict->reply.enhanced_code, "4.7.4");
  }
  {
    policy.tls_available = false;
    ClientSession session(policy);
    Step step = Connect(session, kEhloStartTls);
    EXPECT_EQ(step.next, Next::kClose);
    ASSERT_TRUE(step.verdict.has_value());
    EXPECT_EQ(step.verdict->reply.text, "TLS is required but no TLS context is configured");
  }
}

TEST(ClientSession, MessageOverTheAdvertisedSizeFailsPermanentlyWithoutACommand) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPipelining).next, Next::kReady);  // SIZE 1000
  const std::string big(1001, 'x');
  const OutgoingMessage message = Message(big);
  Step step = session.StartMessage(message);
  EXPECT_TRUE(step.write.empty());
  EXPECT_EQ(step.next, Next::kReady);
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(step.verdict->reply.code, 0);
  EXPECT_EQ(step.verdict->reply.enhanced_code, "5.3.4");
  EXPECT_TRUE(session.ready());
  const OutgoingMessage small = Message();
  EXPECT_TRUE(session.StartMessage(small).write.starts_with("MAIL FROM:")) << "no RSET: nothing was sent";
}

TEST(ClientSession, SizeWithoutALimitOrWithGarbageMeansNoLimit) {
  for (const char* ehlo : {"250-mx\r\n250 SIZE", "250-mx\r\n250 SIZE 0", "250-mx\r\n250 SIZE 12x",
                           "250-mx\r\n250 SIZE 99999999999999999999999"}) {
    ClientSession session(Policy());
    ASSERT_EQ(Connect(session, ehlo).next, Next::kReady);
    EXPECT_TRUE(session.extensions().size) << ehlo;
    EXPECT_EQ(session.extensions().size_limit, 0u) << ehlo;
    const std::string big(100000, 'x');
    const OutgoingMessage message = Message(big);
    EXPECT_EQ(session.StartMessage(message).write, "MAIL FROM:<bounces@herald.example> SIZE=100000\r\n")
        << ehlo;
  }
}

TEST(ClientSession, SmtpUtf8NeededButNotOfferedFailsPermanently) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPlain).next, Next::kReady);
  OutgoingMessage message = Message();
  message.rcpt_to = "j\xc3\xb8rn@dest.example";  // detected even when the flag is not set
  Step step = session.StartMessage(message);
  EXPECT_TRUE(step.write.empty());
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(step.verdict->reply.enhanced_code, "5.6.7");
  EXPECT_NE(step.verdict->reply.text.find("SMTPUTF8"), std::string::npos);
}

TEST(ClientSession, SmtpUtf8OfferedIsRequestedOnMail) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPipelining).next, Next::kReady);
  OutgoingMessage message = Message("Subject: caf\xc3\xa9\r\n");
  message.smtputf8 = true;
  Step step = session.StartMessage(message);
  EXPECT_TRUE(step.write.starts_with("MAIL FROM:<bounces@herald.example> SIZE=16 BODY=8BITMIME SMTPUTF8\r\n"))
      << step.write;
}

TEST(ClientSession, AddressesThatWouldBreakTheCommandLineAreRefused) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPipelining).next, Next::kReady);
  OutgoingMessage message = Message();
  message.rcpt_to = "a@b.example>\r\nRCPT TO:<evil@c.example";
  Step step = session.StartMessage(message);
  EXPECT_TRUE(step.write.empty());
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kPermanentFailure);
  message = Message();
  message.mail_from = "x\n@y.example";
  step = session.StartMessage(message);
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->reply.enhanced_code, "5.1.7");
}

TEST(ClientSession, LostConnectionAfterTheFinalDotIsTemporaryAndSaysSo) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPipelining).next, Next::kReady);
  const OutgoingMessage message = Message();
  session.StartMessage(message);
  session.OnReply(R("250 ok"));
  session.OnReply(R("250 ok"));
  session.OnReply(R("354 go"));
  Step step = session.OnConnectionError("timed out");
  EXPECT_EQ(step.next, Next::kClose);
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(step.verdict->reply.code, 0);
  EXPECT_EQ(step.verdict->reply.enhanced_code, "4.4.2");
  EXPECT_NE(step.verdict->reply.text.find("end of data"), std::string::npos);
  EXPECT_FALSE(step.verdict->lost_before_reply) << "the message may have been delivered";
  EXPECT_TRUE(session.closed());
}

TEST(ClientSession, LostConnectionBeforeAnyReplyIsSafeToRetry) {
  for (bool pipelining : {true, false}) {
    ClientSession session(Policy());
    ASSERT_EQ(Connect(session, pipelining ? kEhloPipelining : kEhloPlain).next, Next::kReady);
    const OutgoingMessage message = Message();
    session.StartMessage(message);
    Step step = session.OnConnectionError("connection closed by the server");
    ASSERT_TRUE(step.verdict.has_value());
    EXPECT_TRUE(step.verdict->lost_before_reply);
    EXPECT_EQ(step.verdict->reply.text, "lost connection after MAIL FROM: connection closed by the server");
  }
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPlain).next, Next::kReady);
  const OutgoingMessage message = Message();
  session.StartMessage(message);
  session.OnReply(R("250 ok"));
  Step step = session.OnConnectionError("reset");
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_FALSE(step.verdict->lost_before_reply);
}

TEST(ClientSession, ConnectFailureBeforeStart) {
  ClientSession session(Policy());
  Step step = session.OnConnectionError("Connection refused");
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_EQ(step.verdict->reply.text, "cannot connect: Connection refused");
  EXPECT_EQ(step.verdict->reply.enhanced_code, "4.4.1");
}

TEST(ClientSession, ReplyTextIsCleanedAndCut) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPipelining).next, Next::kReady);
  const OutgoingMessage message = Message();
  session.StartMessage(message);
  Step step = session.OnReply(R("550 5.7.1 bad\x01\x1b[31m " + std::string(1500, 'y')));
  session.OnReply(R("503 x"));
  step = session.OnReply(R("503 x"));
  ASSERT_TRUE(step.verdict.has_value());
  EXPECT_TRUE(step.verdict->reply.text.starts_with("bad??[31m yyy"));
  EXPECT_LE(step.verdict->reply.text.size(), kMaxRecordedTextBytes + 3);  // + the "…" of the cut
}

TEST(ClientSession, QuitWaitsForTheReplyThenCloses) {
  ClientSession session(Policy());
  ASSERT_EQ(Connect(session, kEhloPipelining).next, Next::kReady);
  Step step = session.Quit();
  EXPECT_EQ(step.write, "QUIT\r\n");
  EXPECT_EQ(step.next, Next::kReadReply);
  EXPECT_EQ(step.wait, Wait::kQuit);
  step = session.OnReply(R("221 2.0.0 bye"));
  EXPECT_EQ(step.next, Next::kClose);
  EXPECT_FALSE(step.verdict.has_value());
  EXPECT_TRUE(session.closed());
}

TEST(ClientSession, QuitBeforeReadyJustCloses) {
  ClientSession session(Policy());
  session.Start();
  Step step = session.Quit();
  EXPECT_EQ(step.next, Next::kClose);
  EXPECT_TRUE(step.write.empty());
}

TEST(ParseEhloReply, ReadsKnownKeywordsCaseInsensitively) {
  Extensions extensions =
      ParseEhloReply(R("250-mx.example greets you\r\n250-pipelining\r\n250-Size 52428800\r\n250-StartTLS\r\n"
                       "250-8bitmime\r\n250-AUTH PLAIN LOGIN\r\n250-EnhancedStatusCodes\r\n250 smtputf8"));
  EXPECT_TRUE(extensions.esmtp);
  EXPECT_TRUE(extensions.pipelining);
  EXPECT_TRUE(extensions.starttls);
  EXPECT_TRUE(extensions.size);
  EXPECT_EQ(extensions.size_limit, 52428800u);
  EXPECT_TRUE(extensions.eightbitmime);
  EXPECT_TRUE(extensions.smtputf8);
  EXPECT_TRUE(extensions.enhanced_status_codes);
  Extensions none = ParseEhloReply(R("250-PIPELINING is the server name here\r\n250 HELP"));
  EXPECT_FALSE(none.pipelining) << "the first line is the server's name";
}

}  // namespace
}  // namespace herald::smtp
