// ServerSession: the command table, the session's limits, greeting and EHLO/HELO, STARTTLS, AUTH
// and the commands outside a mail transaction. MAIL, RCPT, DATA and their results are in
// server_transaction.cc.
#include "smtp/server_session.h"

#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "base/ascii.h"
#include "smtp/command.h"
#include "smtp/sasl.h"

namespace herald::smtp {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool HasLineBreakingByte(std::string_view line) {
  return line.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos;
}

bool IsPrintableAscii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// True when `line` starts with the verb `verb` (case-insensitive), alone or followed by a space.
bool HasVerb(std::string_view line, std::string_view verb) {
  return line.size() >= verb.size() && EqualsIgnoreCase(line.substr(0, verb.size()), verb) &&
         (line.size() == verb.size() || line[verb.size()] == ' ');
}

}  // namespace

const ServerSession::Command* ServerSession::FindCommand(std::string_view verb) {
  // Postfix's smtpd_cmd_table: one row per verb. BDAT is absent on purpose: CHUNKING is not offered.
  static const Command kCommands[] = {
      {"EHLO", &ServerSession::OnEhlo, false, false},         {"HELO", &ServerSession::OnHelo, false, false},
      {"STARTTLS", &ServerSession::OnStartTls, false, false}, {"AUTH", &ServerSession::OnAuth, false, false},
      {"MAIL", &ServerSession::OnMail, false, true},          {"RCPT", &ServerSession::OnRcpt, false, true},
      {"DATA", &ServerSession::OnDataCommand, false, false},  {"RSET", &ServerSession::OnRset, true, false},
      {"NOOP", &ServerSession::OnNoop, true, false},          {"QUIT", &ServerSession::OnQuit, false, false},
      {"VRFY", &ServerSession::OnVrfy, true, false},          {"HELP", &ServerSession::OnHelp, true, false},
  };
  for (const Command& command : kCommands) {
    if (EqualsIgnoreCase(command.verb, verb)) return &command;
  }
  return nullptr;
}

ServerSession::ServerSession(ServerOptions options) : options_(std::move(options)) {
  tls_ = options_.implicit_tls;
}

ServerStep ServerSession::Greeting() const {
  ServerStep step;
  step.output = "220 " + options_.hostname + " ESMTP Herald" + std::string(kCrlf);
  return step;
}

ServerStep ServerSession::Say(std::string_view reply, Action action, bool counts_as_error) {
  const bool failure = !reply.empty() && (reply[0] == '4' || reply[0] == '5');
  if (failure && counts_as_error && !reply.starts_with("421")) ++errors_;
  ServerStep step;
  step.output.reserve(reply.size() + kCrlf.size());
  step.output.append(reply).append(kCrlf);
  step.action = action;
  return step;
}

ServerStep ServerSession::Finish(ServerStep step) {
  if (step.action != Action::kClose) {
    std::string_view why;
    if (errors_ >= options_.max_errors) {
      why = "too many errors";
    } else if (junk_commands_ >= options_.max_junk_commands) {
      why = "too many junk commands";
    }
    if (!why.empty()) {
      step.output.append("421 4.7.0 ").append(options_.hostname).append(" Error: ").append(why).append(kCrlf);
      step.action = Action::kClose;
    }
  }
  switch (step.action) {
    case Action::kNone:
      waiting_ = Waiting::kLine;
      break;
    case Action::kStartTls:
      waiting_ = Waiting::kTls;
      break;
    case Action::kAuthenticate:
      waiting_ = Waiting::kAuthResult;
      break;
    case Action::kReadData:
      waiting_ = Waiting::kData;
      break;
    case Action::kStore:
      waiting_ = Waiting::kStored;
      break;
    case Action::kClose:
      waiting_ = Waiting::kClosed;
      Wipe(credentials_.password);
      break;
  }
  return step;
}

ServerStep ServerSession::Misused() {
  assert(false && "ServerSession: call not allowed in this state");
  return Finish(Say("421 4.3.0 " + options_.hostname + " Error: internal error", Action::kClose));
}

void ServerSession::ResetTransaction() {
  envelope_ = Envelope();
  in_transaction_ = false;
  recipients_tried_ = 0;
  recipients_over_ = 0;
}

ServerStep ServerSession::OnLine(std::string_view line) {
  if (waiting_ == Waiting::kClosed) return ServerStep{"", Action::kClose};
  if (waiting_ != Waiting::kLine) return Misused();
  return Finish(HandleLine(line));
}

ServerStep ServerSession::HandleLine(std::string_view line) {
  if (auth_exchange_ != AuthExchange::kNone) return OnAuthResponse(line);
  const size_t limit = (HasVerb(line, "AUTH") ? kMaxAuthLineBytes : kMaxCommandLineBytes) - kCrlf.size();
  if (line.size() > limit) return Say("500 5.5.2 Line too long");
  if (HasLineBreakingByte(line)) return Say("500 5.5.2 Invalid character in command line");
  CommandLine command = SplitCommandLine(line);
  const Command* spec = FindCommand(command.verb);
  if (spec == nullptr || spec->junk) ++junk_commands_;
  if (spec == nullptr) return Say("500 5.5.2 Command not recognized");
  if (!spec->addresses && HasNonAscii(line)) return Say("500 5.5.2 Invalid character in command line");
  return (this->*spec->handler)(command.argument);
}

ServerStep ServerSession::OnLineTooLong() {
  if (waiting_ == Waiting::kClosed) return ServerStep{"", Action::kClose};
  if (waiting_ != Waiting::kLine) return Misused();
  if (auth_exchange_ != AuthExchange::kNone) return Finish(AbortAuth("500 5.5.2 Line too long"));
  return Finish(Say("500 5.5.2 Line too long"));
}

ServerStep ServerSession::OnTimeout() {
  if (waiting_ == Waiting::kClosed) return ServerStep{"", Action::kClose};
  return Finish(Say("421 4.4.2 " + options_.hostname + " Error: timeout exceeded", Action::kClose));
}

// EHLO and HELO -------------------------------------------------------------------------------

ServerStep ServerSession::OnEhlo(std::string_view argument) { return Hello(argument, /*esmtp=*/true); }

ServerStep ServerSession::OnHelo(std::string_view argument) { return Hello(argument, /*esmtp=*/false); }

ServerStep ServerSession::Hello(std::string_view argument, bool esmtp) {
  if (argument.empty())
    return Say(esmtp ? "501 5.5.4 Syntax: EHLO hostname" : "501 5.5.4 Syntax: HELO hostname");
  if (!IsPrintableAscii(argument)) return Say("501 5.5.4 Invalid hostname");
  ResetTransaction();
  client_name_ = std::string(argument);
  // RFC 2034 §3: the replies to EHLO and HELO carry no enhanced status code.
  if (!esmtp) return Say("250 " + options_.hostname);
  std::vector<std::string> lines = {
      options_.hostname, "PIPELINING", "SIZE " + std::to_string(options_.max_message_bytes),
      "8BITMIME",        "SMTPUTF8",   "ENHANCEDSTATUSCODES"};
  if (options_.tls_available && !tls_) lines.push_back("STARTTLS");
  if (tls_ && !options_.inbound) lines.push_back("AUTH PLAIN LOGIN");  // never offered in clear (RFC 4954 §4)
  std::string reply;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) reply += kCrlf;
    reply += i + 1 < lines.size() ? "250-" : "250 ";
    reply += lines[i];
  }
  return Say(reply);
}

// STARTTLS (RFC 3207) ---------------------------------------------------------------------------

ServerStep ServerSession::OnStartTls(std::string_view argument) {
  if (tls_) return Say("503 5.5.1 TLS already active");
  if (!options_.tls_available) return Say("502 5.5.1 STARTTLS not available");
  if (!argument.empty()) return Say("501 5.5.4 Syntax: STARTTLS");
  if (client_name_.empty()) return Say("503 5.5.1 Send EHLO first");
  if (in_transaction_) return Say("503 5.5.1 Not allowed during a mail transaction");
  return Say("220 2.0.0 Ready to start TLS", Action::kStartTls);
}

void ServerSession::OnTlsStarted() {
  assert(waiting_ == Waiting::kTls);
  tls_ = true;
  waiting_ = Waiting::kLine;
  client_name_.clear();
  ResetTransaction();
  auth_exchange_ = AuthExchange::kNone;
  authenticated_ = false;
  Wipe(credentials_.password);
  credentials_ = Credentials();
  authorized_ = false;
  require_tls_ = false;
  check_sender_ = nullptr;
}

// AUTH (RFC 4954): PLAIN (RFC 4616) and LOGIN ----------------------------------------------------

ServerStep ServerSession::OnAuth(std::string_view argument) {
  if (options_.inbound) return Say("502 5.5.1 AUTH not available");
  if (client_name_.empty()) return Say("503 5.5.1 Send EHLO first");
  if (!tls_) return Say("530 5.7.0 Must issue a STARTTLS command first");
  if (authenticated_) return Say("503 5.5.1 Already authenticated");
  if (in_transaction_) return Say("503 5.5.1 Not allowed during a mail transaction");
  const size_t space = argument.find(' ');
  const std::string_view mechanism = argument.substr(0, space);
  const std::string_view initial =
      space == std::string_view::npos ? std::string_view() : argument.substr(space + 1);
  if (mechanism.empty() || initial.find(' ') != std::string_view::npos ||
      (space != std::string_view::npos && initial.empty())) {
    return Say("501 5.5.4 Syntax: AUTH mechanism [initial-response]");
  }
  const bool plain = EqualsIgnoreCase(mechanism, "PLAIN");
  if (!plain && !EqualsIgnoreCase(mechanism, "LOGIN")) {
    return Say("504 5.5.4 Unrecognized authentication mechanism");
  }
  Wipe(credentials_.password);
  credentials_ = Credentials();
  credentials_.mechanism = plain ? "PLAIN" : "LOGIN";
  // RFC 4954 §4: "=" is an initial response of zero length.
  const std::string_view response = initial == "=" ? std::string_view() : initial;
  if (plain) {
    if (initial.empty()) {
      auth_exchange_ = AuthExchange::kPlain;
      return Say("334 ");
    }
    return AuthPlain(response);
  }
  if (initial.empty()) {
    auth_exchange_ = AuthExchange::kLoginUsername;
    return Say("334 VXNlcm5hbWU6");  // "Username:"
  }
  return AuthLoginUsername(response);
}

ServerStep ServerSession::OnAuthResponse(std::string_view line) {
  if (line.size() > kMaxAuthLineBytes - kCrlf.size()) return AbortAuth("500 5.5.2 Line too long");
  if (line == "*") return AbortAuth("501 5.0.0 Authentication cancelled");
  switch (auth_exchange_) {
    case AuthExchange::kPlain:
      return AuthPlain(line);
    case AuthExchange::kLoginUsername:
      return AuthLoginUsername(line);
    case AuthExchange::kLoginPassword:
      return AuthLoginPassword(line);
    case AuthExchange::kNone:
      break;
  }
  return Misused();
}

ServerStep ServerSession::AbortAuth(std::string_view reply) {
  auth_exchange_ = AuthExchange::kNone;
  Wipe(credentials_.password);
  credentials_ = Credentials();
  return Say(reply);
}

ServerStep ServerSession::AuthPlain(std::string_view response) {
  std::optional<std::string> decoded = DecodeBase64(response);
  if (!decoded) return AbortAuth("501 5.5.2 Invalid base64 data");
  std::optional<PlainResponse> plain = ParsePlainResponse(*decoded);
  Wipe(*decoded);
  if (!plain) return AbortAuth("501 5.5.2 Malformed PLAIN response");
  auth_exchange_ = AuthExchange::kNone;
  credentials_.authzid = std::move(plain->authzid);
  credentials_.username = std::move(plain->authcid);
  credentials_.password = std::move(plain->password);
  return ServerStep{"", Action::kAuthenticate};
}

ServerStep ServerSession::AuthLoginUsername(std::string_view response) {
  std::optional<std::string> username = DecodeBase64(response);
  if (!username) return AbortAuth("501 5.5.2 Invalid base64 data");
  if (username->empty()) return AbortAuth("501 5.5.2 Empty username");
  credentials_.username = std::move(*username);
  auth_exchange_ = AuthExchange::kLoginPassword;
  return Say("334 UGFzc3dvcmQ6");  // "Password:"
}

ServerStep ServerSession::AuthLoginPassword(std::string_view response) {
  std::optional<std::string> password = DecodeBase64(response);
  if (!password) return AbortAuth("501 5.5.2 Invalid base64 data");
  if (password->empty()) return AbortAuth("501 5.5.2 Empty password");
  auth_exchange_ = AuthExchange::kNone;
  credentials_.password = std::move(*password);
  return ServerStep{"", Action::kAuthenticate};
}

ServerStep ServerSession::OnAuthResult(AuthResult result) {
  if (waiting_ == Waiting::kClosed) return ServerStep{"", Action::kClose};
  if (waiting_ != Waiting::kAuthResult) return Misused();
  Wipe(credentials_.password);
  switch (result) {
    case AuthResult::kAccepted:
      authenticated_ = true;
      return Finish(Say("235 2.7.0 Authentication successful"));
    case AuthResult::kRejected:
      return Finish(Say("535 5.7.8 Authentication credentials invalid"));
    case AuthResult::kTemporary:
      break;
  }
  return Finish(Say("454 4.7.0 Temporary authentication failure"));
}

void ServerSession::SetAuthorized(bool require_tls, SenderCheck check_sender) {
  authorized_ = true;
  require_tls_ = require_tls;
  check_sender_ = std::move(check_sender);
}

void ServerSession::SetRecipientCheck(RecipientCheck check_recipient) {
  check_recipient_ = std::move(check_recipient);
}

// Commands outside a transaction ----------------------------------------------------------------

ServerStep ServerSession::OnRset(std::string_view argument) {
  if (!argument.empty()) return Say("501 5.5.4 Syntax: RSET");
  ResetTransaction();
  return Say("250 2.0.0 OK");
}

ServerStep ServerSession::OnNoop(std::string_view) { return Say("250 2.0.0 OK"); }

ServerStep ServerSession::OnQuit(std::string_view) { return Say("221 2.0.0 Bye", Action::kClose); }

ServerStep ServerSession::OnVrfy(std::string_view argument) {
  if (argument.empty()) return Say("501 5.5.4 Syntax: VRFY address");
  return Say("252 2.5.0 Cannot VRFY user");
}

ServerStep ServerSession::OnHelp(std::string_view) {
  return Say("214 2.0.0 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT VRFY HELP");
}

}  // namespace herald::smtp
