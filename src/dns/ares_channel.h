// AresChannel: one c-ares channel driven by Asio — the glue under AresResolver (dns/ares_resolver.h).
//
// c-ares tells, through its socket-state callback, which sockets it wants watched for reading or
// writing; each is watched with a posix::stream_descriptor that never owns the socket (released
// before c-ares closes it), and `ares_process_fd` is called when one is ready. A timer set from
// `ares_timeout` drives retries and time-outs. Truncated UDP answers are retried over TCP, as c-ares
// does by default.
//
// The sockets are watched edge-triggered by Asio's reactor, so before every wait the socket is
// polled (without blocking) and processed again at once if data is still there: c-ares reads a TCP
// answer in several steps and would otherwise wait for data it already has.
//
// Thread-safety: every c-ares call happens on the channel's strand. Query and Shutdown must be called
// on that strand; their callbacks run on it. Handlers keep the channel alive (shared_ptr), so it
// outlives its owner while work is under way; an io_context destroyed with work pending destroys the
// channel without calling the pending callbacks.
//
// Untrusted input: c-ares reads the network; the raw answers it hands over are returned unread, for
// dns/response.h to check.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

struct ares_channeldata;

namespace herald::dns {

struct NameServer {
  std::string address;  // an IPv4 or IPv6 address literal (no brackets)
  uint16_t port = 53;
};

struct AresOptions {
  std::vector<NameServer> nameservers;      // empty: those of /etc/resolv.conf
  std::chrono::milliseconds timeout{5000};  // for the first try at each server; c-ares doubles it per round
  int tries = 2;                            // rounds over the servers before giving up
};

// "1.2.3.4:53,[::1]:5353": the form ares_set_servers_ports_csv reads. InvalidArgument when an
// address is not an IP address literal.
Result<std::string> NameServersCsv(const std::vector<NameServer>& nameservers);

class AresChannel : public std::enable_shared_from_this<AresChannel> {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  // The complete response as received (for NOERROR with or without records, and NXDOMAIN), or
  // Unavailable (SERVFAIL, REFUSED, time-out, network error, shut down).
  using RawResult = Result<std::vector<uint8_t>>;
  using RawCallback = std::function<void(RawResult)>;

  // InvalidArgument for bad options, Internal when c-ares cannot be initialised.
  static Result<std::shared_ptr<AresChannel>> Create(boost::asio::any_io_executor executor,
                                                     const AresOptions& options);
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  const Strand& strand() const { return strand_; }

  // On the strand: asks `name` (a valid lookup name) for records of `type`, class IN. `done` runs
  // once, on the strand, possibly before Query returns.
  void Query(const std::string& name, uint16_t type, RawCallback done);

  // On the strand: fails the pending queries with Unavailable, stops watching sockets and destroys
  // the c-ares channel; later queries fail at once. Idempotent.
  void Shutdown();

 private:
  struct Socket;
  struct PendingQuery;

  explicit AresChannel(boost::asio::any_io_executor executor);
  static void OnSocketState(void* data, int fd, int readable, int writable);
  static void OnQueryDone(void* arg, int status, int timeouts, unsigned char* answer, int length);

  void Watch(const std::shared_ptr<Socket>& socket, bool for_write);
  void OnReady(const std::shared_ptr<Socket>& socket, bool for_write);
  void ForgetSocket(int fd);
  void ArmTimer();

  Strand strand_;
  boost::asio::steady_timer timer_;
  uint64_t timer_generation_ = 0;
  ares_channeldata* channel_ = nullptr;
  bool shut_down_ = false;
  bool destroying_ = false;  // in the destructor: callbacks must not reach the owners any more
  std::map<int, std::shared_ptr<Socket>> sockets_;
};

}  // namespace herald::dns
