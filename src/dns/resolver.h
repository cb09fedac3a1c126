// Resolver: the seam through which Herald asks DNS (STYLE habit 11). AresResolver asks name servers
// through c-ares; CachingResolver keeps answers for their TTL in front of another Resolver; tests
// put fakes behind it.
//
// Each lookup is a coroutine that completes on the caller's executor. Its result is an answer
// (dns/answer.h: records, null MX, no records, no such domain — each with its TTL), or a Status:
//   InvalidArgument  `name` is not a valid lookup name (IsValidLookupName): IDNs must be given as
//                    A-labels ("xn--…"); a caller treats this as a hard failure.
//   Unavailable      a transient failure: SERVFAIL, REFUSED, no answer in time, a network error, an
//                    unreadable or forged-looking response, the resolver shutting down. Defer.
//
// Thread-safety: implementations say; those in this folder may be used from any number of coroutines
// on any executors at once.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <string>

#include "base/status.h"
#include "dns/answer.h"

namespace herald::dns {

class Resolver {
 public:
  virtual ~Resolver() = default;
  // The MX records of `domain` (RFC 5321 §5.1). Order them with OrderByPreference (dns/mx_order.h);
  // on kNoData deliver to the domain's own addresses; kNullMx and kNxDomain are hard failures.
  virtual boost::asio::awaitable<Result<MxAnswer>> LookupMx(std::string domain) = 0;
  // The A and AAAA addresses of `host`, asked at once (see CombineAddressAnswers in dns/response.h
  // for when only one of the two answers).
  virtual boost::asio::awaitable<Result<AddressAnswer>> LookupAddresses(std::string host) = 0;
  // The TXT records of `name`, each record's strings joined.
  virtual boost::asio::awaitable<Result<TxtAnswer>> LookupTxt(std::string name) = 0;
  // The CNAME record of `name` (an alias's target; kNoData when `name` is not an alias).
  virtual boost::asio::awaitable<Result<CnameAnswer>> LookupCname(std::string name) = 0;
};

}  // namespace herald::dns
