// One SMTP connection: the coroutine that drives smtp::ServerSession over a socket, for the SMTP relay
// (DESIGN §2.2) and the inbound listener (§4) alike; what differs between them is the SessionPolicy.
//
// It reads top to bottom (STYLE habit 8): [TLS handshake] → greeting → loop { read a command line
// (within smtp.command_timeout) → hand it to the state machine → perform what it asks (TLS, AUTH,
// reading the data within smtp.data_timeout, handing the message to the policy) → write its
// replies }. Replies to pipelined commands are written together, once no complete command is left to
// read.
//
// Before STARTTLS's handshake every byte already read is dropped, so that no command can be
// injected into the TLS session from the plaintext one. The reply to the final dot is the policy's,
// sent only once it has answered (after its durable commit).
//
// Thread-safety: a session runs on its own strand; Shutdown may be called from any thread.
// Untrusted input: everything the client sends; bounded by the limits of SessionOptions and of
// smtp::ServerSession. Client text is cleaned with herald::Printable before it is logged; passwords
// never are.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "core/ip_network.h"
#include "smtp/server_session.h"

namespace herald::smtpd {

struct SessionOptions {
  smtp::ServerOptions protocol;  // implicit_tls and tls_available are set per listener
  Duration command_timeout{300'000};
  Duration data_timeout{180'000};
};

// The client of a session, as the socket says.
struct Peer {
  std::string address = "unknown";  // for logs
  std::optional<core::IpAddress> ip;
};

// What one listener does for the client of one session: who may send, and what becomes of a
// message. Its methods run on the session's strand, one at a time.
class SessionPolicy {
 public:
  virtual ~SessionPolicy() = default;
  // At the start of the session, and again after STARTTLS (the state machine forgot the client):
  // sets up on `protocol` what the client may do before or without AUTH.
  virtual void Begin(smtp::ServerSession& protocol) = 0;
  // The state machine asked for kAuthenticate: checks protocol.credentials().
  virtual smtp::AuthResult Authenticate(smtp::ServerSession& protocol) = 0;
  // A complete message for `envelope` (dot-stuffing undone, CRLF line ends): stored durably, or
  // refused. Answers the reply to the final dot.
  virtual boost::asio::awaitable<smtp::ServerReply> Deliver(const smtp::Envelope& envelope, std::string message) = 0;
};

using PolicyFactory = std::function<std::unique_ptr<SessionPolicy>(const Peer& peer)>;

// What every session of one server shares.
struct SessionServices {
  PolicyFactory policies;                    // one policy per session
  boost::asio::ssl::context* tls = nullptr;  // null: no certificate, no TLS
};

// A running session, as its server sees it.
class SessionHandle {
 public:
  virtual ~SessionHandle() = default;
  // Asks the session to end: a client waiting for a reply or sending message data is told 421 4.3.2
  // and disconnected (nothing of an unfinished message is kept); a message being stored is stored and
  // answered first.
  virtual void Shutdown() = 0;
};

// Starts serving `socket` (whose executor must be a strand) and returns at once. `ended` runs on the
// session's strand when the connection is closed. The services must outlive the session.
std::shared_ptr<SessionHandle> StartSession(boost::asio::ip::tcp::socket socket, const SessionOptions& options,
                                            SessionServices services, std::function<void()> ended);

}  // namespace herald::smtpd
