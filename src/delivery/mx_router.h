// MxRouter: the Route of a recipient domain for MX delivery, from its MX records (RFC 5321 §5.1,
// RFC 7505), looked up through the dns::Resolver seam (a CachingResolver in production).
//
//   MX records       → hosts by preference (dns::SortByPreference); site = the host names sorted
//                      and joined by ",", e.g. "mx1.provider.example,mx2.provider.example"
//   no MX (NODATA)   → the domain itself as its one host (the implicit MX: its A/AAAA addresses);
//                      site = the domain
//   null MX          → verdict: permanent, 5.1.10, nothing tried
//   NXDOMAIN         → verdict: permanent, 5.1.2, nothing tried
//   transient failure (SERVFAIL, time-out, …) → verdict: temporary, 4.4.3 (the message is deferred)
//   not a valid lookup name → verdict: permanent, 5.1.2
// A route to hosts requires TLS when the domain's TLS policy says so.
// An internationalised domain is looked up by its A-labels (dns::ToAsciiDomain: "bücher.example" →
// "xn--bcher-kva.example"), and the implicit MX of such a domain is its A-label name.
// A route with a verdict has the site "dns:" + domain, apart from every real site.
//
// Verdict replies have code 0 (decided here), the domain as `host` and a plain text; they are
// classified like any reply (delivery/attempt_outcome.h).
//
// Thread-safety: RouteFor may run in several coroutines at once when the resolver allows it (the
// dns/ ones do). Untrusted input: the domain comes from a validated address; DNS answers were
// checked by dns/.
#pragma once

#include "delivery/route.h"
#include "delivery/tls_policy.h"
#include "dns/resolver.h"

namespace herald::delivery {

class MxRouter {
 public:
  explicit MxRouter(dns::Resolver& resolver, TlsPolicy tls_policy = {})
      : resolver_(resolver), tls_policy_(std::move(tls_policy)) {}

  boost::asio::awaitable<Route> RouteFor(std::string domain);

 private:
  boost::asio::awaitable<Route> Lookup(const std::string& domain);

  dns::Resolver& resolver_;
  TlsPolicy tls_policy_;
};

// The site of a set of MX hosts: their names, lowercased, sorted and joined by ",".
std::string SiteOf(const std::vector<dns::MxRecord>& hosts);

}  // namespace herald::delivery
