// MxRouter: each kind of MX answer becomes the right route, through a fake dns::Resolver.
#include "delivery/mx_router.h"  // first: it includes <utility> before Asio

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <map>

namespace herald::delivery {
namespace {

namespace asio = boost::asio;

class FakeResolver final : public dns::Resolver {
 public:
  std::map<std::string, Result<dns::MxAnswer>> mx;

  asio::awaitable<Result<dns::MxAnswer>> LookupMx(std::string domain) override {
    auto found = mx.find(domain);
    if (found == mx.end()) co_return Status::InvalidArgument("not a valid domain name");
    co_return found->second;
  }
  asio::awaitable<Result<dns::AddressAnswer>> LookupAddresses(std::string) override {
    co_return Status::Unavailable("not asked");
  }
  asio::awaitable<Result<dns::TxtAnswer>> LookupTxt(std::string) override {
    co_return Status::Unavailable("not asked");
  }
  asio::awaitable<Result<dns::CnameAnswer>> LookupCname(std::string) override {
    co_return Status::Unavailable("not asked");
  }
};

Route RouteFor(FakeResolver& resolver, const std::string& domain) {
  asio::io_context io;
  MxRouter router(resolver);
  auto future = asio::co_spawn(io, router.RouteFor(domain), asio::use_future);
  io.run();
  return future.get();
}

dns::MxAnswer Records(std::vector<dns::MxRecord> records) {
  return {dns::AnswerKind::kRecords, std::move(records), dns::Ttl(300)};
}

TEST(MxRouter, MxRecordsGiveTheHostsByPreferenceAndASiteSharedByTheProvidersDomains) {
  FakeResolver resolver;
  resolver.mx.insert_or_assign("shop.example",
                               Records({{20, "mx2.provider.example"}, {10, "MX1.provider.example"}}));
  resolver.mx.insert_or_assign("other.example",
                               Records({{5, "mx1.provider.example"}, {5, "mx2.provider.example"}}));
  Route shop = RouteFor(resolver, "shop.example");
  EXPECT_FALSE(shop.verdict.has_value());
  ASSERT_EQ(shop.hosts.size(), 2u);
  EXPECT_EQ(shop.hosts[0].preference, 10);
  EXPECT_EQ(shop.hosts[1].host, "mx2.provider.example");
  EXPECT_EQ(shop.site, "mx1.provider.example,mx2.provider.example");
  EXPECT_EQ(RouteFor(resolver, "other.example").site, shop.site);
}

TEST(MxRouter, NoMxRecordsMeansTheDomainItself) {
  FakeResolver resolver;
  resolver.mx.insert_or_assign("plain.example", dns::MxAnswer{dns::AnswerKind::kNoData, {}, dns::Ttl(300)});
  Route route = RouteFor(resolver, "plain.example");
  EXPECT_FALSE(route.verdict.has_value());
  ASSERT_EQ(route.hosts.size(), 1u);
  EXPECT_EQ(route.hosts[0].host, "plain.example");
  EXPECT_EQ(route.site, "plain.example");
}

TEST(MxRouter, NullMxNxDomainAndDnsFailuresAreDecidedWithoutTrying) {
  FakeResolver resolver;
  resolver.mx.insert_or_assign("null.example", dns::MxAnswer{dns::AnswerKind::kNullMx, {}, dns::Ttl(300)});
  resolver.mx.insert_or_assign("gone.example", dns::MxAnswer{dns::AnswerKind::kNxDomain, {}, dns::Ttl(300)});
  resolver.mx.insert_or_assign("flaky.example", Status::Unavailable("SERVFAIL"));
  struct Case {
    std::string domain;
    Outcome outcome;
    std::string enhanced_code;
  };
  for (const Case& c : std::vector<Case>{{"null.example", Outcome::kPermanentFailure, "5.1.10"},
                                         {"gone.example", Outcome::kPermanentFailure, "5.1.2"},
                                         {"flaky.example", Outcome::kTemporaryFailure, "4.4.3"},
                                         {"a\xe2\x80\xa8" "b.example", Outcome::kPermanentFailure, "5.1.2"},
                                         {"bad_name", Outcome::kPermanentFailure, "5.1.2"}}) {
    SCOPED_TRACE(c.domain);
    Route route = RouteFor(resolver, c.domain);
    ASSERT_TRUE(route.verdict.has_value());
    EXPECT_EQ(route.verdict->outcome, c.outcome);
    EXPECT_EQ(route.verdict->reply.code, 0);
    EXPECT_EQ(route.verdict->reply.enhanced_code, c.enhanced_code);
    EXPECT_TRUE(route.hosts.empty());
    EXPECT_TRUE(route.site.starts_with("dns:"));
  }
}

TEST(MxRouter, AnInternationalisedDomainIsLookedUpByItsALabels) {
  FakeResolver resolver;
  resolver.mx.insert_or_assign("xn--bcher-kva.example", Records({{10, "mx.xn--bcher-kva.example"}}));
  resolver.mx.insert_or_assign("xn--r8jz45g.example", dns::MxAnswer{dns::AnswerKind::kNoData, {}, dns::Ttl(60)});
  Route mx = RouteFor(resolver, "b\xc3\xbc"
                                "cher.example");
  EXPECT_FALSE(mx.verdict.has_value());
  ASSERT_EQ(mx.hosts.size(), 1u);
  EXPECT_EQ(mx.hosts[0].host, "mx.xn--bcher-kva.example");
  Route implicit = RouteFor(resolver, "\xe4\xbe\x8b\xe3\x81\x88.example");  // 例え.example, no MX
  ASSERT_EQ(implicit.hosts.size(), 1u);
  EXPECT_EQ(implicit.hosts[0].host, "xn--r8jz45g.example") << "the implicit MX is reached by its A-label name";
}

}  // namespace
}  // namespace herald::delivery
