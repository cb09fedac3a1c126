#include "delivery/mx_router.h"

#include <algorithm>

#include "base/log.h"
#include "base/printable.h"
#include "dns/idna.h"
#include "dns/mx_order.h"

namespace herald::delivery {
namespace {

Route Decided(const std::string& domain, smtp::Outcome outcome, std::string_view enhanced_code,
              std::string_view text) {
  Route route;
  route.site = "dns:" + domain;
  route.verdict = smtp::LocalVerdict(outcome, enhanced_code, text);
  route.verdict->reply.host = Printable(domain, 255);
  return route;
}

}  // namespace

std::string SiteOf(const std::vector<dns::MxRecord>& hosts) {
  std::vector<std::string> names;
  names.reserve(hosts.size());
  for (const dns::MxRecord& record : hosts) names.push_back(dns::CanonicalName(record.host));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string site;
  for (const std::string& name : names) {
    if (!site.empty()) site += ',';
    site += name;
  }
  return site;
}

boost::asio::awaitable<Route> MxRouter::RouteFor(std::string domain) {
  Route route = co_await Lookup(domain);
  route.require_tls = !route.verdict && tls_policy_.RequiresTls(domain);
  co_return route;
}

boost::asio::awaitable<Route> MxRouter::Lookup(const std::string& domain) {
  // DNS knows internationalised names by their A-labels (xn--…).
  Result<std::string> lookup_name = dns::ToAsciiDomain(domain);
  if (!lookup_name.ok()) {
    co_return Decided(domain, smtp::Outcome::kPermanentFailure, "5.1.2", lookup_name.status().message());
  }
  Result<dns::MxAnswer> answer = co_await resolver_.LookupMx(*lookup_name);
  if (!answer.ok()) {
    if (answer.status().code() == Code::kInvalidArgument) {
      co_return Decided(domain, smtp::Outcome::kPermanentFailure, "5.1.2", "not a valid domain name");
    }
    Logger("delivery")
        ->info("MX lookup for {} failed: {}", Printable(domain, 255), answer.status().message());
    co_return Decided(domain, smtp::Outcome::kTemporaryFailure, "4.4.3",
                      "MX lookup failed: " + answer.status().message());
  }
  switch (answer->kind) {
    case dns::AnswerKind::kRecords: {
      Route route;
      route.hosts = dns::SortByPreference(std::move(answer->records));
      route.site = SiteOf(route.hosts);
      co_return route;
    }
    case dns::AnswerKind::kNoData: {  // RFC 5321 §5.1: the domain itself is the implicit MX
      Route route;
      route.hosts.push_back({0, dns::CanonicalName(*lookup_name)});
      route.site = route.hosts.front().host;
      co_return route;
    }
    case dns::AnswerKind::kNullMx:
      co_return Decided(domain, smtp::Outcome::kPermanentFailure, "5.1.10",
                        "the domain accepts no mail (null MX, RFC 7505)");
    case dns::AnswerKind::kNxDomain:
      co_return Decided(domain, smtp::Outcome::kPermanentFailure, "5.1.2",
                        "the domain does not exist (NXDOMAIN): domain not found");
  }
  co_return Decided(domain, smtp::Outcome::kTemporaryFailure, "4.4.3", "unexpected DNS answer");
}

}  // namespace herald::delivery
