// CachingResolver: a Resolver that answers from a cache (dns/answer_cache.h) and asks another
// Resolver only for what it does not hold.
//
// Every answer is cached for its TTL: records, null MX, NODATA and NXDOMAIN alike (the last two with
// their RFC 2308 negative TTL, chosen by dns/response.h). Failures (Unavailable, InvalidArgument) are
// never cached. Names are cached case-insensitively, without their final dot. Each record type has
// its own cache of at most `max_entries_per_type` answers. Concurrent lookups of a name that is not
// cached each ask the upstream resolver.
//
// Thread-safety: lookups may run concurrently from any executors (the caches are behind a mutex held
// for no more than a lookup in a map); `upstream` must allow the same, and outlive this object, as
// must `clock`.
#pragma once

#include <mutex>

#include "base/clock.h"
#include "dns/answer_cache.h"
#include "dns/resolver.h"

namespace herald::dns {

class CachingResolver final : public Resolver {
 public:
  CachingResolver(Resolver& upstream, const Clock& clock, size_t max_entries_per_type = 10'000);

  boost::asio::awaitable<Result<MxAnswer>> LookupMx(std::string domain) override;
  boost::asio::awaitable<Result<AddressAnswer>> LookupAddresses(std::string host) override;
  boost::asio::awaitable<Result<TxtAnswer>> LookupTxt(std::string name) override;
  boost::asio::awaitable<Result<CnameAnswer>> LookupCname(std::string name) override;

 private:
  Resolver& upstream_;
  std::mutex mutex_;
  AnswerCache<MxAnswer> mx_;
  AnswerCache<AddressAnswer> addresses_;
  AnswerCache<TxtAnswer> txt_;
  AnswerCache<CnameAnswer> cname_;
};

}  // namespace herald::dns
