#include "smtpd/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <mutex>
#include <unordered_map>

#include "base/log.h"

namespace herald::smtpd {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace internal {

struct ServerState : std::enable_shared_from_this<ServerState> {
  ServerState(asio::io_context& io_, ServerOptions options_, SessionServices services_)
      : io(io_), options(std::move(options_)), services(services_) {}

  asio::io_context& io;
  const ServerOptions options;
  SessionOptions starttls_session;      // STARTTLS offered when a certificate is loaded
  SessionOptions implicit_tls_session;  // TLS from the first byte
  SessionServices services;
  std::optional<tcp::acceptor> starttls;
  std::optional<tcp::acceptor> implicit_tls;

  mutable std::mutex mutex;
  bool stopped = false;
  uint64_t next_session = 0;
  std::unordered_map<uint64_t, std::weak_ptr<SessionHandle>> sessions;

  asio::awaitable<void> Accept(tcp::acceptor& acceptor, const SessionOptions& session_options);
  void Serve(tcp::socket socket, const SessionOptions& session_options);
};

asio::awaitable<void> ServerState::Accept(tcp::acceptor& acceptor, const SessionOptions& session_options) {
  auto self = shared_from_this();
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(io), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
      Logger("smtpd")->warn("accept failed: {}", ec.message());
      continue;  // e.g. out of file descriptors for a moment
    }
    Serve(std::move(socket), session_options);
  }
}

void ServerState::Serve(tcp::socket socket, const SessionOptions& session_options) {
  uint64_t id;
  {
    std::lock_guard lock(mutex);
    if (stopped) return;
    if (sessions.size() >= options.max_connections) {
      // Told in the clear even on the implicit-TLS port: no handshake is spent on a refusal.
      auto refused = std::make_shared<tcp::socket>(std::move(socket));
      auto text = std::make_shared<std::string>("421 4.7.0 " + session_options.protocol.hostname +
                                                " Error: too many connections; try again later\r\n");
      asio::async_write(*refused, asio::buffer(*text), [refused, text](boost::system::error_code, size_t) {
        boost::system::error_code ignored;
        refused->close(ignored);
      });
      Logger("smtpd")->warn("refused a connection: {} connections already", options.max_connections);
      return;
    }
    id = next_session++;
    sessions.emplace(id, std::weak_ptr<SessionHandle>());
  }
  auto self = shared_from_this();
  auto session = StartSession(std::move(socket), session_options, services, [self, id] {
    std::lock_guard lock(self->mutex);
    self->sessions.erase(id);
  });
  std::lock_guard lock(mutex);
  if (auto it = sessions.find(id); it != sessions.end()) it->second = session;
}

}  // namespace internal

namespace {

Result<tcp::endpoint> ParseEndpoint(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("'" + text + "' is not host:port");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("'" + host + "' is not an IP address");
  int port = 0;
  try {
    port = std::stoi(text.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) return Status::InvalidArgument("bad port in '" + text + "'");
  return tcp::endpoint(address, static_cast<uint16_t>(port));
}

Status Listen(asio::io_context& io, const std::string& where, std::optional<tcp::acceptor>& acceptor) {
  auto endpoint = ParseEndpoint(where);
  if (!endpoint.ok()) return endpoint.status();
  acceptor.emplace(io);
  boost::system::error_code ec;
  acceptor->open(endpoint->protocol(), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(*endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor.reset();
    return Status::Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  return Status::Ok();
}

uint16_t PortOf(const std::optional<tcp::acceptor>& acceptor) {
  if (!acceptor) return 0;
  boost::system::error_code ec;
  auto endpoint = acceptor->local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

}  // namespace

SmtpServer::SmtpServer(asio::io_context& io, ServerOptions options, SessionServices services)
    : state_(std::make_shared<internal::ServerState>(io, std::move(options), services)) {
  state_->starttls_session = state_->options.session;
  state_->starttls_session.protocol.tls_available = services.tls != nullptr;
  state_->starttls_session.protocol.implicit_tls = false;
  state_->implicit_tls_session = state_->options.session;
  state_->implicit_tls_session.protocol.tls_available = services.tls != nullptr;
  state_->implicit_tls_session.protocol.implicit_tls = true;
}

SmtpServer::~SmtpServer() { Stop(); }

Status SmtpServer::Start() {
  const ServerOptions& options = state_->options;
  if (options.implicit_tls_listen && state_->services.tls == nullptr) {
    return Status::FailedPrecondition("the implicit-TLS port needs a certificate");
  }
  if (options.listen) HERALD_RETURN_IF_ERROR(Listen(state_->io, *options.listen, state_->starttls));
  if (options.implicit_tls_listen) {
    Status s = Listen(state_->io, *options.implicit_tls_listen, state_->implicit_tls);
    if (!s.ok()) {
      state_->starttls.reset();
      return s;
    }
  }
  if (state_->starttls) {
    asio::co_spawn(state_->io, state_->Accept(*state_->starttls, state_->starttls_session), asio::detached);
  }
  if (state_->implicit_tls) {
    asio::co_spawn(state_->io, state_->Accept(*state_->implicit_tls, state_->implicit_tls_session), asio::detached);
  }
  return Status::Ok();
}

uint16_t SmtpServer::port() const { return PortOf(state_->starttls); }
uint16_t SmtpServer::implicit_tls_port() const { return PortOf(state_->implicit_tls); }

void SmtpServer::Stop() {
  std::vector<std::shared_ptr<SessionHandle>> live;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopped) return;
    state_->stopped = true;
    for (auto& [id, weak] : state_->sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  asio::post(state_->io, [state = state_] {
    boost::system::error_code ec;
    if (state->starttls) state->starttls->close(ec);
    if (state->implicit_tls) state->implicit_tls->close(ec);
  });
  for (auto& session : live) session->Shutdown();
}

size_t SmtpServer::connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->sessions.size();
}

}  // namespace herald::smtpd
