// SmtpConnection: one outbound SMTP connection (to a relay now, to MX hosts later), reused for
// several messages. The protocol is smtp::ClientSession's; this class only moves its bytes, with a
// time limit on every step, and turns every failure into a value.
//
//   Open:  resolve → connect (TCP_NODELAY) → greeting → EHLO (or HELO) → [STARTTLS → EHLO]
//   Send:  [RSET] MAIL FROM, RCPT TO, DATA (pipelined when offered) → content → "." → verdict
//   Quit:  QUIT → 221 → close
//
// TLS policy: with `opportunistic_tls` STARTTLS is used whenever the server offers it and a TLS
// context is given; certificates are NOT verified unless `verify_certificate` is set (opportunistic
// TLS protects against passive listening only, as RFC 7435 intends; an unverified certificate is
// still better than clear text). If the handshake fails, Open connects once more and stays in clear
// (as Postfix does at its "may" level). With `require_tls`, a server that does not offer STARTTLS,
// refuses it, or fails the handshake gives a temporary failure: nothing is ever sent in clear.
//
// Source address: with `source_address` the socket is bound to it before connecting (IP pools), so
// the server sees that address; binding to an address this machine does not have fails the connection.
//
// Time limits (RFC 5321 §4.5.3.2): connect (resolution included), greeting, each command's reply,
// each 64 KiB block of content written, and the reply to the final ".". Replies are read through
// smtp::ReplyParser with its line and reply limits into a fixed buffer; nothing grows unbounded.
// A host name goes through the system resolver, whose getaddrinfo() cannot be interrupted: its time
// limit is reported when the call returns. Callers that resolve with c-ares (MX delivery) pass an
// address literal, which needs no resolution.
//
// Failures are values: nothing thrown by Asio escapes these coroutines. A network failure or time-out
// gives a temporary failure with code 0 and the reason in the text.
//
// SECURITY: the server is untrusted. Its replies are bounded and cleaned (herald::Printable) before
// they reach an AttemptResult; plain-text bytes that arrive with the reply to STARTTLS (an injection
// attempt) fail the handshake.
//
// Thread-safety: none. One SmtpConnection is used by one coroutine at a time, on one executor.
// Like any Asio I/O object, it must be destroyed before the execution context of its executor.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "smtp/client_session.h"
#include "smtp/reply.h"

namespace herald::delivery {

struct SmtpTarget {
  std::string host;  // a name or an IP address literal
  uint16_t port = 25;
  // The server's name when `host` is one of its addresses (an MX host resolved by the caller): the
  // TLS server name (SNI, and the name checked with verify_certificate), and shown in `remote()`.
  std::string name;
};

struct SmtpClientOptions {
  std::string ehlo_name = "localhost";
  // The local address to connect from (an IP pool's): an IP literal of the target's family, and the
  // target must be an address literal too. Empty: the system chooses.
  std::string source_address;
  bool opportunistic_tls = true;    // STARTTLS when offered (and a TLS context is given)
  bool require_tls = false;         // never send in clear: a temporary failure instead
  bool verify_certificate = false;  // check the server's certificate chain and name
  std::chrono::milliseconds connect_timeout{30000};
  std::chrono::milliseconds greeting_timeout{300000};  // RFC 5321 §4.5.3.2.1
  std::chrono::milliseconds command_timeout{300000};   // each command's reply
  std::chrono::milliseconds data_block_timeout{180000};
  std::chrono::milliseconds data_end_timeout{600000};  // the reply to the final "."
  std::chrono::milliseconds quit_timeout{10000};       // the reply to QUIT: short, nothing depends on it
};

struct Envelope {
  std::string mail_from;  // addr-spec; empty for the null reverse-path
  std::string rcpt_to;    // addr-spec
  bool smtputf8 = false;  // the message needs SMTPUTF8
};

// kDelivered, kTemporaryFailure, kPermanentFailure.
using Outcome = smtp::Outcome;
// What decided an attempt: `outcome`, and `reply` (host, code, enhanced code, cleaned text; code 0
// with the reason for a local or network failure). `lost_before_reply` is set when the connection
// broke before the server answered anything for this message, so that sending it again at once on
// a new connection cannot deliver it twice (a reused connection the server had closed).
using AttemptResult = smtp::Verdict;

class SmtpConnection;

struct OpenResult {
  std::unique_ptr<SmtpConnection> connection;  // set when the connection is ready for messages
  AttemptResult failure;                       // otherwise, why not (4xx/5xx greeting, refused, …)
  bool ok() const { return connection != nullptr; }
};

class SmtpConnection {
 public:
  // `tls` may be null (no STARTTLS); it must outlive the connection.
  static boost::asio::awaitable<OpenResult> Open(boost::asio::any_io_executor executor, SmtpTarget target,
                                                 SmtpClientOptions options, boost::asio::ssl::context* tls);

  ~SmtpConnection();
  SmtpConnection(const SmtpConnection&) = delete;
  SmtpConnection& operator=(const SmtpConnection&) = delete;

  // Sends one message. `raw_message` (CRLF line ends, not dot-stuffed) must stay valid until the
  // returned awaitable completes. Calling it when !usable() gives a temporary failure.
  boost::asio::awaitable<AttemptResult> Send(Envelope envelope, std::string_view raw_message);

  // False after a network error, a 421, a protocol error, or Quit.
  bool usable() const { return session_.ready(); }
  bool tls_active() const { return session_.tls_active(); }
  const smtp::Extensions& extensions() const { return session_.extensions(); }
  // "mx.example", or "host:port" when the port is not 25; with a `name`, "name[address]" or
  // "name[address]:port": the `host` of recorded replies.
  const std::string& remote() const { return remote_; }

  // A polite QUIT (when usable), then closes. Never throws.
  boost::asio::awaitable<void> Quit();

 private:
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  SmtpConnection(boost::asio::any_io_executor executor, SmtpTarget target, SmtpClientOptions options,
                 boost::asio::ssl::context* tls);

  // Each returns the session's next step; failures are reported to the session, never thrown.
  boost::asio::awaitable<smtp::Step> Connect();
  boost::asio::awaitable<smtp::Step> Run(smtp::Step step);  // until ready or closed
  boost::asio::awaitable<boost::system::error_code> Write(std::string_view bytes, bool is_content);
  boost::asio::awaitable<smtp::Step> ReadReply(smtp::Wait wait);
  boost::asio::awaitable<smtp::Step> StartTls();
  void Close();
  AttemptResult Finish(smtp::Verdict verdict) const;  // fills in the remote host

  boost::beast::tcp_stream& Tcp();

  boost::asio::any_io_executor executor_;
  SmtpTarget target_;
  SmtpClientOptions options_;
  boost::asio::ssl::context* tls_context_;
  std::string remote_;
  smtp::ClientSession session_;
  smtp::ReplyParser parser_;
  bool tls_handshake_failed_ = false;
  boost::beast::tcp_stream tcp_;        // until STARTTLS
  std::unique_ptr<TlsStream> tls_;      // after STARTTLS (it owns the TCP stream then)
  std::array<char, 4096> read_buffer_;  // each read's bytes go straight to parser_
};

}  // namespace herald::delivery
