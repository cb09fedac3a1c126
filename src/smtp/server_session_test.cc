// ServerSession: whole dialogues, EHLO/HELO, STARTTLS, AUTH, the commands outside a transaction, line
// checks and the error and junk limits. MAIL/RCPT/DATA are in server_transaction_test.cc.
#include "smtp/server_session.h"

#include <gtest/gtest.h>

#include <string>

#include "smtp/server_session_test_util.h"

namespace herald::smtp {
namespace {

using testing_util::LenientOptions;
using testing_util::RunTranscript;
using testing_util::TestOptions;
using testing_util::Transcript;

// The whole way of a submission client: STARTTLS, EHLO again, AUTH, one message, QUIT.
TEST(ServerSession, GoldenSubmissionDialogue) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: EHLO client.example
    S: 250-mx.herald.test
    S: 250-PIPELINING
    S: 250-SIZE 1000
    S: 250-8BITMIME
    S: 250-SMTPUTF8
    S: 250-ENHANCEDSTATUSCODES
    S: 250 STARTTLS
    C: AUTH PLAIN AGphbmUAc2VjcmV0
    S: 530 5.7.0 Must issue a STARTTLS command first
    C: STARTTLS
    S: 220 2.0.0 Ready to start TLS
    = starttls
    ! tls
    C: MAIL FROM:<jane@shop.example>
    S: 503 5.5.1 Send EHLO first
    C: EHLO client.example
    S: 250-mx.herald.test
    S: 250-PIPELINING
    S: 250-SIZE 1000
    S: 250-8BITMIME
    S: 250-SMTPUTF8
    S: 250-ENHANCEDSTATUSCODES
    S: 250 AUTH PLAIN LOGIN
    C: MAIL FROM:<jane@shop.example>
    S: 530 5.7.0 Authentication required
    # base64 of "\0jane\0secret"
    C: AUTH PLAIN AGphbmUAc2VjcmV0
    = authenticate
    ! auth accepted
    S: 235 2.7.0 Authentication successful
    ! authorize
    C: MAIL FROM:<jane@shop.example> SIZE=200 BODY=8BITMIME
    S: 250 2.1.0 Sender OK
    C: RCPT TO:<joe@customer.example>
    S: 250 2.1.5 Recipient OK
    C: RCPT TO:<ann@customer.example>
    S: 250 2.1.5 Recipient OK
    C: DATA
    S: 354 End data with <CR><LF>.<CR><LF>
    = read-data
    ! data complete
    = store
    ! stored 250 2.0.0 Queued as msg_123
    S: 250 2.0.0 Queued as msg_123
    C: QUIT
    S: 221 2.0.0 Bye
    = close
  )");
}

TEST(ServerSession, GoldenAuthLoginDialogue) {
  ServerOptions options = TestOptions();
  options.implicit_tls = true;
  ServerSession session(options);
  Transcript(session).Run(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: ehlo client.example
    S: 250-mx.herald.test
    S: 250-PIPELINING
    S: 250-SIZE 1000
    S: 250-8BITMIME
    S: 250-SMTPUTF8
    S: 250-ENHANCEDSTATUSCODES
    S: 250 AUTH PLAIN LOGIN
    C: auth login
    S: 334 VXNlcm5hbWU6
    C: amFuZQ==
    S: 334 UGFzc3dvcmQ6
    C: c2VjcmV0
    = authenticate
  )");
  EXPECT_EQ(session.credentials().mechanism, "LOGIN");
  EXPECT_EQ(session.credentials().username, "jane");
  EXPECT_EQ(session.credentials().password, "secret");
  ServerStep step = session.OnAuthResult(AuthResult::kRejected);
  EXPECT_EQ(step.output, "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_TRUE(session.credentials().password.empty()) << "the password is wiped once judged";
  EXPECT_FALSE(session.authenticated());
  // A rejected client may try again; PLAIN without an initial response, with an authzid.
  EXPECT_EQ(session.OnLine("AUTH PLAIN").output, "334 \r\n");
  step = session.OnLine("YWRtaW4AamFuZQBzZWNyZXQ=");  // "admin\0jane\0secret"
  EXPECT_EQ(step.output, "");
  EXPECT_EQ(step.action, Action::kAuthenticate);
  EXPECT_EQ(session.credentials().authzid, "admin");
  EXPECT_EQ(session.credentials().username, "jane");
  EXPECT_EQ(session.OnAuthResult(AuthResult::kAccepted).output, "235 2.7.0 Authentication successful\r\n");
  EXPECT_TRUE(session.authenticated());
  EXPECT_EQ(session.OnLine("AUTH PLAIN AGphbmUAc2VjcmV0").output, "503 5.5.1 Already authenticated\r\n");
}

TEST(ServerSession, HeloHasNoExtensionsAndWorks) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: HELO
    S: 501 5.5.4 Syntax: HELO hostname
    C: EHLO
    S: 501 5.5.4 Syntax: EHLO hostname
    C: HELO client.example
    S: 250 mx.herald.test
    ! authorize
    C: MAIL FROM:<>
    S: 250 2.1.0 Sender OK
  )");
  ServerSession session(TestOptions());
  EXPECT_EQ(session.OnLine("EHLO bad\tname").output, "501 5.5.4 Invalid hostname\r\n");
  EXPECT_EQ(session.client_name(), "");
  EXPECT_EQ(session.OnLine("HELO  [192.0.2.1] ").output, "250 mx.herald.test\r\n");
  EXPECT_EQ(session.client_name(), "[192.0.2.1]");
}

TEST(ServerSession, EhloAgainResetsTheTransaction) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    ! authorize
    C: EHLO a.example
    S: *
    C: MAIL FROM:<a@a.example>
    S: 250 2.1.0 Sender OK
    C: RCPT TO:<b@b.example>
    S: 250 2.1.5 Recipient OK
    C: EHLO a.example
    S: *
    C: RCPT TO:<b@b.example>
    S: 503 5.5.1 Need MAIL command
    C: MAIL FROM:<a@a.example>
    S: 250 2.1.0 Sender OK
  )");
}

TEST(ServerSession, EhloAdvertisesStartTlsOnlyWhenItCanAndAuthOnlyUnderTls) {
  ServerOptions options = TestOptions();
  options.tls_available = false;
  ServerSession no_tls(options);
  std::string reply = no_tls.OnLine("EHLO a.example").output;
  EXPECT_EQ(reply,
            "250-mx.herald.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
            "250 ENHANCEDSTATUSCODES\r\n");
  EXPECT_EQ(no_tls.OnLine("STARTTLS").output, "502 5.5.1 STARTTLS not available\r\n");

  options.implicit_tls = true;
  options.tls_available = true;
  ServerSession implicit(options);
  EXPECT_TRUE(implicit.tls());
  reply = implicit.OnLine("EHLO a.example").output;
  EXPECT_EQ(reply.find("STARTTLS"), std::string::npos);
  EXPECT_TRUE(reply.ends_with("250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN LOGIN\r\n")) << reply;
  EXPECT_EQ(implicit.OnLine("STARTTLS").output, "503 5.5.1 TLS already active\r\n");
}

TEST(ServerSession, StartTlsRefusals) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: STARTTLS
    S: 503 5.5.1 Send EHLO first
    C: EHLO a.example
    S: *
    C: STARTTLS now
    S: 501 5.5.4 Syntax: STARTTLS
    ! authorize
    C: MAIL FROM:<a@a.example>
    S: 250 2.1.0 Sender OK
    C: STARTTLS
    S: 503 5.5.1 Not allowed during a mail transaction
    C: RSET
    S: 250 2.0.0 OK
    C: starttls
    S: 220 2.0.0 Ready to start TLS
    = starttls
    ! tls
    C: EHLO a.example
    S: *
    C: STARTTLS
    S: 503 5.5.1 TLS already active
  )");
}

// RFC 3207 §4.2: everything learnt before TLS is forgotten, the authorisation too.
TEST(ServerSession, TlsForgetsEverything) {
  ServerSession session(TestOptions());
  session.OnLine("EHLO a.example");
  session.SetAuthorized(false, nullptr);
  ASSERT_EQ(session.OnLine("MAIL FROM:<a@a.example>").output, "250 2.1.0 Sender OK\r\n");
  ASSERT_EQ(session.OnLine("RCPT TO:<b@b.example>").output, "250 2.1.5 Recipient OK\r\n");
  ASSERT_EQ(session.OnLine("RSET").action, Action::kNone);
  ASSERT_EQ(session.OnLine("STARTTLS").action, Action::kStartTls);
  session.OnTlsStarted();
  EXPECT_TRUE(session.tls());
  EXPECT_EQ(session.client_name(), "");
  EXPECT_TRUE(session.envelope().rcpt_to.empty());
  EXPECT_FALSE(session.authenticated());
  EXPECT_EQ(session.OnLine("MAIL FROM:<a@a.example>").output, "503 5.5.1 Send EHLO first\r\n");
  session.OnLine("EHLO a.example");
  EXPECT_EQ(session.OnLine("MAIL FROM:<a@a.example>").output, "530 5.7.0 Authentication required\r\n");
}

TEST(ServerSession, AuthRefusals) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: AUTH PLAIN
    S: 503 5.5.1 Send EHLO first
    C: EHLO a.example
    S: *
    C: AUTH LOGIN
    S: 530 5.7.0 Must issue a STARTTLS command first
    C: STARTTLS
    S: 220 2.0.0 Ready to start TLS
    = starttls
    ! tls
    C: EHLO a.example
    S: *
    C: AUTH
    S: 501 5.5.4 Syntax: AUTH mechanism [initial-response]
    C: AUTH PLAIN a b
    S: 501 5.5.4 Syntax: AUTH mechanism [initial-response]
    C: AUTH CRAM-MD5
    S: 504 5.5.4 Unrecognized authentication mechanism
    C: AUTH PLAIN
    S: 334 
    C: *
    S: 501 5.0.0 Authentication cancelled
    C: AUTH PLAIN not*base64
    S: 501 5.5.2 Invalid base64 data
  )",
                LenientOptions());
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    ! authorize
    C: EHLO a.example
    S: *
    C: STARTTLS
    S: *
    = starttls
    ! tls
    C: EHLO a.example
    S: *
    # no NUL at all: "janesecret"
    C: AUTH PLAIN amFuZXNlY3JldA==
    S: 501 5.5.2 Malformed PLAIN response
    # an empty password: "\0jane\0"
    C: AUTH PLAIN AGphbmUA
    S: 501 5.5.2 Malformed PLAIN response
    # "=" is an empty initial response, which PLAIN cannot be
    C: AUTH PLAIN =
    S: 501 5.5.2 Malformed PLAIN response
    C: AUTH LOGIN
    S: 334 VXNlcm5hbWU6
    C: amFuZQ
    S: 501 5.5.2 Invalid base64 data
    C: AUTH LOGIN amFuZQ==
    S: 334 UGFzc3dvcmQ6
    C: *
    S: 501 5.0.0 Authentication cancelled
    ! authorize
    C: MAIL FROM:<a@a.example>
    S: 250 2.1.0 Sender OK
    C: AUTH PLAIN AGphbmUAc2VjcmV0
    S: 503 5.5.1 Not allowed during a mail transaction
  )",
                LenientOptions());
}

TEST(ServerSession, AuthResultsAndSecrets) {
  ServerOptions options = TestOptions();
  options.implicit_tls = true;
  ServerSession session(options);
  session.OnLine("EHLO a.example");
  std::string output;
  output += session.OnLine("AUTH PLAIN AGphbmUAc2VjcmV0").output;
  output += session.OnAuthResult(AuthResult::kTemporary).output;
  EXPECT_EQ(output, "454 4.7.0 Temporary authentication failure\r\n");
  output += session.OnLine("AUTH LOGIN").output;
  output += session.OnLine("amFuZQ==").output;
  output += session.OnLine("c2VjcmV0").output;
  output += session.OnAuthResult(AuthResult::kRejected).output;
  output += session.OnLine("AUTH PLAIN AGphbmUAc2VjcmV0").output;
  output += session.OnAuthResult(AuthResult::kAccepted).output;
  EXPECT_EQ(output.find("secret"), std::string::npos);
  EXPECT_EQ(output.find("c2VjcmV0"), std::string::npos);
  EXPECT_EQ(output.find("jane"), std::string::npos);
  EXPECT_TRUE(session.authenticated());
  EXPECT_TRUE(session.credentials().password.empty());
  EXPECT_EQ(session.credentials().username, "jane");
}

TEST(ServerSession, AuthLinesMayBeLongerThanCommands) {
  ServerOptions options = TestOptions();
  options.implicit_tls = true;
  ServerSession session(options);
  session.OnLine("EHLO a.example");
  const std::string password(3000, 'p');
  // base64 of "\0jane\0" + 3000 'p': "AGphbmUA" then "cHBw" per three 'p's.
  std::string response = "AGphbmUA";
  for (int i = 0; i < 1000; ++i) response += "cHBw";
  ServerStep step = session.OnLine("AUTH PLAIN " + response);
  EXPECT_EQ(step.action, Action::kAuthenticate);
  EXPECT_EQ(session.credentials().password, password);
  session.OnAuthResult(AuthResult::kRejected);
  EXPECT_EQ(session.OnLine("AUTH PLAIN").output, "334 \r\n");
  EXPECT_EQ(session.OnLine(response).action, Action::kAuthenticate);
  session.OnAuthResult(AuthResult::kRejected);
  // Past kMaxAuthLineBytes even AUTH is too long.
  EXPECT_EQ(session.OnLine("AUTH PLAIN " + std::string(kMaxAuthLineBytes, 'A')).output,
            "500 5.5.2 Line too long\r\n");
  // The reader gave up on an over-long response: the exchange is over.
  EXPECT_EQ(session.OnLine("AUTH LOGIN").output, "334 VXNlcm5hbWU6\r\n");
  EXPECT_EQ(session.OnLineTooLong().output, "500 5.5.2 Line too long\r\n");
  EXPECT_EQ(session.OnLine("NOOP").output, "250 2.0.0 OK\r\n");
}

TEST(ServerSession, CommandsOutsideATransaction) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: NOOP
    S: 250 2.0.0 OK
    C: noop anything
    S: 250 2.0.0 OK
    C: RSET
    S: 250 2.0.0 OK
    C: RSET x
    S: 501 5.5.4 Syntax: RSET
    C: VRFY postmaster
    S: 252 2.5.0 Cannot VRFY user
    C: VRFY
    S: 501 5.5.4 Syntax: VRFY address
    C: HELP
    S: 214 2.0.0 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT VRFY HELP
    C: Quit
    S: 221 2.0.0 Bye
    = close
    C: NOOP
    = close
  )");
}

TEST(ServerSession, UnknownCommands) {
  ServerOptions options = TestOptions();
  options.max_errors = 100;
  options.max_junk_commands = 100;
  ServerSession session(options);
  for (const char* line : {"BDAT 10 LAST", "EXPN staff", "ETRN a.example", "XYZZY", "", "MAILFROM:<a@b.c>",
                           "GET / HTTP/1.1", "ÉHLO a.example"}) {
    EXPECT_EQ(session.OnLine(line).output, "500 5.5.2 Command not recognized\r\n") << line;
  }
}

TEST(ServerSession, LineChecks) {
  ServerOptions options = TestOptions();
  options.max_errors = 100;
  options.max_junk_commands = 100;
  ServerSession session(options);
  const std::string longest = "NOOP " + std::string(kMaxCommandLineBytes - 2 - 5, 'x');
  EXPECT_EQ(session.OnLine(longest).output, "250 2.0.0 OK\r\n");
  EXPECT_EQ(session.OnLine(longest + "x").output, "500 5.5.2 Line too long\r\n");
  EXPECT_EQ(session.OnLine("MAIL FROM:<" + std::string(600, 'a') + "@b.example>").output,
            "500 5.5.2 Line too long\r\n");
  EXPECT_EQ(session.OnLine(std::string("NOOP \0", 6)).output,
            "500 5.5.2 Invalid character in command line\r\n");
  EXPECT_EQ(session.OnLine("NOOP a\rb").output, "500 5.5.2 Invalid character in command line\r\n");
  EXPECT_EQ(session.OnLine("NOOP a\nRSET").output, "500 5.5.2 Invalid character in command line\r\n");
  EXPECT_EQ(session.OnLine("EHLO h\xc3\xa9.example").output,
            "500 5.5.2 Invalid character in command line\r\n");
  EXPECT_EQ(session.OnLine("NOOP \xff").output, "500 5.5.2 Invalid character in command line\r\n");
  EXPECT_EQ(session.OnLineTooLong().output, "500 5.5.2 Line too long\r\n");
}

TEST(ServerSession, TimeoutCloses) {
  ServerSession session(TestOptions());
  ServerStep step = session.OnTimeout();
  EXPECT_EQ(step.output, "421 4.4.2 mx.herald.test Error: timeout exceeded\r\n");
  EXPECT_EQ(step.action, Action::kClose);
  step = session.OnLine("NOOP");
  EXPECT_EQ(step.output, "");
  EXPECT_EQ(step.action, Action::kClose);
}

// TestOptions: max_errors 5, max_junk_commands 8.
TEST(ServerSession, TooManyErrorsCloses) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: MAIL FROM:<a@a.example>
    S: 503 5.5.1 Send EHLO first
    C: EHLO
    S: 501 5.5.4 Syntax: EHLO hostname
    C: EHLO a.example
    S: *
    C: RCPT TO:<b@b.example>
    S: 503 5.5.1 Need MAIL command
    ! line-too-long
    S: 500 5.5.2 Line too long
    C: MAIL FROM:<a@a.example>
    S: 530 5.7.0 Authentication required
    S: 421 4.7.0 mx.herald.test Error: too many errors
    = close
  )");
}

TEST(ServerSession, TooManyJunkCommandsCloses) {
  RunTranscript(R"(
    S: 220 mx.herald.test ESMTP Herald
    C: NOOP
    S: 250 2.0.0 OK
    C: RSET
    S: 250 2.0.0 OK
    C: VRFY a
    S: 252 2.5.0 Cannot VRFY user
    C: HELP
    S: *
    C: NOOP
    S: 250 2.0.0 OK
    C: EHLO a.example
    S: *
    C: NOOP
    S: 250 2.0.0 OK
    C: NOOP
    S: 250 2.0.0 OK
    C: NOOP
    S: 250 2.0.0 OK
    S: 421 4.7.0 mx.herald.test Error: too many junk commands
    = close
  )");
}

// 535 counts as an error: five wrong passwords close the connection.
TEST(ServerSession, PasswordGuessingIsLimited) {
  ServerOptions options = TestOptions();
  options.implicit_tls = true;
  ServerSession session(options);
  session.OnLine("EHLO a.example");
  for (int i = 1; i <= options.max_errors; ++i) {
    ASSERT_EQ(session.OnLine("AUTH PLAIN AGphbmUAc2VjcmV0").action, Action::kAuthenticate);
    ServerStep step = session.OnAuthResult(AuthResult::kRejected);
    if (i < options.max_errors) {
      EXPECT_EQ(step.action, Action::kNone) << i;
    } else {
      EXPECT_EQ(step.output,
                "535 5.7.8 Authentication credentials invalid\r\n"
                "421 4.7.0 mx.herald.test Error: too many errors\r\n");
      EXPECT_EQ(step.action, Action::kClose);
    }
  }
}

// Reporting a result nobody asked for is a bug in the connection: loud in debug builds, and in
// release the connection is closed rather than the session going on in an unknown state.
TEST(ServerSessionDeathTest, CallsOutOfTurn) {
  ServerSession session(TestOptions());
  ServerStep step;
  EXPECT_DEBUG_DEATH(step = session.OnData(DataOutcome::kComplete), "not allowed");
#ifdef NDEBUG
  EXPECT_EQ(step.output, "421 4.3.0 mx.herald.test Error: internal error\r\n");
  EXPECT_EQ(step.action, Action::kClose);
  EXPECT_EQ(session.OnLine("NOOP").action, Action::kClose);
#endif
}

}  // namespace
}  // namespace herald::smtp
