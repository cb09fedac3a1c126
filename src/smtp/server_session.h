// The SMTP server's protocol state machine (RFC 5321, with RFC 3207 STARTTLS, RFC 4954 AUTH, RFC 1870
// SIZE, RFC 2920 PIPELINING, RFC 6152 8BITMIME, RFC 6531 SMTPUTF8, RFC 2034 ENHANCEDSTATUSCODES).
//
// I/O-free (STYLE habit 7): the connection feeds it one command line at a time and writes what it
// answers; whatever needs the world — starting TLS, checking credentials, reading the message data,
// storing the message — comes back as an Action the connection performs before it reports the result
// (OnTlsStarted, OnAuthResult, OnData, OnStored). Every reply is a complete CRLF-terminated reply.
//
//   greeting → EHLO/HELO → [STARTTLS → EHLO] → [AUTH] → MAIL → RCPT… → DATA → (data) → 250 → MAIL …
//
// Policy kept here: AUTH is offered and accepted only under TLS (before: 530 5.7.0); MAIL needs an
// authorised client (SetAuthorized: after AUTH, or a trusted network) and, when TLS is required, TLS;
// the sender's domain is asked of the SenderCheck the connection installs; SIZE above the limit is
// refused at MAIL (552 5.3.4); at most `max_recipients` per message (452 4.5.3); each recipient is
// asked of the RecipientCheck the connection installs, if any; a session that gives `max_errors`
// error replies, or `max_junk_commands` NOOP/RSET/VRFY/HELP/unknown commands, is told 421 4.7.0 and
// closed. An inbound session (ServerOptions::inbound: Herald's MX for bounces and complaints) takes
// mail from anyone, the null sender included, without AUTH, which it neither offers nor accepts
// (502 5.5.1): its RecipientCheck is what keeps it from being an open relay.
//
// Replies carry RFC 3463 enhanced status codes, except the greeting and the replies to EHLO and HELO
// (RFC 2034 §3), and name nothing the client sent.
//
// Counting, after Postfix's smtpd: every 4xx/5xx reply is an error, except 452 4.5.3 for
// recipients over `max_recipients` until kRecipientOvershoot of them in one transaction (a client
// pipelining a long list is obeying RFC 5321 §4.5.3.1.10, not misbehaving). Unknown commands count
// as both junk and errors. A message stored (OnStored with a 2xx) starts both counts again, so a
// long-lived connection that sends RSET between messages is not cut off after a hundred of them.
// The counts survive STARTTLS.
//
// SECURITY: every line is untrusted. A command line longer than kMaxCommandLineBytes (CRLF
// included) is refused with 500 5.5.2 without being parsed, except AUTH and its responses, which may
// take up to kMaxAuthLineBytes (RFC 4954 §4). A line must not hold a CR, an LF, a NUL or (outside the
// angle brackets of a MAIL/RCPT path) bytes above 0x7f: 500 5.5.2; a non-ASCII address in a
// transaction whose MAIL gave no SMTPUTF8 gets 553 5.6.7. Credentials appear only in the Action;
// they never reach a reply or a log, and the password is wiped once OnAuthResult has been told.
// Text from a ServerReply is cut and cleaned of control and non-ASCII bytes before it is sent.
//
// Thread-safety: one ServerSession belongs to one connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"

namespace herald::smtp {

inline constexpr size_t kMaxCommandLineBytes = 512;  // RFC 5321 §4.5.3.1.4, CRLF included
inline constexpr size_t kMaxAuthLineBytes = 12288;   // RFC 4954 §4
inline constexpr size_t kRecipientOvershoot = 1000;  // 452s past max_recipients not counted as errors

struct ServerOptions {
  std::string hostname;                     // in the greeting and the EHLO reply
  uint64_t max_message_bytes = 30'000'000;  // advertised as SIZE; larger messages get 552 5.3.4
  size_t max_recipients = 100;
  int max_errors = 20;
  int max_junk_commands = 100;
  bool tls_available = true;  // a certificate is loaded, so STARTTLS may be offered
  bool implicit_tls = false;  // the session runs inside TLS from its first byte (port 465)
  bool inbound = false;       // an inbound MX: no AUTH, MAIL from anyone (see above)
};

// An envelope address as given on MAIL or RCPT.
struct Path {
  core::EmailAddress address;  // empty addr-spec only for the null reverse-path "<>"
  bool null() const { return address.local.empty() && address.domain.empty(); }
};

struct Envelope {
  Path mail_from;
  std::vector<Path> rcpt_to;
  bool smtputf8 = false;                  // MAIL … SMTPUTF8
  bool eight_bit_mime = false;            // MAIL … BODY=8BITMIME
  std::optional<uint64_t> declared_size;  // MAIL … SIZE=n
};

struct Credentials {
  std::string mechanism;  // "PLAIN" or "LOGIN"
  std::string authzid;    // PLAIN's authorisation identity; empty when none was given
  std::string username;
  std::string password;
};

// What the connection must do after writing `output`.
enum class Action {
  kNone,          // read the next command line
  kStartTls,      // run the TLS handshake, drop any input read before it, then OnTlsStarted()
  kAuthenticate,  // check credentials(), then OnAuthResult()
  kReadData,      // read the message data (DataReceiver), then OnData()
  kStore,         // store envelope() with the data read, then OnStored()
  kClose,         // close the connection
};

// Named ServerStep, not Step: client_session.h already defines smtp::Step, and two classes of one
// name in one namespace break the one-definition rule (and any file including both headers).
struct ServerStep {
  std::string output;  // zero or more complete replies, CRLF-terminated
  Action action = Action::kNone;
};

// A reply the connection decides (storage result, policy after reading the data).
struct ServerReply {
  int code = 0;               // e.g. 250, 451, 550
  std::string enhanced_code;  // e.g. "2.0.0"; may be empty
  std::string text;           // one line; the session never sends CR or LF from it
};

enum class AuthResult {
  kAccepted,   // 235 2.7.0
  kRejected,   // 535 5.7.8 (counts as an error)
  kTemporary,  // 454 4.7.0: the check itself failed
};

enum class DataOutcome {
  kComplete,     // the data ended with CRLF.CRLF within the limits: action kStore follows
  kTooLarge,     // 552 5.3.4
  kBareLineEnd,  // a bare CR or LF inside the data: 550 5.6.0, nothing stored (SMTP smuggling defence)
  kTooLongLine,  // a line over 998 bytes (RFC 5322 §2.1.1): 550 5.6.0
};

// Asked at MAIL FROM: nullopt accepts the sender; a reply refuses it (e.g. 550 5.7.1 naming the domain).
using SenderCheck = std::function<std::optional<ServerReply>(const Path& sender)>;
// Asked at RCPT TO (within max_recipients): nullopt accepts the recipient; a reply refuses it (e.g.
// 550 5.1.1). The path's address is untrusted: the check must not trust its case or its form.
using RecipientCheck = std::function<std::optional<ServerReply>(const Path& recipient)>;

class ServerSession {
 public:
  explicit ServerSession(ServerOptions options);

  // "220 <hostname> ESMTP Herald". With implicit_tls the session starts with tls() true.
  ServerStep Greeting() const;

  // One command line without its CRLF. The connection calls this only with action kNone pending
  // (calling an On… method out of turn is a bug: it asserts, and in release answers 421 4.3.0 and
  // closes). After kClose every call returns kClose and no output.
  ServerStep OnLine(std::string_view line);
  // The connection's line reader gave up on a line longer than kMaxAuthLineBytes (it discards the
  // rest of that line): 500 5.5.2, counted as an error.
  ServerStep OnLineTooLong();
  // The read timed out: 421 4.4.2 and kClose.
  ServerStep OnTimeout();

  // After kStartTls: TLS is up; the session forgets everything it knew (RFC 3207 §4.2): the client's
  // name, the envelope, the authentication and the authorisation — a client trusted by its network
  // must be given SetAuthorized again.
  void OnTlsStarted();
  // After kAuthenticate. kAccepted marks the session authenticated; the connection also calls
  // SetAuthorized with what the credentials unlocked.
  ServerStep OnAuthResult(AuthResult result);
  // After kReadData.
  ServerStep OnData(DataOutcome outcome);
  // After kStore: a 250 with the stored message's ids, or the refusal; the envelope is reset either way.
  // A missing or malformed enhanced code becomes "<class>.0.0"; a code outside 2xx/4xx/5xx becomes
  // 451 4.3.0; a 421 also closes.
  ServerStep OnStored(const ServerReply& reply);

  // The client may send mail (authenticated, or from a trusted network): `require_tls` demands TLS
  // before MAIL (530 5.7.0); `check_sender` judges MAIL FROM (empty: every sender is accepted; a
  // reply it gives that is not 4xx/5xx is sent as 451 4.3.0).
  void SetAuthorized(bool require_tls, SenderCheck check_sender);
  // Every RCPT is asked of `check_recipient` (a reply it gives that is not 4xx/5xx is sent as 451
  // 4.3.0). The listener's policy, not the client's: it survives STARTTLS.
  void SetRecipientCheck(RecipientCheck check_recipient);

  bool tls() const { return tls_; }
  bool authenticated() const { return authenticated_; }
  // The EHLO/HELO argument (printable ASCII, untrusted: clean it before logging); empty before.
  const std::string& client_name() const { return client_name_; }
  const Envelope& envelope() const { return envelope_; }
  // Complete while kAuthenticate is pending; afterwards the password is wiped.
  const Credentials& credentials() const { return credentials_; }
  uint64_t max_message_bytes() const { return options_.max_message_bytes; }

 private:
  ServerOptions options_;
  bool tls_ = false;
  bool authenticated_ = false;
  std::string client_name_;
  Envelope envelope_;
  Credentials credentials_;

  // What the session waits for: a command line, or the report of the action it asked for.
  enum class Waiting { kLine, kTls, kAuthResult, kData, kStored, kClosed };
  // Where an AUTH exchange stands: the next line is the client's response to a 334.
  enum class AuthExchange { kNone, kPlain, kLoginUsername, kLoginPassword };
  using Handler = ServerStep (ServerSession::*)(std::string_view argument);
  struct Command {
    std::string_view verb;
    Handler handler;
    bool junk;       // counts toward max_junk_commands
    bool addresses;  // may hold non-ASCII bytes inside a path's angle brackets
  };
  static const Command* FindCommand(std::string_view verb);

  ServerStep HandleLine(std::string_view line);
  ServerStep Hello(std::string_view argument, bool esmtp);
  ServerStep OnEhlo(std::string_view argument);
  ServerStep OnHelo(std::string_view argument);
  ServerStep OnStartTls(std::string_view argument);
  ServerStep OnAuth(std::string_view argument);
  ServerStep OnAuthResponse(std::string_view line);
  ServerStep AuthPlain(std::string_view response);
  ServerStep AuthLoginUsername(std::string_view response);
  ServerStep AuthLoginPassword(std::string_view response);
  ServerStep AbortAuth(std::string_view reply);
  ServerStep OnMail(std::string_view argument);
  ServerStep OnRcpt(std::string_view argument);
  ServerStep OnDataCommand(std::string_view argument);
  ServerStep OnRset(std::string_view argument);
  ServerStep OnNoop(std::string_view argument);
  ServerStep OnQuit(std::string_view argument);
  ServerStep OnVrfy(std::string_view argument);
  ServerStep OnHelp(std::string_view argument);

  // One reply line (without CRLF); a 4xx/5xx counts as an error unless `counts_as_error` is false.
  ServerStep Say(std::string_view reply, Action action = Action::kNone, bool counts_as_error = true);
  // A reply decided by the connection (SenderCheck, OnStored), cleaned and cut.
  ServerStep SayServerReply(const ServerReply& reply, bool positive_allowed);
  // Adds the 421 when a limit is reached and notes what the session now waits for.
  ServerStep Finish(ServerStep step);
  ServerStep Misused();  // an On… call the state does not allow: a bug in the connection
  void ResetTransaction();

  Waiting waiting_ = Waiting::kLine;
  AuthExchange auth_exchange_ = AuthExchange::kNone;
  bool in_transaction_ = false;  // MAIL was accepted
  size_t recipients_tried_ = 0;  // RCPT commands in this transaction, refused or not
  size_t recipients_over_ = 0;   // of those, refused for max_recipients
  bool authorized_ = false;      // SetAuthorized was called
  bool require_tls_ = false;
  SenderCheck check_sender_;
  RecipientCheck check_recipient_;
  int errors_ = 0;
  int junk_commands_ = 0;
};

}  // namespace herald::smtp
