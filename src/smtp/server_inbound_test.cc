// ServerSession as an inbound MX (ServerOptions::inbound): mail from anyone without AUTH, the null
// sender included; each recipient judged by the RecipientCheck, which survives STARTTLS.
#include <gtest/gtest.h>

#include <string>

#include "smtp/server_session.h"
#include "smtp/server_session_test_util.h"

namespace herald::smtp {
namespace {

using testing_util::TestOptions;
using testing_util::Transcript;

ServerOptions InboundOptions() {
  ServerOptions options = TestOptions();
  options.inbound = true;
  return options;
}

// Accepts only "bounces+ok@rp.example"; says 550 5.1.1 to the rest.
std::optional<ServerReply> OnlyOk(const Path& recipient) {
  if (recipient.address.AddrSpec() == "bounces+ok@rp.example") return std::nullopt;
  return ServerReply{550, "5.1.1", "Unknown return path"};
}

TEST(ServerInbound, GoldenBounceDialogue) {
  ServerSession session(InboundOptions());
  session.SetRecipientCheck(OnlyOk);
  Transcript(session).Run(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: EHLO mta.example
    S: 250-mx.herald.test
    S: 250-PIPELINING
    S: 250-SIZE 1000
    S: 250-8BITMIME
    S: 250-SMTPUTF8
    S: 250-ENHANCEDSTATUSCODES
    S: 250 STARTTLS
    C: AUTH PLAIN AGphbmUAc2VjcmV0
    S: 502 5.5.1 AUTH not available
    C: MAIL FROM:<>
    S: 250 2.1.0 Sender OK
    C: RCPT TO:<bounces+nothing@rp.example>
    S: 550 5.1.1 Unknown return path
    C: RCPT TO:<bounces+ok@rp.example>
    S: 250 2.1.5 Recipient OK
    C: DATA
    S: 354 End data with <CR><LF>.<CR><LF>
    = read-data
    ! data complete
    = store
    ! stored 250 2.0.0 Report recorded
    S: 250 2.0.0 Report recorded
    C: QUIT
    S: 221 2.0.0 Bye
    = close
  )");
}

TEST(ServerInbound, TheCheckSurvivesStartTlsAndAuthIsNeverOffered) {
  ServerSession session(InboundOptions());
  session.SetRecipientCheck(OnlyOk);
  Transcript(session).Run(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: EHLO mta.example
    S: *
    C: STARTTLS
    S: 220 2.0.0 Ready to start TLS
    = starttls
    ! tls
    C: EHLO mta.example
    S: 250-mx.herald.test
    S: 250-PIPELINING
    S: 250-SIZE 1000
    S: 250-8BITMIME
    S: 250-SMTPUTF8
    S: 250 ENHANCEDSTATUSCODES
    C: MAIL FROM:<postmaster@mta.example>
    S: 250 2.1.0 Sender OK
    C: RCPT TO:<jane@example.com>
    S: 550 5.1.1 Unknown return path
    C: DATA
    S: 554 5.5.1 No valid recipients
  )");
}

TEST(ServerInbound, RefusedRecipientsCountAsErrors) {
  ServerSession session(InboundOptions());  // max_errors 5
  session.SetRecipientCheck(OnlyOk);
  session.OnLine("EHLO mta.example");
  session.OnLine("MAIL FROM:<>");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(session.OnLine("RCPT TO:<x@y.example>").output, "550 5.1.1 Unknown return path\r\n");
  ServerStep last = session.OnLine("RCPT TO:<x@y.example>");
  EXPECT_EQ(last.output, "550 5.1.1 Unknown return path\r\n421 4.7.0 mx.herald.test Error: too many errors\r\n");
  EXPECT_EQ(last.action, Action::kClose);
}

TEST(ServerInbound, ACheckThatSaysYesIsNotBelieved) {
  ServerSession session(InboundOptions());
  session.SetRecipientCheck([](const Path&) { return ServerReply{250, "2.0.0", "fine"}; });
  session.OnLine("EHLO mta.example");
  session.OnLine("MAIL FROM:<>");
  EXPECT_EQ(session.OnLine("RCPT TO:<x@y.example>").output, "451 4.3.0 Internal error\r\n");
  EXPECT_TRUE(session.envelope().rcpt_to.empty());
}

TEST(ServerInbound, ASubmissionSessionStillNeedsAuthorisation) {
  ServerSession session(TestOptions());
  session.SetRecipientCheck(OnlyOk);
  session.OnLine("EHLO client.example");
  EXPECT_EQ(session.OnLine("MAIL FROM:<>").output, "530 5.7.0 Authentication required\r\n");
  session.SetAuthorized(false, nullptr);
  EXPECT_EQ(session.OnLine("MAIL FROM:<jane@shop.example>").output, "250 2.1.0 Sender OK\r\n");
  EXPECT_EQ(session.OnLine("RCPT TO:<joe@customer.example>").output, "550 5.1.1 Unknown return path\r\n");
}

}  // namespace
}  // namespace herald::smtp
