#include "dns/caching_resolver.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <map>

#include "dns/answer_cache.h"

namespace herald::dns {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

const TimePoint kStart = FromUnixMillis(1'700'000'000'000);

MxAnswer Mx(AnswerKind kind, int ttl, std::vector<MxRecord> records = {}) {
  MxAnswer answer;
  answer.kind = kind;
  answer.records = std::move(records);
  answer.ttl = Ttl(ttl);
  return answer;
}

TEST(AnswerCache, KeepsAnAnswerForItsTtl) {
  ManualClock clock(kStart);
  AnswerCache<MxAnswer> cache(clock, 10);
  cache.Put("example.com", Mx(AnswerKind::kRecords, 300, {{10, "mx.example.com"}}));
  auto hit = cache.Get("example.com");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->ttl, Ttl(300));
  EXPECT_EQ(hit->records.at(0).host, "mx.example.com");

  clock.Advance(299'500ms);
  hit = cache.Get("example.com");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->ttl, Ttl(0));  // half a second left: whole seconds, rounded down

  clock.Advance(500ms);
  EXPECT_FALSE(cache.Get("example.com"));
  EXPECT_EQ(cache.size(), 0u);  // an expired entry is dropped when found
}

TEST(AnswerCache, NegativeAnswersToo) {
  ManualClock clock(kStart);
  AnswerCache<MxAnswer> cache(clock, 10);
  cache.Put("gone.example", Mx(AnswerKind::kNxDomain, 60));
  clock.Advance(59s);
  ASSERT_TRUE(cache.Get("gone.example"));
  EXPECT_EQ(cache.Get("gone.example")->kind, AnswerKind::kNxDomain);
  clock.Advance(1s);
  EXPECT_FALSE(cache.Get("gone.example"));
}

TEST(AnswerCache, ZeroTtlIsNotKeptAndPutReplaces) {
  ManualClock clock(kStart);
  AnswerCache<MxAnswer> cache(clock, 10);
  cache.Put("a", Mx(AnswerKind::kRecords, 0));
  EXPECT_FALSE(cache.Get("a"));
  cache.Put("a", Mx(AnswerKind::kNoData, 100));
  cache.Put("a", Mx(AnswerKind::kNullMx, 50));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Get("a")->kind, AnswerKind::kNullMx);
  cache.Put("a", Mx(AnswerKind::kRecords, 0));  // a zero TTL also forgets the old answer
  EXPECT_FALSE(cache.Get("a"));
}

TEST(AnswerCache, WhenFullTheSoonestToExpireMakesRoom) {
  ManualClock clock(kStart);
  AnswerCache<MxAnswer> cache(clock, 3);
  cache.Put("long", Mx(AnswerKind::kNoData, 1000));
  cache.Put("short", Mx(AnswerKind::kNoData, 10));
  cache.Put("medium", Mx(AnswerKind::kNoData, 100));
  cache.Put("new", Mx(AnswerKind::kNoData, 500));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Get("short"));
  EXPECT_TRUE(cache.Get("long"));
  EXPECT_TRUE(cache.Get("medium"));
  EXPECT_TRUE(cache.Get("new"));

  clock.Advance(200s);  // "medium" has expired: it goes first
  cache.Put("newer", Mx(AnswerKind::kNoData, 5));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Get("medium"));
  EXPECT_TRUE(cache.Get("newer"));
}

// A Resolver that answers from a table and counts what it was asked.
class TableResolver final : public Resolver {
 public:
  asio::awaitable<Result<MxAnswer>> LookupMx(std::string domain) override {
    ++asked[domain];
    if (!IsValidLookupName(domain)) co_return Status::InvalidArgument("bad name");
    auto it = mx.find(domain);
    if (it == mx.end()) co_return Status::Unavailable("SERVFAIL");
    co_return it->second;
  }
  asio::awaitable<Result<AddressAnswer>> LookupAddresses(std::string host) override {
    ++asked["A " + host];
    AddressAnswer answer;
    answer.kind = AnswerKind::kRecords;
    answer.addresses.push_back(asio::ip::make_address("192.0.2.7"));
    answer.ttl = Ttl(30);
    co_return answer;
  }
  asio::awaitable<Result<TxtAnswer>> LookupTxt(std::string name) override {
    ++asked["TXT " + name];
    TxtAnswer answer;
    answer.kind = AnswerKind::kNxDomain;
    answer.ttl = Ttl(300);
    co_return answer;
  }
  asio::awaitable<Result<CnameAnswer>> LookupCname(std::string name) override {
    ++asked["CNAME " + name];
    co_return CnameAnswer{AnswerKind::kRecords, "target.example", Ttl(60)};
  }

  std::map<std::string, MxAnswer> mx;
  std::map<std::string, int> asked;
};

template <typename T>
T Await(asio::awaitable<T> work) {
  asio::io_context io;
  std::optional<T> out;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(work)); }, asio::detached);
  io.run();
  return std::move(*out);
}

TEST(CachingResolver, AnswersFromTheCacheUntilTheTtlEnds) {
  ManualClock clock(kStart);
  TableResolver upstream;
  upstream.mx["example.com"] = Mx(AnswerKind::kRecords, 300, {{10, "mx.example.com"}});
  CachingResolver resolver(upstream, clock);

  auto first = Await(resolver.LookupMx("example.com"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->ttl, Ttl(300));
  clock.Advance(100s);
  auto second = Await(resolver.LookupMx("Example.COM."));  // same name, other spelling
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->ttl, Ttl(200));
  EXPECT_EQ(second->records, first->records);
  EXPECT_EQ(upstream.asked["example.com"], 1);

  clock.Advance(200s);
  ASSERT_TRUE(Await(resolver.LookupMx("example.com")).ok());
  EXPECT_EQ(upstream.asked["example.com"], 2);
}

TEST(CachingResolver, CachesNegativeAnswersButNotFailures) {
  ManualClock clock(kStart);
  TableResolver upstream;
  upstream.mx["null.example"] = Mx(AnswerKind::kNullMx, 3600);
  CachingResolver resolver(upstream, clock);

  EXPECT_EQ(Await(resolver.LookupMx("null.example"))->kind, AnswerKind::kNullMx);
  EXPECT_EQ(Await(resolver.LookupMx("null.example"))->kind, AnswerKind::kNullMx);
  EXPECT_EQ(upstream.asked["null.example"], 1);

  EXPECT_EQ(Await(resolver.LookupTxt("gone.example"))->kind, AnswerKind::kNxDomain);
  clock.Advance(299s);
  EXPECT_EQ(Await(resolver.LookupTxt("gone.example"))->kind, AnswerKind::kNxDomain);
  EXPECT_EQ(upstream.asked["TXT gone.example"], 1);
  clock.Advance(1s);
  (void)Await(resolver.LookupTxt("gone.example"));
  EXPECT_EQ(upstream.asked["TXT gone.example"], 2);

  EXPECT_EQ(Await(resolver.LookupMx("servfail.example")).status().code(), Code::kUnavailable);
  EXPECT_EQ(Await(resolver.LookupMx("servfail.example")).status().code(), Code::kUnavailable);
  EXPECT_EQ(upstream.asked["servfail.example"], 2);

  EXPECT_EQ(Await(resolver.LookupMx("bad name")).status().code(), Code::kInvalidArgument);

  ASSERT_TRUE(Await(resolver.LookupAddresses("mx.example.com")).ok());
  ASSERT_TRUE(Await(resolver.LookupAddresses("mx.example.com")).ok());
  EXPECT_EQ(upstream.asked["A mx.example.com"], 1);
}

TEST(CachingResolver, EachTypeIsBounded) {
  ManualClock clock(kStart);
  TableResolver upstream;
  for (int i = 0; i < 5; ++i)
    upstream.mx["d" + std::to_string(i) + ".example"] = Mx(AnswerKind::kNoData, 60 + i);
  CachingResolver resolver(upstream, clock, 2);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(Await(resolver.LookupMx("d" + std::to_string(i) + ".example")).ok());
  // Only the two that expire last are still held.
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(Await(resolver.LookupMx("d" + std::to_string(i) + ".example")).ok());
  EXPECT_EQ(upstream.asked["d4.example"], 1);
  EXPECT_EQ(upstream.asked["d3.example"], 2);  // pushed out by the second round, asked again
}

}  // namespace
}  // namespace herald::dns
