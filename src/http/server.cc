#include "http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "http/listen_address.h"
#include "http/session.h"

namespace herald::http {

namespace asio = boost::asio;
using boost::system::error_code;
using internal::ServerState;
using internal::Session;
using internal::Strand;

namespace {

// 503 answers being written at once; past this an over-limit connection is just closed.
constexpr size_t kMaxOverloadReplies = 256;
// Pause after a failed accept (such as running out of file descriptors) so the loop does not spin.
constexpr std::chrono::milliseconds kAcceptErrorPause{100};

asio::awaitable<void> AcceptLoop(std::shared_ptr<ServerState> state) {
  error_code error;
  auto token = asio::redirect_error(asio::use_awaitable, error);
  for (;;) {
    internal::Stream::socket_type socket =
        co_await state->acceptor.async_accept(asio::make_strand(state->executor), token);
    if (state->stopping.load() || error == asio::error::operation_aborted) break;
    if (error) {
      state->log->warn("accept failed: {}", error.message());
      asio::steady_timer pause(state->acceptor.get_executor(), kAcceptErrorPause);
      co_await pause.async_wait(token);
      continue;
    }
    socket.set_option(asio::ip::tcp::no_delay(true), error);  // responses go out in one write

    if (state->connections.load(std::memory_order_relaxed) >= state->options.max_connections) {
      if (state->overload_replies.fetch_add(1, std::memory_order_relaxed) < kMaxOverloadReplies) {
        auto executor = socket.get_executor();
        asio::co_spawn(executor, internal::RejectOverloaded(state, internal::Stream(std::move(socket))),
                       internal::LogEscapedException{state->log});
      } else {
        state->overload_replies.fetch_sub(1, std::memory_order_relaxed);
      }
      continue;  // unanswered sockets close here
    }
    auto session = std::make_shared<Session>(state, std::move(socket));
    asio::co_spawn(session->executor(), Session::Run(session), internal::LogEscapedException{state->log});
  }
  state->log->debug("stopped accepting on port {}", state->port.load());
}

}  // namespace

Server::Server(asio::io_context& io, ServerOptions options, Handler handler) {
  if (!handler) {
    std::fprintf(stderr, "http::Server: no handler\n");
    std::abort();
  }
  state_ = std::make_shared<ServerState>(io, std::move(options), std::move(handler));
}

Server::~Server() { Stop(); }

Status Server::Start() {
  if (started_) return Status::FailedPrecondition("http server already started");
  if (state_->stopping.load()) return Status::FailedPrecondition("http server already stopped");
  const ServerOptions& options = state_->options;
  if (options.header_limit == 0 || options.max_connections == 0 || options.read_timeout.count() <= 0 ||
      options.idle_timeout.count() <= 0 || options.write_timeout.count() <= 0) {
    return Status::InvalidArgument("http server: limits and timeouts must be positive");
  }
  Result<asio::ip::tcp::endpoint> endpoint = ResolveListenAddress(state_->options.listen);
  if (!endpoint.ok()) return endpoint.status();

  internal::Acceptor& acceptor = state_->acceptor;
  error_code error;
  auto fail = [&](std::string_view what) {
    error_code ignored;
    acceptor.close(ignored);
    return Status::Unavailable("cannot listen on " + state_->options.listen + ": " + std::string(what) +
                               ": " + error.message());
  };
  acceptor.open(endpoint->protocol(), error);
  if (error) return fail("open");
  acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (error) return fail("SO_REUSEADDR");
  acceptor.bind(*endpoint, error);
  if (error) return fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return fail("listen");
  asio::ip::tcp::endpoint local = acceptor.local_endpoint(error);
  if (error) return fail("local address");
  state_->port = local.port();
  started_ = true;

  state_->log->info("listening on {}:{}", local.address().to_string(), local.port());
  asio::co_spawn(acceptor.get_executor(), AcceptLoop(state_), internal::LogEscapedException{state_->log});
  return Status::Ok();
}

uint16_t Server::port() const { return state_->port.load(); }

size_t Server::connections() const { return state_->connections.load(std::memory_order_relaxed); }

void Server::Stop() {
  if (state_->stopping.exchange(true)) return;
  // The acceptor may be used only on its strand; closing it ends the pending accept.
  asio::post(state_->acceptor.get_executor(), [state = state_] {
    error_code ignored;
    state->acceptor.close(ignored);
  });
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(state_->mutex);
    sessions.reserve(state_->sessions.size());
    for (Session* raw : state_->sessions) {
      // Empty when the session is being destroyed (its destructor waits for this mutex).
      if (std::shared_ptr<Session> session = raw->weak_from_this().lock())
        sessions.push_back(std::move(session));
    }
  }
  // Outside the lock: dropping what may be a session's last reference runs ~Session, which locks it.
  for (std::shared_ptr<Session>& entry : sessions) {
    Strand executor = entry->executor();
    asio::post(executor, [session = std::move(entry)] { session->CloseIfIdle(); });
  }
}

}  // namespace herald::http
