// ServerSession and DataReceiver driven together over one byte stream, as the connection drives them:
// PIPELINING (RFC 2920), commands after the data, and SMTP smuggling attempts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtp/data_receiver.h"
#include "smtp/server_session.h"
#include "smtp/server_session_test_util.h"

namespace herald::smtp {
namespace {

using testing_util::TestOptions;

struct Driven {
  std::string output;               // everything the session wrote
  std::vector<std::string> stored;  // the messages it asked to store
  bool closed = false;
};

// Lines end at CRLF; after kReadData the bytes go to a DataReceiver and what it leaves is read as
// commands again. Every message is stored with "250 2.0.0 Queued".
Driven Drive(ServerSession& session, std::string_view input) {
  Driven driven;
  driven.output = session.Greeting().output;
  while (!driven.closed) {
    size_t crlf = input.find("\r\n");
    if (crlf == std::string_view::npos) break;
    ServerStep step = session.OnLine(input.substr(0, crlf));
    input.remove_prefix(crlf + 2);
    std::string message;
    while (true) {
      driven.output += step.output;
      if (step.action == Action::kReadData) {
        DataReceiver receiver(session.max_message_bytes());
        input.remove_prefix(receiver.Feed(input));
        if (!receiver.done()) return driven;
        message = receiver.TakeMessage();
        step = session.OnData(receiver.outcome());
      } else if (step.action == Action::kStore) {
        driven.stored.push_back(message);
        step = session.OnStored(ServerReply{250, "2.0.0", "Queued"});
      } else {
        driven.closed = step.action == Action::kClose;
        EXPECT_TRUE(step.action == Action::kNone || step.action == Action::kClose);
        break;
      }
    }
  }
  return driven;
}

ServerSession Authorized() {
  ServerSession session(TestOptions());
  session.SetAuthorized(false, nullptr);
  return session;
}

TEST(ServerPipelining, TwoMessagesInOneWrite) {
  ServerSession session = Authorized();
  Driven driven =
      Drive(session,
            "HELO a.example\r\nMAIL FROM:<a@a.example>\r\nRCPT TO:<b@b.example>\r\n"
            "RCPT TO:<c@b.example>\r\nDATA\r\nSubject: 1\r\n\r\n..one\r\n.\r\n"
            "MAIL FROM:<a@a.example>\r\nRCPT TO:<b@b.example>\r\nDATA\r\nSubject: 2\r\n.\r\nQUIT\r\n");
  EXPECT_EQ(driven.output,
            "220 mx.herald.test ESMTP Herald\r\n"
            "250 mx.herald.test\r\n"
            "250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n250 2.1.5 Recipient OK\r\n"
            "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Queued\r\n"
            "250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n"
            "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Queued\r\n"
            "221 2.0.0 Bye\r\n");
  EXPECT_TRUE(driven.closed);
  EXPECT_EQ(driven.stored, (std::vector<std::string>{"Subject: 1\r\n\r\n.one\r\n", "Subject: 2\r\n"}));
}

// A refused MAIL in a pipelined group: each later command gets the error its own state calls for,
// and the message lines the client sends blindly are read as (bad) commands until the error limit.
TEST(ServerPipelining, RefusedMailFailsTheRestOfTheGroup) {
  ServerSession session(TestOptions());  // not authorised; max_errors 5
  Driven driven = Drive(session,
                        "EHLO a.example\r\nMAIL FROM:<a@a.example>\r\nRCPT TO:<b@b.example>\r\nDATA\r\n"
                        "Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n");
  const std::string after_ehlo = driven.output.substr(driven.output.find("250-ENHANCEDSTATUSCODES\r\n") + 25);
  EXPECT_EQ(after_ehlo,
            "250 STARTTLS\r\n"
            "530 5.7.0 Authentication required\r\n"
            "503 5.5.1 Need MAIL command\r\n"
            "503 5.5.1 Need MAIL command\r\n"
            "500 5.5.2 Command not recognized\r\n"
            "500 5.5.2 Command not recognized\r\n"
            "421 4.7.0 mx.herald.test Error: too many errors\r\n");
  EXPECT_TRUE(driven.closed);
  EXPECT_TRUE(driven.stored.empty());
}

TEST(ServerPipelining, RefusedRecipientsThenData) {
  ServerSession session = Authorized();
  Driven driven = Drive(session,
                        "HELO a.example\r\nMAIL FROM:<a@a.example>\r\nRCPT TO:<b>\r\nRCPT TO:<>\r\nDATA\r\n"
                        "RSET\r\n");
  EXPECT_EQ(driven.output,
            "220 mx.herald.test ESMTP Herald\r\n250 mx.herald.test\r\n250 2.1.0 Sender OK\r\n"
            "501 5.1.3 Bad recipient address syntax\r\n501 5.1.3 Bad recipient address syntax\r\n"
            "554 5.5.1 No valid recipients\r\n250 2.0.0 OK\r\n");
}

// SMTP smuggling: a second message hidden behind a non-CRLF end of data is never executed; the data
// runs to the real CRLF.CRLF, is refused, and the session goes on in step.
TEST(ServerPipelining, SmugglingIsRefusedAndStaysInStep) {
  for (std::string payload : {"\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n", "\n.\r\n"}) {
    ServerSession session = Authorized();
    Driven driven = Drive(session,
                          "HELO a.example\r\nMAIL FROM:<a@a.example>\r\nRCPT TO:<b@b.example>\r\nDATA\r\n"
                          "Subject: real\r\n\r\nhello" +
                              payload +
                              "MAIL FROM:<ceo@a.example>\r\nRCPT TO:<victim@b.example>\r\nDATA\r\n"
                              "Subject: smuggled\r\n\r\n.\r\nNOOP\r\n");
    EXPECT_EQ(driven.output,
              "220 mx.herald.test ESMTP Herald\r\n250 mx.herald.test\r\n250 2.1.0 Sender OK\r\n"
              "250 2.1.5 Recipient OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
              "550 5.6.0 Message contains a bare CR or LF; lines must end with CRLF\r\n"
              "250 2.0.0 OK\r\n")
        << testing::PrintToString(payload);
    EXPECT_TRUE(driven.stored.empty());
  }
}

TEST(ServerPipelining, OversizedDataIsReadToItsEnd) {
  ServerSession session = Authorized();  // max_message_bytes 1000
  std::string body;
  for (int i = 0; i < 40; ++i) body += std::string(70, 'x') + "\r\n";
  Driven driven =
      Drive(session, "HELO a.example\r\nMAIL FROM:<a@a.example>\r\nRCPT TO:<b@b.example>\r\nDATA\r\n" + body +
                         ".\r\nRCPT TO:<b@b.example>\r\n");
  EXPECT_TRUE(driven.output.ends_with(
      "354 End data with <CR><LF>.<CR><LF>\r\n552 5.3.4 Message size exceeds fixed maximum message size\r\n"
      "503 5.5.1 Need MAIL command\r\n"))
      << driven.output;
  EXPECT_TRUE(driven.stored.empty());
}

}  // namespace
}  // namespace herald::smtp
