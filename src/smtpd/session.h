// One SMTP relay connection: the coroutine that drives smtp::ServerSession over a socket (DESIGN §2.2).
//
// It reads top to bottom (STYLE habit 8): [TLS handshake] → greeting → loop { read a command line
// (within smtp.command_timeout) → hand it to the state machine → perform what it asks (TLS, AUTH,
// reading the data within smtp.data_timeout, storing through intake) → write its replies }. Replies
// to pipelined commands are written together, once no complete command is left to read.
//
// Before STARTTLS's handshake every byte already read is dropped, so that no command can be
// injected into the TLS session from the plaintext one. A client whose address lies in a trusted
// network is authorised as that SMTP connection from the start; otherwise AUTH authorises it. The
// reply to the final dot is sent only after the durable commit.
//
// Thread-safety: a session runs on its own strand; Shutdown may be called from any thread.
// Untrusted input: everything the client sends; bounded by the limits of SessionOptions and of
// smtp::ServerSession. Client text is cleaned with herald::Printable before it is logged; passwords
// never are.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>

#include "base/clock.h"
#include "intake/intake.h"
#include "smtp/server_session.h"
#include "smtpd/auth_throttle.h"
#include "smtpd/relay_access.h"

namespace herald::smtpd {

struct SessionOptions {
  smtp::ServerOptions protocol;  // implicit_tls and tls_available are set per listener
  Duration command_timeout{300'000};
  Duration data_timeout{180'000};
};

// What every session of one server shares.
struct SessionServices {
  RelayAccess& access;
  AuthThrottle& throttle;
  intake::Intake& intake;
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
