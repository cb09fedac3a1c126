// Test support for ServerSession: golden transcripts of whole dialogues. For the smtp tests only.
//
// A transcript is text, one event a line:
//   S: <reply line>        a line the session must have written after the previous event
//   S: *                   whatever the previous event wrote (e.g. an EHLO reply checked elsewhere)
//   = <action>             the action the previous event must have asked for (none when absent):
//                          starttls, authenticate, read-data, store, close
//   C: <command line>      OnLine(...)
//   ! tls                  OnTlsStarted()
//   ! auth accepted|rejected|temporary
//   ! data complete|too-large|bare-line-end|too-long-line
//   ! stored <code> <enhanced> <text>
//   ! authorize            SetAuthorized(false, nullptr);  "! authorize require-tls": require_tls
//   ! timeout / ! line-too-long
// The session's greeting is the first event. Lines that are empty or start with "#" are skipped.
//
// Thread-safety: test code.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "smtp/server_session.h"

namespace herald::smtp::testing_util {

inline ServerOptions TestOptions() {
  ServerOptions options;
  options.hostname = "mx.herald.test";
  options.max_message_bytes = 1000;
  options.max_recipients = 3;
  options.max_errors = 5;
  options.max_junk_commands = 8;
  return options;
}

// For listing refusals without reaching the limits.
inline ServerOptions LenientOptions() {
  ServerOptions options = TestOptions();
  options.max_errors = 1000;
  options.max_junk_commands = 1000;
  return options;
}

inline std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kNone:
      return "none";
    case Action::kStartTls:
      return "starttls";
    case Action::kAuthenticate:
      return "authenticate";
    case Action::kReadData:
      return "read-data";
    case Action::kStore:
      return "store";
    case Action::kClose:
      return "close";
  }
  return "?";
}

class Transcript {
 public:
  explicit Transcript(ServerSession& session) : session_(session) {}

  void Run(std::string_view script) {
    Expect(session_.Greeting(), "greeting");
    size_t line_number = 0;
    while (!script.empty()) {
      size_t newline = script.find('\n');
      std::string_view line = script.substr(0, newline);
      script = newline == std::string_view::npos ? std::string_view() : script.substr(newline + 1);
      ++line_number;
      // Leading indentation is allowed; a reply's trailing space ("334 ") is kept.
      line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
      if (line.empty() || line[0] == '#') continue;
      const std::string where = "transcript line " + std::to_string(line_number) + ": " + std::string(line);
      if (line == "S: *") {
        any_output_ = true;
      } else if (line.starts_with("S: ")) {
        expected_output_ += std::string(line.substr(3)) + "\r\n";
      } else if (line.starts_with("= ")) {
        expected_action_ = std::string(line.substr(2));
      } else if (line.starts_with("C: ")) {
        Check();
        Expect(session_.OnLine(line.substr(3)), where);
      } else if (line.starts_with("! ")) {
        Check();
        Event(line.substr(2), where);
      } else {
        ADD_FAILURE() << "bad " << where;
      }
    }
    Check();
  }

 private:
  void Expect(ServerStep step, std::string where) {
    actual_ = std::move(step);
    where_ = std::move(where);
  }

  void Check() {
    if (!any_output_) {
      EXPECT_EQ(actual_.output, expected_output_) << "after " << where_;
    }
    any_output_ = false;
    EXPECT_EQ(ActionName(actual_.action), expected_action_) << "after " << where_;
    expected_output_.clear();
    expected_action_ = "none";
    actual_ = ServerStep();
  }

  void Event(std::string_view event, const std::string& where) {
    if (event == "tls") {
      session_.OnTlsStarted();
      Expect(ServerStep(), where);
    } else if (event == "auth accepted") {
      Expect(session_.OnAuthResult(AuthResult::kAccepted), where);
    } else if (event == "auth rejected") {
      Expect(session_.OnAuthResult(AuthResult::kRejected), where);
    } else if (event == "auth temporary") {
      Expect(session_.OnAuthResult(AuthResult::kTemporary), where);
    } else if (event == "data complete") {
      Expect(session_.OnData(DataOutcome::kComplete), where);
    } else if (event == "data too-large") {
      Expect(session_.OnData(DataOutcome::kTooLarge), where);
    } else if (event == "data bare-line-end") {
      Expect(session_.OnData(DataOutcome::kBareLineEnd), where);
    } else if (event == "data too-long-line") {
      Expect(session_.OnData(DataOutcome::kTooLongLine), where);
    } else if (event.starts_with("stored ")) {
      std::string_view rest = event.substr(7);
      ServerReply reply;
      reply.code = std::stoi(std::string(rest.substr(0, 3)));
      rest.remove_prefix(std::min<size_t>(4, rest.size()));
      size_t space = rest.find(' ');
      reply.enhanced_code = std::string(rest.substr(0, space));
      if (space != std::string_view::npos) reply.text = std::string(rest.substr(space + 1));
      Expect(session_.OnStored(reply), where);
    } else if (event == "authorize") {
      session_.SetAuthorized(false, nullptr);
      Expect(ServerStep(), where);
    } else if (event == "authorize require-tls") {
      session_.SetAuthorized(true, nullptr);
      Expect(ServerStep(), where);
    } else if (event == "timeout") {
      Expect(session_.OnTimeout(), where);
    } else if (event == "line-too-long") {
      Expect(session_.OnLineTooLong(), where);
    } else {
      ADD_FAILURE() << "bad event in " << where;
    }
  }

  ServerSession& session_;
  ServerStep actual_;
  std::string where_;
  std::string expected_output_;
  bool any_output_ = false;
  std::string expected_action_ = "none";
};

// Runs `script` against a new session with `options`.
inline void RunTranscript(std::string_view script, ServerOptions options = TestOptions()) {
  ServerSession session(std::move(options));
  Transcript(session).Run(script);
}

}  // namespace herald::smtp::testing_util
