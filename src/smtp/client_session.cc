#include "smtp/client_session.h"

#include <cassert>
#include <utility>

#include "base/printable.h"
#include "smtp/data.h"

namespace herald::smtp {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kQuitLine = "QUIT\r\n";

bool NeedsSmtpUtf8(const OutgoingMessage& message) {
  return message.smtputf8 || HasEightBitBytes(message.mail_from) || HasEightBitBytes(message.rcpt_to);
}

Step ReadReply(Wait wait = Wait::kCommand) {
  Step step;
  step.next = Next::kReadReply;
  step.wait = wait;
  return step;
}

Step Write(std::string bytes) {
  Step step = ReadReply();
  step.write = std::move(bytes);
  return step;
}

Step Ready(std::optional<Verdict> verdict = std::nullopt) {
  Step step;
  step.next = Next::kReady;
  step.verdict = std::move(verdict);
  return step;
}

}  // namespace

std::string_view ToString(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDelivered:
      return "delivered";
    case Outcome::kTemporaryFailure:
      return "temporary_failure";
    case Outcome::kPermanentFailure:
      return "permanent_failure";
  }
  return "unknown";
}

Verdict VerdictFromReply(const Reply& reply, RepliedCommand command) {
  Verdict verdict;
  verdict.command = command;
  verdict.outcome = reply.Positive()    ? Outcome::kDelivered
                    : reply.Permanent() ? Outcome::kPermanentFailure
                                        : Outcome::kTemporaryFailure;
  verdict.reply.code = reply.code;
  verdict.reply.enhanced_code = reply.enhanced_code;
  verdict.reply.text = Printable(reply.Text(), kMaxRecordedTextBytes);
  return verdict;
}

Verdict LocalVerdict(Outcome outcome, std::string_view enhanced_code, std::string_view text) {
  Verdict verdict;
  verdict.outcome = outcome;
  verdict.reply.enhanced_code = std::string(enhanced_code);
  verdict.reply.text = Printable(text, kMaxRecordedTextBytes);
  return verdict;
}

ClientSession::ClientSession(ClientPolicy policy) : policy_(std::move(policy)) {}

Step ClientSession::Start() {
  assert(state_ == State::kIdle);
  state_ = State::kGreeting;
  return ReadReply(Wait::kGreeting);
}

Step ClientSession::OnReply(const Reply& reply) {
  switch (state_) {
    case State::kGreeting:
    case State::kEhlo:
    case State::kHelo:
    case State::kStartTls:
      return OnConnectReply(reply);
    case State::kTransaction:
      return OnTransactionReply(reply);
    case State::kQuit: {
      state_ = State::kClosed;
      Step step;
      step.next = Next::kClose;
      return step;
    }
    case State::kIdle:
    case State::kTlsHandshake:
    case State::kReady:
    case State::kClosed:
      break;
  }
  Verdict verdict = VerdictFromReply(reply);
  verdict.outcome = Outcome::kTemporaryFailure;
  verdict.reply.text = Printable("reply when none was expected: " + reply.Text(), kMaxRecordedTextBytes);
  return FailConnection(std::move(verdict), /*send_quit=*/false);
}

Step ClientSession::OnConnectReply(const Reply& reply) {
  const RepliedCommand answered = state_ == State::kGreeting ? RepliedCommand::kGreeting : RepliedCommand::kHelo;
  if (reply.code == 421) return FailConnection(VerdictFromReply(reply, answered), /*send_quit=*/false);
  const bool refused = reply.Transient() || reply.Permanent();
  switch (state_) {
    case State::kGreeting:
      if (reply.Positive()) {
        state_ = State::kEhlo;
        return Write("EHLO " + policy_.ehlo_name + std::string(kCrlf));
      }
      if (refused) return FailConnection(VerdictFromReply(reply, answered), /*send_quit=*/true);
      break;
    case State::kEhlo:
      if (reply.Positive()) {
        extensions_ = ParseEhloReply(reply);
        return AfterHello();
      }
      if (reply.Permanent()) {  // an old server: try HELO
        state_ = State::kHelo;
        return Write("HELO " + policy_.ehlo_name + std::string(kCrlf));
      }
      if (refused) return FailConnection(VerdictFromReply(reply, answered), /*send_quit=*/true);
      break;
    case State::kHelo:
      if (reply.Positive()) {
        extensions_ = Extensions();
        return AfterHello();
      }
      if (refused) return FailConnection(VerdictFromReply(reply, answered), /*send_quit=*/true);
      break;
    case State::kStartTls:
      if (reply.Positive()) {
        state_ = State::kTlsHandshake;
        Step step;
        step.next = Next::kStartTls;
        return step;
      }
      if (refused && policy_.require_tls) {
        Verdict verdict = VerdictFromReply(reply, answered);
        verdict.outcome = Outcome::kTemporaryFailure;  // our policy failed, not the message
        return FailConnection(std::move(verdict), /*send_quit=*/true);
      }
      if (refused) {  // opportunistic: carry on in clear with what the first EHLO listed
        state_ = State::kReady;
        return Ready();
      }
      break;
    default:
      assert(false && "OnConnectReply outside the connection phase");
  }
  Verdict verdict = VerdictFromReply(reply, answered);
  verdict.outcome = Outcome::kTemporaryFailure;
  verdict.reply.text = Printable("unexpected reply: " + reply.Text(), kMaxRecordedTextBytes);
  return FailConnection(std::move(verdict), /*send_quit=*/true);
}

Step ClientSession::AfterHello() {
  const bool want_tls =
      !tls_active_ && policy_.tls_available && (policy_.opportunistic_tls || policy_.require_tls);
  if (want_tls && extensions_.starttls) {
    state_ = State::kStartTls;
    return Write("STARTTLS\r\n");
  }
  if (policy_.require_tls && !tls_active_) {
    return FailConnection(
        LocalVerdict(Outcome::kTemporaryFailure, "4.7.4",
                     policy_.tls_available ? "TLS is required but the server does not offer STARTTLS"
                                           : "TLS is required but no TLS context is configured"),
        /*send_quit=*/true);
  }
  state_ = State::kReady;
  return Ready();
}

Step ClientSession::OnTlsEstablished() {
  assert(state_ == State::kTlsHandshake);
  tls_active_ = true;
  extensions_ = Extensions();  // RFC 3207 §4.2: forget what was learnt in clear
  state_ = State::kEhlo;
  return Write("EHLO " + policy_.ehlo_name + std::string(kCrlf));
}

Step ClientSession::OnTlsFailed(std::string_view why) {
  return FailConnection(
      LocalVerdict(Outcome::kTemporaryFailure, "4.7.5", "TLS handshake failed: " + std::string(why)),
      /*send_quit=*/false);
}

Step ClientSession::OnConnectionError(std::string_view what) {
  std::string_view phase;
  std::string_view enhanced = "4.4.2";  // bad connection
  switch (state_) {
    case State::kIdle:
      phase = "cannot connect";
      enhanced = "4.4.1";  // no answer from host
      break;
    case State::kGreeting:
      phase = "lost connection while waiting for the greeting";
      break;
    case State::kEhlo:
      phase = "lost connection after EHLO";
      break;
    case State::kHelo:
      phase = "lost connection after HELO";
      break;
    case State::kStartTls:
    case State::kTlsHandshake:
      phase = "lost connection after STARTTLS";
      break;
    case State::kReady:
      phase = "lost connection while idle";
      break;
    case State::kTransaction:
      switch (awaiting_.empty() ? Command::kMail : awaiting_.front()) {
        case Command::kRset:
          phase = "lost connection after RSET";
          break;
        case Command::kMail:
          phase = "lost connection after MAIL FROM";
          break;
        case Command::kRcpt:
          phase = "lost connection after RCPT TO";
          break;
        case Command::kData:
          phase = "lost connection after DATA";
          break;
        case Command::kDataEnd:
          phase = "lost connection after the end of data (the message may be delivered twice)";
          break;
      }
      break;
    case State::kQuit:
    case State::kClosed:
      phase = "lost connection after QUIT";
      break;
  }
  Verdict verdict =
      LocalVerdict(Outcome::kTemporaryFailure, enhanced, std::string(phase) + ": " + std::string(what));
  verdict.lost_before_reply = state_ == State::kTransaction && !answered_;
  return FailConnection(std::move(verdict), /*send_quit=*/false);
}

Step ClientSession::FailConnection(Verdict verdict, bool send_quit) {
  state_ = State::kClosed;
  unsent_.clear();
  awaiting_.clear();
  message_ = OutgoingMessage();
  Step step;
  if (send_quit) step.write = std::string(kQuitLine);
  step.next = Next::kClose;
  step.verdict = std::move(verdict);
  return step;
}

std::optional<Verdict> ClientSession::CheckMessage(const OutgoingMessage& message) const {
  if (HasCommandBreakingBytes(message.mail_from)) {
    return LocalVerdict(Outcome::kPermanentFailure, "5.1.7", "invalid envelope sender address");
  }
  if (message.rcpt_to.empty() || HasCommandBreakingBytes(message.rcpt_to)) {
    return LocalVerdict(Outcome::kPermanentFailure, "5.1.3", "invalid envelope recipient address");
  }
  if (NeedsSmtpUtf8(message) && !extensions_.smtputf8) {
    return LocalVerdict(Outcome::kPermanentFailure, "5.6.7",
                        "the message needs SMTPUTF8 (internationalised addresses or headers) and the server "
                        "does not offer it");
  }
  if (extensions_.size_limit > 0 && message.content.size() > extensions_.size_limit) {
    return LocalVerdict(Outcome::kPermanentFailure, "5.3.4",
                        "message size " + std::to_string(message.content.size()) +
                            " bytes exceeds the server's limit of " + std::to_string(extensions_.size_limit) +
                            " bytes");
  }
  return std::nullopt;
}

std::string ClientSession::MailCommand(const OutgoingMessage& message) const {
  std::string line = "MAIL FROM:<";
  line += message.mail_from;
  line += '>';
  if (extensions_.size) line += " SIZE=" + std::to_string(message.content.size());
  if (extensions_.eightbitmime && HasEightBitBytes(message.content)) line += " BODY=8BITMIME";
  if (NeedsSmtpUtf8(message)) line += " SMTPUTF8";  // CheckMessage made sure it is offered
  line += kCrlf;
  return line;
}

Step ClientSession::StartMessage(const OutgoingMessage& message) {
  assert(state_ == State::kReady && "StartMessage on a session that is not ready");
  if (std::optional<Verdict> refused = CheckMessage(message)) return Ready(std::move(refused));

  message_ = message;
  verdict_.reset();
  close_after_ = false;
  answered_ = false;
  std::deque<Pending> commands;
  if (needs_rset_) commands.push_back({Command::kRset, "RSET\r\n"});
  needs_rset_ = false;
  commands.push_back({Command::kMail, MailCommand(message)});
  commands.push_back({Command::kRcpt, "RCPT TO:<" + std::string(message.rcpt_to) + ">" + std::string(kCrlf)});
  commands.push_back({Command::kData, "DATA\r\n"});
  state_ = State::kTransaction;

  Step step = ReadReply();
  if (extensions_.pipelining) {  // RFC 2920: DATA is the last command of the group
    for (Pending& pending : commands) {
      step.write += pending.line;
      awaiting_.push_back(pending.command);
    }
  } else {
    step.write = std::move(commands.front().line);
    awaiting_.push_back(commands.front().command);
    commands.pop_front();
    unsent_ = std::move(commands);
  }
  return step;
}

Step ClientSession::OnTransactionReply(const Reply& reply) {
  assert(!awaiting_.empty());
  const Command command = awaiting_.front();
  const RepliedCommand answered = command == Command::kMail   ? RepliedCommand::kMailFrom
                                  : command == Command::kRcpt ? RepliedCommand::kRcptTo
                                  : command == Command::kRset ? RepliedCommand::kUnknown
                                                              : RepliedCommand::kData;
  awaiting_.pop_front();
  answered_ = true;
  const bool refused = reply.Transient() || reply.Permanent();

  if (reply.code == 421) {  // the server is closing the connection
    if (!verdict_) verdict_ = VerdictFromReply(reply, answered);
    return FailConnection(*verdict_, /*send_quit=*/false);
  }

  bool unexpected = false;
  switch (command) {
    case Command::kRset:
      if (!reply.Positive()) {
        // The server's state is unknown: whatever MAIL gets now says nothing about the message.
        Verdict verdict = VerdictFromReply(reply, answered);
        verdict.outcome = Outcome::kTemporaryFailure;
        verdict.reply.text = Printable("RSET refused: " + reply.Text(), kMaxRecordedTextBytes);
        if (!verdict_) verdict_ = std::move(verdict);
        close_after_ = true;
      }
      break;
    case Command::kMail:
    case Command::kRcpt:
      if (refused) {
        if (!verdict_) verdict_ = VerdictFromReply(reply, answered);
      } else if (!reply.Positive()) {
        unexpected = true;
      }
      break;
    case Command::kData:
      if (reply.code == 354) {
        Step step = ReadReply(Wait::kDataEnd);
        awaiting_.push_back(Command::kDataEnd);
        if (verdict_) {  // a pipelined DATA accepted after a refusal: send no content (RFC 2920 §3.1)
          step.write = ".\r\n";
        } else {
          AppendDotStuffed(message_.content, step.write);
          step.write += ".\r\n";
          step.write_is_content = true;
        }
        return step;
      }
      if (refused) {
        if (!verdict_) verdict_ = VerdictFromReply(reply, answered);
      } else {
        unexpected = true;
      }
      break;
    case Command::kDataEnd:
      if (refused || reply.Positive()) {
        if (!verdict_) verdict_ = VerdictFromReply(reply, answered);
      } else {
        unexpected = true;
      }
      break;
  }
  if (unexpected) {  // replies and commands no longer match: give up the connection
    if (!verdict_) {
      Verdict verdict = VerdictFromReply(reply, answered);
      verdict.outcome = Outcome::kTemporaryFailure;
      verdict.reply.text = Printable("unexpected reply: " + reply.Text(), kMaxRecordedTextBytes);
      verdict_ = std::move(verdict);
    }
    return FailConnection(*verdict_, /*send_quit=*/true);
  }

  if (verdict_) unsent_.clear();  // without PIPELINING, stop at the first refusal
  if (!awaiting_.empty())
    return ReadReply(awaiting_.front() == Command::kDataEnd ? Wait::kDataEnd : Wait::kCommand);
  if (!unsent_.empty()) {
    Pending pending = std::move(unsent_.front());
    unsent_.pop_front();
    awaiting_.push_back(pending.command);
    return Write(std::move(pending.line));
  }
  return FinishTransaction();
}

Step ClientSession::FinishTransaction() {
  assert(verdict_.has_value());
  Verdict verdict = std::move(*verdict_);
  verdict_.reset();
  message_ = OutgoingMessage();
  needs_rset_ = verdict.outcome != Outcome::kDelivered;
  if (close_after_) return FailConnection(std::move(verdict), /*send_quit=*/true);
  state_ = State::kReady;
  return Ready(std::move(verdict));
}

Step ClientSession::Quit() {
  if (state_ == State::kReady) {
    state_ = State::kQuit;
    Step step = Write(std::string(kQuitLine));
    step.wait = Wait::kQuit;
    return step;
  }
  state_ = State::kClosed;
  Step step;
  step.next = Next::kClose;
  return step;
}

}  // namespace herald::smtp
