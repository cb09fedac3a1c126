// AresResolver against a real authoritative server (NSD) on loopback, and against silent and closed
// loopback ports. Only loopback traffic.
#include "dns/ares_resolver.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <random>
#include <set>

#include "dns/caching_resolver.h"
#include "dns/mx_order.h"
#include "dns/nsd_test_server.h"

namespace herald::dns {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

std::string TestZone() {
  std::string zone = R"($ORIGIN herald.test.
$TTL 300
@        3600 IN SOA ns.herald.test. hostmaster.herald.test. 1 3600 600 86400 60
@             IN NS   ns
ns            IN A    127.0.0.1
mixed     600 IN MX   20 mx2.herald.test.
mixed     600 IN MX   10 mx1.herald.test.
mixed     900 IN MX   30 mx3a.herald.test.
mixed     900 IN MX   30 mx3b.herald.test.
nullmx        IN MX   0 .
aonly         IN A    192.0.2.10
dual      120 IN A    192.0.2.20
dual      200 IN AAAA 2001:db8::20
v6only        IN AAAA 2001:db8::30
alias         IN CNAME mixed
txt           IN TXT  "v=spf1 -all"
txt           IN TXT  "herald-verification=" "0123456789" "abcdef"
)";
  // Thirty TXT records: far more than 512 bytes, so the UDP answer is truncated and asked over TCP.
  for (int i = 0; i < 30; ++i)
    zone += "big IN TXT \"record " + std::to_string(100 + i) + " " + std::string(40, 'x') + "\"\n";
  return zone;
}

template <typename T>
T RunOn(asio::io_context& io, asio::awaitable<T> work) {
  std::optional<T> out;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(work)); }, asio::detached);
  io.restart();
  io.run();
  return std::move(*out);
}

AresOptions Options(std::vector<NameServer> servers, std::chrono::milliseconds timeout = 2000ms,
                    int tries = 2) {
  AresOptions options;
  options.nameservers = std::move(servers);
  options.timeout = timeout;
  options.tries = tries;
  return options;
}

class AresResolverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new test::NsdServer();
    start_status_ = new Status(server_->Start("herald.test", TestZone()));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete start_status_;
    server_ = nullptr;
    start_status_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(start_status_->ok()) << start_status_->message();
    auto created = AresResolver::Create(io_.get_executor(), Options({{"127.0.0.1", server_->port()}}));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    resolver_ = std::move(*created);
  }
  void TearDown() override {
    resolver_.reset();
    io_.restart();
    io_.run();  // the shutdown posted by the destructor
  }

  static test::NsdServer* server_;
  static Status* start_status_;
  asio::io_context io_;
  std::unique_ptr<AresResolver> resolver_;
};

test::NsdServer* AresResolverTest::server_ = nullptr;
Status* AresResolverTest::start_status_ = nullptr;

TEST_F(AresResolverTest, MxRecordsOrderedByPreference) {
  auto answer = RunOn(io_, resolver_->LookupMx("MIXED.Herald.Test."));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString() << "\n" << server_->Logs();
  EXPECT_EQ(answer->kind, AnswerKind::kRecords);
  EXPECT_EQ(answer->ttl, Ttl(600));
  ASSERT_EQ(answer->records.size(), 4u);

  std::set<std::string> equal_orders;
  for (unsigned seed = 0; seed < 50; ++seed) {
    std::mt19937_64 random(seed);
    auto ordered = OrderByPreference(answer->records, random);
    ASSERT_EQ(ordered.size(), 4u);
    EXPECT_EQ(ordered[0], (MxRecord{10, "mx1.herald.test"}));
    EXPECT_EQ(ordered[1], (MxRecord{20, "mx2.herald.test"}));
    EXPECT_EQ(ordered[2].preference, 30);
    EXPECT_EQ(ordered[3].preference, 30);
    equal_orders.insert(ordered[2].host + " " + ordered[3].host);
  }
  EXPECT_EQ(equal_orders, (std::set<std::string>{"mx3a.herald.test mx3b.herald.test",
                                                 "mx3b.herald.test mx3a.herald.test"}));
}

TEST_F(AresResolverTest, NullMx) {
  auto answer = RunOn(io_, resolver_->LookupMx("nullmx.herald.test"));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->kind, AnswerKind::kNullMx);
  EXPECT_TRUE(answer->records.empty());
  EXPECT_EQ(answer->ttl, Ttl(300));
}

TEST_F(AresResolverTest, NoMxThenTheDomainsOwnAddress) {
  auto mx = RunOn(io_, resolver_->LookupMx("aonly.herald.test"));
  ASSERT_TRUE(mx.ok()) << mx.status().ToString();
  EXPECT_EQ(mx->kind, AnswerKind::kNoData);
  EXPECT_EQ(mx->ttl, Ttl(60));  // RFC 2308: min(SOA TTL 3600, SOA MINIMUM 60)

  auto addresses = RunOn(io_, resolver_->LookupAddresses("aonly.herald.test"));
  ASSERT_TRUE(addresses.ok()) << addresses.status().ToString();
  EXPECT_EQ(addresses->kind, AnswerKind::kRecords);
  ASSERT_EQ(addresses->addresses.size(), 1u);
  EXPECT_EQ(addresses->addresses[0].to_string(), "192.0.2.10");
  EXPECT_EQ(addresses->ttl, Ttl(60));  // the AAAA half said NODATA for 60 s
}

TEST_F(AresResolverTest, NxDomain) {
  auto mx = RunOn(io_, resolver_->LookupMx("nothere.herald.test"));
  ASSERT_TRUE(mx.ok()) << mx.status().ToString();
  EXPECT_EQ(mx->kind, AnswerKind::kNxDomain);
  EXPECT_EQ(mx->ttl, Ttl(60));
  auto addresses = RunOn(io_, resolver_->LookupAddresses("nothere.herald.test"));
  ASSERT_TRUE(addresses.ok());
  EXPECT_EQ(addresses->kind, AnswerKind::kNxDomain);
  auto txt = RunOn(io_, resolver_->LookupTxt("nothere.herald.test"));
  ASSERT_TRUE(txt.ok());
  EXPECT_EQ(txt->kind, AnswerKind::kNxDomain);
}

TEST_F(AresResolverTest, ARecordsAndAaaaTogether) {
  auto dual = RunOn(io_, resolver_->LookupAddresses("dual.herald.test"));
  ASSERT_TRUE(dual.ok()) << dual.status().ToString();
  ASSERT_EQ(dual->addresses.size(), 2u);
  EXPECT_EQ(dual->addresses[0].to_string(), "192.0.2.20");
  EXPECT_EQ(dual->addresses[1].to_string(), "2001:db8::20");
  EXPECT_EQ(dual->ttl, Ttl(120));

  auto v6 = RunOn(io_, resolver_->LookupAddresses("v6only.herald.test"));
  ASSERT_TRUE(v6.ok());
  ASSERT_EQ(v6->addresses.size(), 1u);
  EXPECT_EQ(v6->addresses[0].to_string(), "2001:db8::30");
}

TEST_F(AresResolverTest, TxtRecordsWithSplitStrings) {
  auto txt = RunOn(io_, resolver_->LookupTxt("txt.herald.test"));
  ASSERT_TRUE(txt.ok()) << txt.status().ToString();
  std::multiset<std::string> texts(txt->texts.begin(), txt->texts.end());
  EXPECT_EQ(texts, (std::multiset<std::string>{"v=spf1 -all", "herald-verification=0123456789abcdef"}));
  auto none = RunOn(io_, resolver_->LookupTxt("aonly.herald.test"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->kind, AnswerKind::kNoData);
}

TEST_F(AresResolverTest, CnameOfAnAliasAndOfAName) {
  auto alias = RunOn(io_, resolver_->LookupCname("alias.herald.test"));
  ASSERT_TRUE(alias.ok()) << alias.status().ToString();
  EXPECT_EQ(alias->kind, AnswerKind::kRecords);
  EXPECT_EQ(alias->target, "mixed.herald.test");
  auto plain = RunOn(io_, resolver_->LookupCname("aonly.herald.test"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->kind, AnswerKind::kNoData);
  auto missing = RunOn(io_, resolver_->LookupCname("nothere.herald.test"));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->kind, AnswerKind::kNxDomain);
}

TEST_F(AresResolverTest, TruncatedAnswerIsAskedAgainOverTcp) {
  auto big = RunOn(io_, resolver_->LookupTxt("big.herald.test"));
  ASSERT_TRUE(big.ok()) << big.status().ToString() << "\n" << server_->Logs();
  EXPECT_EQ(big->texts.size(), 30u);
  std::set<std::string> texts(big->texts.begin(), big->texts.end());
  EXPECT_EQ(texts.count("record 100 " + std::string(40, 'x')), 1u);
  EXPECT_EQ(texts.count("record 129 " + std::string(40, 'x')), 1u);
}

TEST_F(AresResolverTest, FollowsACname) {
  auto answer = RunOn(io_, resolver_->LookupMx("alias.herald.test"));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->records.size(), 4u);
  EXPECT_EQ(answer->ttl, Ttl(300));  // the CNAME's
}

TEST_F(AresResolverTest, RefusedIsUnavailable) {
  // NSD refuses questions about zones it does not serve.
  auto answer = RunOn(io_, resolver_->LookupMx("example.org"));
  EXPECT_EQ(answer.status().code(), Code::kUnavailable) << answer.status().ToString();
}

TEST_F(AresResolverTest, InvalidNamesAreNotAsked) {
  for (const char* name : {"", "a..b", "bad name.test", "caf\xc3\xa9.test"}) {
    auto answer = RunOn(io_, resolver_->LookupMx(name));
    EXPECT_EQ(answer.status().code(), Code::kInvalidArgument) << name;
  }
}

TEST_F(AresResolverTest, ManyLookupsAtOnceFromSeveralThreads) {
  asio::io_context pool;
  auto created = AresResolver::Create(pool.get_executor(), Options({{"127.0.0.1", server_->port()}}));
  ASSERT_TRUE(created.ok());
  std::unique_ptr<AresResolver> resolver = std::move(*created);
  std::atomic<int> good{0};
  constexpr int kLookups = 60;
  for (int i = 0; i < kLookups; ++i) {
    asio::co_spawn(
        pool,
        [&, i]() -> asio::awaitable<void> {
          if (i % 3 == 0) {
            auto r = co_await resolver->LookupMx("mixed.herald.test");
            if (r.ok() && r->records.size() == 4) ++good;
          } else if (i % 3 == 1) {
            auto r = co_await resolver->LookupAddresses("dual.herald.test");
            if (r.ok() && r->addresses.size() == 2) ++good;
          } else {
            auto r = co_await resolver->LookupTxt("big.herald.test");
            if (r.ok() && r->texts.size() == 30) ++good;
          }
        },
        asio::detached);
  }
  std::thread second([&] { pool.run(); });
  pool.run();
  second.join();
  EXPECT_EQ(good.load(), kLookups);
  resolver.reset();
  pool.restart();
  pool.run();
}

TEST(AresResolver, CachedAnswersOutliveTheServer) {
  test::NsdServer server;
  Status started = server.Start("herald.test", TestZone());
  ASSERT_TRUE(started.ok()) << started.message();
  asio::io_context io;
  auto created = AresResolver::Create(io.get_executor(), Options({{"127.0.0.1", server.port()}}, 200ms, 1));
  ASSERT_TRUE(created.ok());
  ManualClock clock(FromUnixMillis(1'700'000'000'000));
  CachingResolver cached(**created, clock);

  ASSERT_TRUE(RunOn(io, cached.LookupMx("mixed.herald.test")).ok());
  EXPECT_EQ(RunOn(io, cached.LookupMx("nothere.herald.test"))->kind, AnswerKind::kNxDomain);
  server.Stop();

  clock.Advance(59s);
  auto mixed = RunOn(io, cached.LookupMx("mixed.herald.test"));
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->ttl, Ttl(541));
  EXPECT_EQ(RunOn(io, cached.LookupMx("nothere.herald.test"))->kind, AnswerKind::kNxDomain);
  clock.Advance(1s);  // the negative answer's 60 s are over; the server is gone
  EXPECT_EQ(RunOn(io, cached.LookupMx("nothere.herald.test")).status().code(), Code::kUnavailable);
  EXPECT_EQ(RunOn(io, cached.LookupMx("aonly.herald.test")).status().code(), Code::kUnavailable);
  created->reset();
  io.restart();
  io.run();
}

// A loopback UDP socket that receives queries and never answers.
class SilentServer {
 public:
  SilentServer() : fd_(test::BindLoopback(SOCK_DGRAM, 0)) {}
  ~SilentServer() {
    if (fd_ >= 0) ::close(fd_);
  }
  uint16_t port() const { return test::BoundPort(fd_); }

 private:
  int fd_;
};

TEST(AresResolver, NoAnswerIsUnavailableWithinTheTimeout) {
  SilentServer silent;
  ASSERT_NE(silent.port(), 0);
  asio::io_context io;
  // One server, 200 ms then 400 ms: about 600 ms in all.
  auto created = AresResolver::Create(io.get_executor(), Options({{"127.0.0.1", silent.port()}}, 200ms, 2));
  ASSERT_TRUE(created.ok());
  auto started = std::chrono::steady_clock::now();
  auto answer = RunOn(io, (*created)->LookupMx("mixed.herald.test"));
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(answer.status().code(), Code::kUnavailable) << answer.status().ToString();
  EXPECT_GE(elapsed, 550ms);
  EXPECT_LT(elapsed, 2500ms);  // slack for a loaded machine
  created->reset();
  io.restart();
  io.run();
}

TEST(AresResolver, ClosedPortIsUnavailable) {
  int probe = test::BindLoopback(SOCK_DGRAM, 0);
  ASSERT_GE(probe, 0);
  uint16_t port = test::BoundPort(probe);
  ::close(probe);  // nothing listens there now: the kernel answers "port unreachable"
  asio::io_context io;
  auto created = AresResolver::Create(io.get_executor(), Options({{"127.0.0.1", port}}, 1000ms, 2));
  ASSERT_TRUE(created.ok());
  auto started = std::chrono::steady_clock::now();
  auto answer = RunOn(io, (*created)->LookupAddresses("dual.herald.test"));
  EXPECT_EQ(answer.status().code(), Code::kUnavailable) << answer.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3500ms);
  created->reset();
  io.restart();
  io.run();
}

TEST(AresResolver, DestroyingTheResolverEndsPendingLookups) {
  SilentServer silent;
  asio::io_context io;
  auto created = AresResolver::Create(io.get_executor(), Options({{"127.0.0.1", silent.port()}}, 5000ms, 3));
  ASSERT_TRUE(created.ok());
  std::unique_ptr<AresResolver> resolver = std::move(*created);
  std::optional<Result<TxtAnswer>> answer;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { answer.emplace(co_await resolver->LookupTxt("txt.herald.test")); },
      asio::detached);
  asio::steady_timer later(io, 100ms);
  later.async_wait([&](boost::system::error_code) { resolver.reset(); });
  auto started = std::chrono::steady_clock::now();
  io.run();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status().code(), Code::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(AresResolver, RejectsBadOptions) {
  asio::io_context io;
  EXPECT_EQ(AresResolver::Create(io.get_executor(), Options({{"ns.example.com", 53}})).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(AresResolver::Create(io.get_executor(), Options({{"127.0.0.1", 0}})).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(AresResolver::Create(io.get_executor(), Options({}, 0ms)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(AresResolver::Create(io.get_executor(), Options({}, 1000ms, 0)).status().code(),
            Code::kInvalidArgument);
  auto csv = NameServersCsv({{"127.0.0.1", 5353}, {"::1", 53}});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv, "127.0.0.1:5353,[::1]:53");
  // No servers given: those of /etc/resolv.conf (nothing is asked here).
  EXPECT_TRUE(AresResolver::Create(io.get_executor(), Options({})).ok());
}

}  // namespace
}  // namespace herald::dns
