// AresResolver: the Resolver that asks name servers, through c-ares (Debian 12: 1.18) driven by Asio.
//
// Queries go to `AresOptions::nameservers` (config: dns.nameservers), or to those of
// /etc/resolv.conf when none are given; they are sent as asked (no search list), with recursion
// desired. Each server gets `timeout` on the first round and twice as long on each further round, for
// `tries` rounds: with one server, tries = 2 and timeout = 5s, a server that never answers makes a
// lookup fail (Unavailable) after about 15s. SERVFAIL and REFUSED make c-ares try the next server; a
// truncated UDP answer is asked again over TCP. Answers are not cached here: put a CachingResolver in
// front.
//
// Thread-safety: lookups may be called from any coroutines on any executors; they complete on the
// caller's executor. All c-ares work happens on one strand of the executor given to Create. Destroying
// the resolver ends its pending lookups with Unavailable (once the io_context runs them); it must
// happen before the io_context is destroyed, like any Asio I/O object.
//
// Untrusted input: responses from the network, read by dns/response.h; an unreadable one is logged
// and reported as Unavailable.
#pragma once

#include <memory>

#include "dns/ares_channel.h"
#include "dns/resolver.h"

namespace herald::dns {

class AresResolver final : public Resolver {
 public:
  // InvalidArgument for bad options (a name server that is not an IP address, a zero timeout…),
  // Internal when c-ares cannot start.
  static Result<std::unique_ptr<AresResolver>> Create(boost::asio::any_io_executor executor,
                                                      AresOptions options);
  ~AresResolver() override;
  AresResolver(const AresResolver&) = delete;
  AresResolver& operator=(const AresResolver&) = delete;

  boost::asio::awaitable<Result<MxAnswer>> LookupMx(std::string domain) override;
  boost::asio::awaitable<Result<AddressAnswer>> LookupAddresses(std::string host) override;
  boost::asio::awaitable<Result<TxtAnswer>> LookupTxt(std::string name) override;
  boost::asio::awaitable<Result<CnameAnswer>> LookupCname(std::string name) override;

 private:
  explicit AresResolver(std::shared_ptr<AresChannel> channel) : channel_(std::move(channel)) {}
  boost::asio::awaitable<AresChannel::RawResult> Ask(std::string name, uint16_t type);

  std::shared_ptr<AresChannel> channel_;
};

}  // namespace herald::dns
