// The SMTP client state machine (RFC 5321, 2920 PIPELINING, 3207 STARTTLS, 1870 SIZE, 6152
// 8BITMIME, 6531 SMTPUTF8), free of I/O: it is told the server's replies and says what to write
// and what to wait for next. One ClientSession is one connection; it may carry many messages.
//
// The I/O layer drives it with one loop:
//   Step step = session.Start();
//   loop: write step.write (if any), then by step.next:
//     kReadReply → read one reply (timeout by step.wait) → step = session.OnReply(reply)
//     kStartTls  → TLS handshake → step = session.OnTlsEstablished() or OnTlsFailed(why)
//     kReady     → the connection is up, or a message was decided (step.verdict): the session
//                  waits for StartMessage(…) or Quit()
//     kClose     → close the connection (step.verdict says why, when it was not a polite QUIT)
// A network error or timeout at any point is reported with OnConnectionError(what).
//
// Connecting: greeting → EHLO (HELO when EHLO gets a 5xx) → STARTTLS when the server offers it,
// the I/O layer can do TLS and the policy wants it → EHLO again over TLS. When TLS is required
// and cannot be had, the connection fails with a temporary failure and nothing is sent in clear.
// A message: [RSET after a failed transaction] MAIL FROM, RCPT TO, DATA — in one write when the
// server offers PIPELINING, one by one otherwise — then the dot-stuffed content and ".".
//
// Outcomes: 2xx to the final "." → delivered; a 4xx at any step → temporary failure; a 5xx →
// permanent failure; a 421, an unexpected reply code or a lost connection → temporary failure and
// the connection is closed. Decided locally, without a command: a message needing SMTPUTF8 that
// the server does not offer, or bigger than its SIZE limit, fails permanently; an address with
// control characters or angle brackets fails permanently (it would break the command line).
// An 8-bit body goes with BODY=8BITMIME when the server offers it, and as it is otherwise (as
// Postfix does by default; Herald's MIME builder makes 7-bit bodies unless SMTPUTF8 is needed).
//
// SECURITY: replies are untrusted; they arrive already bounded by ReplyParser, and the text kept in
// a Verdict is cleaned with herald::Printable and cut to kMaxRecordedTextBytes.
// Thread-safety: none; a session belongs to the one coroutine serving its connection.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "core/message.h"
#include "smtp/bounce_classification.h"
#include "smtp/extensions.h"
#include "smtp/reply.h"

namespace herald::smtp {

inline constexpr size_t kMaxRecordedTextBytes = 512;

struct ClientPolicy {
  std::string ehlo_name = "localhost";
  bool tls_available = false;     // the I/O layer can run a TLS handshake on this connection
  bool opportunistic_tls = true;  // use STARTTLS when the server offers it
  bool require_tls = false;       // never send in clear: fail (temporarily) when TLS cannot be had
};

enum class Outcome { kDelivered, kTemporaryFailure, kPermanentFailure };

std::string_view ToString(Outcome outcome);

// What decided a message or a failed connection. `reply.host` is left for the I/O layer to fill;
// `reply.code` is 0 for a local decision or a network failure, with the reason in `reply.text`.
struct Verdict {
  Outcome outcome = Outcome::kTemporaryFailure;
  core::RemoteReply reply;
  // The command `reply` answered (for ClassifyReply); kUnknown for a local decision.
  RepliedCommand command = RepliedCommand::kUnknown;
  // The connection broke before the server answered any command for this message: sending it
  // again at once on a new connection cannot deliver it twice (e.g. a reused connection that the
  // server had closed while idle).
  bool lost_before_reply = false;
};

// One message for one recipient. The views must stay valid until the message is decided.
struct OutgoingMessage {
  std::string_view mail_from;  // addr-spec; empty for the null reverse-path "<>"
  std::string_view rcpt_to;    // addr-spec
  std::string_view content;    // the message, CRLF line ends, not dot-stuffed
  bool smtputf8 = false;       // needs SMTPUTF8 (also assumed when an address is not ASCII)
};

enum class Next { kReadReply, kStartTls, kReady, kClose };
enum class Wait { kGreeting, kCommand, kDataEnd, kQuit };  // which time limit applies to the read

struct Step {
  std::string write;              // bytes to send first; may be empty
  bool write_is_content = false;  // `write` is message content (the data-block time limit applies)
  Next next = Next::kReadReply;
  Wait wait = Wait::kCommand;
  std::optional<Verdict> verdict;  // set when a message, or the connection attempt, was decided
};

class ClientSession {
 public:
  explicit ClientSession(ClientPolicy policy);

  Step Start();  // the TCP connection is up: wait for the greeting
  Step OnReply(const Reply& reply);
  Step OnTlsEstablished();
  Step OnTlsFailed(std::string_view why);
  Step OnConnectionError(std::string_view what);      // I/O error, timeout or malformed reply
  Step StartMessage(const OutgoingMessage& message);  // only when ready()
  Step Quit();

  bool ready() const { return state_ == State::kReady; }
  bool closed() const { return state_ == State::kClosed; }
  bool tls_active() const { return tls_active_; }
  const Extensions& extensions() const { return extensions_; }

 private:
  enum class State {
    kIdle,
    kGreeting,
    kEhlo,
    kHelo,
    kStartTls,
    kTlsHandshake,
    kReady,
    kTransaction,
    kQuit,
    kClosed
  };
  enum class Command { kRset, kMail, kRcpt, kData, kDataEnd };
  struct Pending {
    Command command;
    std::string line;  // the command line with CRLF
  };

  Step OnConnectReply(const Reply& reply);
  Step AfterHello();
  Step OnTransactionReply(const Reply& reply);
  Step FinishTransaction();
  Step FailConnection(Verdict verdict, bool send_quit);  // closes the session
  std::optional<Verdict> CheckMessage(const OutgoingMessage& message) const;
  std::string MailCommand(const OutgoingMessage& message) const;

  ClientPolicy policy_;
  State state_ = State::kIdle;
  Extensions extensions_;
  bool tls_active_ = false;
  bool needs_rset_ = false;  // the last transaction failed: RSET before the next MAIL

  // The transaction in progress.
  OutgoingMessage message_;
  std::deque<Pending> unsent_;      // commands still to write (no PIPELINING)
  std::deque<Command> awaiting_;    // commands written whose reply has not been read
  std::optional<Verdict> verdict_;  // the first refusal in this transaction, or its final 2xx
  bool close_after_ = false;        // the connection cannot be trusted after this transaction
  bool answered_ = false;           // the server has answered a command of this transaction
};

// The verdict a reply to `command` gives: 2xx delivered, 4xx temporary, 5xx permanent; others temporary.
Verdict VerdictFromReply(const Reply& reply, RepliedCommand command = RepliedCommand::kUnknown);
// A verdict decided here, not by a server reply (code 0).
Verdict LocalVerdict(Outcome outcome, std::string_view enhanced_code, std::string_view text);

}  // namespace herald::smtp
