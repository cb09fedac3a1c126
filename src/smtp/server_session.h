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
// refused at MAIL (552 5.3.4); at most `max_recipients` per message (452 4.5.3); a session that gives
// `max_errors` error replies, or `max_junk_commands` NOOP/RSET/VRFY/HELP/unknown commands, is told
// 421 4.7.0 and closed.
//
// SECURITY: every line is untrusted. A command line longer than kMaxCommandLineBytes (CRLF
// included) is refused with 500 5.5.2 without being parsed, except AUTH and its responses, which may
// take up to kMaxAuthLineBytes (RFC 4954 §4). A line must not hold a bare CR, a NUL or (outside
// SMTPUTF8 addresses) bytes above 0x7f: 500 5.5.2. Credentials appear only in the Action; they never
// reach a reply or a log.
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

struct ServerOptions {
  std::string hostname;                    // in the greeting and the EHLO reply
  uint64_t max_message_bytes = 30'000'000;  // advertised as SIZE; larger messages get 552 5.3.4
  size_t max_recipients = 100;
  int max_errors = 20;
  int max_junk_commands = 100;
  bool tls_available = true;  // a certificate is loaded, so STARTTLS may be offered
  bool implicit_tls = false;  // the session runs inside TLS from its first byte (port 465)
};

// An envelope address as given on MAIL or RCPT.
struct Path {
  core::EmailAddress address;  // empty addr-spec only for the null reverse-path "<>"
  bool null() const { return address.local.empty() && address.domain.empty(); }
};

struct Envelope {
  Path mail_from;
  std::vector<Path> rcpt_to;
  bool smtputf8 = false;      // MAIL … SMTPUTF8
  bool eight_bit_mime = false;  // MAIL … BODY=8BITMIME
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

struct Step {
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
  kComplete,   // the data ended with CRLF.CRLF within the limits: action kStore follows
  kTooLarge,   // 552 5.3.4
  kBareLineEnd,  // a bare CR or LF inside the data: 550 5.6.0, nothing stored (SMTP smuggling defence)
  kTooLongLine,  // a line over 998 bytes (RFC 5322 §2.1.1): 550 5.6.0
};

// Asked at MAIL FROM: nullopt accepts the sender; a reply refuses it (e.g. 550 5.7.1 naming the domain).
using SenderCheck = std::function<std::optional<ServerReply>(const Path& sender)>;

class ServerSession {
 public:
  explicit ServerSession(ServerOptions options);

  // "220 <hostname> ESMTP Herald".
  Step Greeting() const;

  // One command line without its CRLF. The connection calls this only with action kNone pending.
  Step OnLine(std::string_view line);
  // The connection's line reader gave up on a line longer than kMaxAuthLineBytes (it discards the
  // rest of that line): 500 5.5.2, counted as an error.
  Step OnLineTooLong();
  // The read timed out: 421 4.4.2 and kClose.
  Step OnTimeout();

  // After kStartTls: TLS is up; the session forgets everything it knew (RFC 3207 §4.2).
  void OnTlsStarted();
  // After kAuthenticate. kAccepted marks the session authenticated; the connection also calls
  // SetAuthorized with what the credentials unlocked.
  Step OnAuthResult(AuthResult result);
  // After kReadData.
  Step OnData(DataOutcome outcome);
  // After kStore: a 250 with the stored message's ids, or the refusal; the envelope is reset either way.
  Step OnStored(const ServerReply& reply);

  // The client may send mail (authenticated, or from a trusted network): `require_tls` demands TLS
  // before MAIL (530 5.7.0); `check_sender` judges MAIL FROM.
  void SetAuthorized(bool require_tls, SenderCheck check_sender);

  bool tls() const { return tls_; }
  bool authenticated() const { return authenticated_; }
  const std::string& client_name() const { return client_name_; }  // the EHLO/HELO argument
  const Envelope& envelope() const { return envelope_; }
  const Credentials& credentials() const { return credentials_; }
  uint64_t max_message_bytes() const { return options_.max_message_bytes; }

 private:
  ServerOptions options_;
  bool tls_ = false;
  bool authenticated_ = false;
  std::string client_name_;
  Envelope envelope_;
  Credentials credentials_;
  // The implementation adds the rest of its state here.
};

}  // namespace herald::smtp
