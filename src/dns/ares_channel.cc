#include "dns/ares_channel.h"

#include <ares.h>
#include <poll.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <mutex>

#include "base/log.h"

namespace herald::dns {
namespace {

namespace asio = boost::asio;

constexpr int kClassInternet = 1;
// Times in a row a socket may be found readable again right after being processed before it is left
// to the reactor (a guard against spinning on readiness c-ares does not consume).
constexpr int kMaxImmediateReprocessing = 64;

std::once_flag ares_library_once;

bool PollReadable(int fd) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, 0) > 0 && (entry.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
}

}  // namespace

struct AresChannel::Socket {
  Socket(const Strand& strand, int socket_fd) : fd(socket_fd), descriptor(strand) {}
  int fd;
  asio::posix::stream_descriptor descriptor;  // watches fd; released, never closed, by us
  bool want_read = false;
  bool want_write = false;
  bool waiting_read = false;
  bool waiting_write = false;
  int immediate_reads = 0;
  bool closed = false;
};

struct AresChannel::PendingQuery {
  AresChannel* channel;
  RawCallback done;
};

Result<std::string> NameServersCsv(const std::vector<NameServer>& nameservers) {
  std::string csv;
  for (const NameServer& server : nameservers) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(server.address, ec);
    if (ec) return Status::InvalidArgument("name server '" + server.address + "' is not an IP address");
    if (server.port == 0) return Status::InvalidArgument("name server " + server.address + " has port 0");
    if (!csv.empty()) csv += ',';
    csv += address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    csv += ":" + std::to_string(server.port);
  }
  return csv;
}

AresChannel::AresChannel(asio::any_io_executor executor)
    : strand_(asio::make_strand(std::move(executor))), timer_(strand_) {}

Result<std::shared_ptr<AresChannel>> AresChannel::Create(asio::any_io_executor executor,
                                                         const AresOptions& options) {
  if (options.timeout <= std::chrono::milliseconds(0) || options.timeout > std::chrono::minutes(5))
    return Status::InvalidArgument("DNS timeout must be between 1ms and 5m");
  if (options.tries < 1 || options.tries > 10) return Status::InvalidArgument("DNS tries must be 1..10");
  auto csv = NameServersCsv(options.nameservers);
  if (!csv.ok()) return csv.status();

  int library_status = ARES_SUCCESS;
  std::call_once(ares_library_once, [&] { library_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (library_status != ARES_SUCCESS)
    return Status::Internal(std::string("c-ares library init: ") + ares_strerror(library_status));

  std::shared_ptr<AresChannel> channel(new AresChannel(std::move(executor)));
  ares_options init{};
  init.sock_state_cb = &AresChannel::OnSocketState;
  init.sock_state_cb_data = channel.get();
  init.timeout = static_cast<int>(options.timeout.count());
  init.tries = options.tries;
  int status = ares_init_options(&channel->channel_, &init,
                                 ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  if (status != ARES_SUCCESS) {
    channel->channel_ = nullptr;
    return Status::Internal(std::string("c-ares init: ") + ares_strerror(status));
  }
  if (!csv->empty()) {
    status = ares_set_servers_ports_csv(channel->channel_, csv->c_str());
    if (status != ARES_SUCCESS)
      return Status::InvalidArgument("name servers '" + *csv + "': " + ares_strerror(status));
  }
  return channel;
}

AresChannel::~AresChannel() {
  destroying_ = true;
  while (!sockets_.empty()) ForgetSocket(sockets_.begin()->first);
  if (channel_ != nullptr) ares_destroy(channel_);  // pending queries' callbacks see destroying_
}

void AresChannel::Query(const std::string& name, uint16_t type, RawCallback done) {
  if (shut_down_) {
    done(Status::Unavailable("DNS resolver shut down"));
    return;
  }
  auto* pending = new PendingQuery{this, std::move(done)};
  ares_query(channel_, name.c_str(), kClassInternet, type, &AresChannel::OnQueryDone, pending);
  ArmTimer();
}

void AresChannel::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  ++timer_generation_;
  timer_.cancel();
  ares_destroy(channel_);  // fails pending queries (ARES_EDESTRUCTION) and forgets their sockets
  channel_ = nullptr;
  while (!sockets_.empty()) ForgetSocket(sockets_.begin()->first);
}

void AresChannel::OnQueryDone(void* arg, int status, int /*timeouts*/, unsigned char* answer, int length) {
  std::unique_ptr<PendingQuery> pending(static_cast<PendingQuery*>(arg));
  if (pending->channel->destroying_) return;
  bool has_response = status == ARES_SUCCESS || status == ARES_ENODATA || status == ARES_ENOTFOUND;
  if (has_response && answer != nullptr && length > 0) {
    pending->done(std::vector<uint8_t>(answer, answer + length));
  } else if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
    pending->done(Status::Unavailable("DNS resolver shut down"));
  } else {
    pending->done(Status::Unavailable(std::string("DNS query failed: ") + ares_strerror(status)));
  }
}

void AresChannel::OnSocketState(void* data, int fd, int readable, int writable) {
  auto* self = static_cast<AresChannel*>(data);
  if (readable == 0 && writable == 0) {
    self->ForgetSocket(fd);
    return;
  }
  if (self->destroying_ || self->shut_down_) return;
  std::shared_ptr<Socket>& socket = self->sockets_[fd];
  if (!socket) {
    socket = std::make_shared<Socket>(self->strand_, fd);
    boost::system::error_code ec;
    socket->descriptor.assign(fd, ec);
    if (ec) {  // its queries end by time-out
      Logger("dns")->warn("cannot watch a DNS socket: {}", ec.message());
      self->sockets_.erase(fd);
      return;
    }
  }
  std::shared_ptr<Socket> watched = socket;  // the map may change under the calls below
  watched->want_read = readable != 0;
  watched->want_write = writable != 0;
  if (watched->want_read && !watched->waiting_read) self->Watch(watched, false);
  if (watched->want_write && !watched->waiting_write) self->Watch(watched, true);
}

void AresChannel::Watch(const std::shared_ptr<Socket>& socket, bool for_write) {
  (for_write ? socket->waiting_write : socket->waiting_read) = true;
  auto self = shared_from_this();
  if (!for_write && socket->immediate_reads < kMaxImmediateReprocessing && PollReadable(socket->fd)) {
    ++socket->immediate_reads;
    asio::post(strand_, [self, socket] { self->OnReady(socket, false); });
    return;
  }
  if (!for_write) socket->immediate_reads = 0;
  auto wait =
      for_write ? asio::posix::stream_descriptor::wait_write : asio::posix::stream_descriptor::wait_read;
  socket->descriptor.async_wait(wait, [self, socket, for_write](boost::system::error_code ec) {
    if (ec == asio::error::operation_aborted) {
      (for_write ? socket->waiting_write : socket->waiting_read) = false;
      return;
    }
    self->OnReady(socket, for_write);  // other errors: c-ares finds them on the socket
  });
}

void AresChannel::OnReady(const std::shared_ptr<Socket>& socket, bool for_write) {
  (for_write ? socket->waiting_write : socket->waiting_read) = false;
  if (shut_down_ || socket->closed) return;
  ares_process_fd(channel_, for_write ? ARES_SOCKET_BAD : socket->fd,
                  for_write ? socket->fd : ARES_SOCKET_BAD);
  // ares_process_fd may have closed the socket, opened others, or changed what it waits for.
  if (!shut_down_ && !socket->closed) {
    if (for_write ? (socket->want_write && !socket->waiting_write)
                  : (socket->want_read && !socket->waiting_read))
      Watch(socket, for_write);
  }
  ArmTimer();
}

void AresChannel::ForgetSocket(int fd) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) return;
  std::shared_ptr<Socket> socket = std::move(it->second);
  sockets_.erase(it);
  socket->closed = true;
  socket->descriptor.release();  // deregisters and aborts its waits; c-ares closes the socket
}

void AresChannel::ArmTimer() {
  if (shut_down_) return;
  timeval storage{};
  timeval* next = ares_timeout(channel_, nullptr, &storage);
  uint64_t generation = ++timer_generation_;
  if (next == nullptr) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::seconds(next->tv_sec) + std::chrono::microseconds(next->tv_usec));
  timer_.async_wait([self = shared_from_this(), generation](boost::system::error_code ec) {
    if (ec || generation != self->timer_generation_ || self->shut_down_) return;
    ares_process_fd(self->channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // time-outs and retries
    self->ArmTimer();
  });
}

}  // namespace herald::dns
