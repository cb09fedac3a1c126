#include "domains/verification.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <map>

#include "domains/records.h"

namespace herald::domains {
namespace {

namespace asio = boost::asio;
using core::DkimKeyState;
using core::DomainStatus;
using core::RecordPurpose;
using core::RecordStatus;

const TimePoint kNow = FromUnixMillis(1'780'000'000'000);
const RecordSettings kSettings{"mx.herald.example", "bounces", "track", "herald.example", ""};
const PoolAddresses kPool{{"192.0.2.10"}, "mta.herald.example"};

core::SendingDomain Domain() {
  core::SendingDomain d;
  d.account_id = "acct_a";
  d.name = "shop.example";
  d.keys = {{"rsa-1", "rsa-sha256", "UlNBS0VZ", "v1.x", DkimKeyState::kActive, kNow},
            {"ed-1", "ed25519-sha256", "RUQyNTUxOQ==", "v1.y", DkimKeyState::kActive, kNow}};
  d.records = ExpectedRecords(d, kPool, kSettings);
  return d;
}

// The domain's records, each checked as `status_of` says (kOk when it does not name it).
std::vector<core::DnsRecord> Checked(const core::SendingDomain& d, std::map<std::string, RecordStatus> status_of = {}) {
  std::vector<core::DnsRecord> records = d.records;
  for (core::DnsRecord& r : records) {
    auto it = status_of.find(r.name + " " + r.type);
    r.status = it == status_of.end() ? RecordStatus::kOk : it->second;
    r.checked_at = kNow;
  }
  return records;
}

std::vector<std::string> Types(const CheckOutcome& outcome) {
  std::vector<std::string> types;
  for (const core::AccountEvent& e : outcome.events) types.push_back(e.type);
  return types;
}

TEST(Records, WhatADomainPublishes) {
  const core::SendingDomain d = Domain();
  ASSERT_EQ(d.records.size(), 6u);
  EXPECT_EQ(d.records[0].name, "rsa-1._domainkey.shop.example");
  EXPECT_EQ(d.records[0].selector, "rsa-1");
  EXPECT_EQ(d.records[1].name, "ed-1._domainkey.shop.example");
  EXPECT_NE(d.records[1].value.find("k=ed25519"), std::string::npos);
  EXPECT_EQ(d.records[2].purpose, RecordPurpose::kSpf);
  EXPECT_EQ(d.records[2].name, "bounces.shop.example");
  EXPECT_EQ(d.records[2].value, "v=spf1 ip4:192.0.2.10 -all");
  EXPECT_EQ(d.records[3].type, "MX");
  EXPECT_EQ(d.records[3].value, "10 mx.herald.example");
  EXPECT_EQ(d.records[4].name, "track.shop.example");
  EXPECT_EQ(d.records[4].value, "herald.example");
  EXPECT_EQ(d.records[5].name, "_dmarc.shop.example");

  EXPECT_EQ(SpfValue({{"192.0.2.10", "2001:db8::7"}, "m"}, {"", "", "", "", "_spf.herald.example"}),
            "v=spf1 ip4:192.0.2.10 ip6:2001:db8::7 include:_spf.herald.example -all");
  EXPECT_EQ(SpfValue({{}, "mta.herald.example"}, {}), "v=spf1 a:mta.herald.example -all");
}

TEST(ApplyCheck, VerifiesWhenDkimSpfAndReturnPathAreOk) {
  core::SendingDomain d = Domain();
  // Tracking and DMARC missing do not hold verification back.
  auto outcome = ApplyCheck(d, Checked(d, {{"track.shop.example CNAME", RecordStatus::kMissing},
                                           {"_dmarc.shop.example TXT", RecordStatus::kMissing}}),
                            kNow, "request");
  EXPECT_EQ(outcome.domain.status, DomainStatus::kVerified);
  EXPECT_EQ(outcome.domain.verified_at, kNow);
  EXPECT_EQ(outcome.domain.checked_at, kNow);
  EXPECT_EQ(Types(outcome), std::vector<std::string>{"domain.verified"});
  EXPECT_EQ(outcome.events[0].details["trigger"], "request");
  EXPECT_EQ(outcome.events[0].subject, "shop.example");
}

TEST(ApplyCheck, StaysPendingWhileARequiredRecordIsNotOk) {
  core::SendingDomain d = Domain();
  for (const char* broken : {"rsa-1._domainkey.shop.example TXT", "bounces.shop.example TXT", "bounces.shop.example MX"}) {
    auto outcome = ApplyCheck(d, Checked(d, {{broken, RecordStatus::kWrong}}), kNow, "request");
    EXPECT_EQ(outcome.domain.status, DomainStatus::kPending) << broken;
    EXPECT_TRUE(outcome.events.empty()) << broken;
  }
  auto failed = ApplyCheck(d, Checked(d, {{"bounces.shop.example MX", RecordStatus::kError}}), kNow, "request");
  EXPECT_EQ(failed.domain.status, DomainStatus::kPending);
}

TEST(ApplyCheck, AVerifiedDomainThatBreaksWarnsOnceAndRecovers) {
  core::SendingDomain d = ApplyCheck(Domain(), Checked(Domain()), kNow, "request").domain;
  ASSERT_EQ(d.status, DomainStatus::kVerified);

  auto broken = ApplyCheck(d, Checked(d, {{"bounces.shop.example TXT", RecordStatus::kMissing}}), kNow, "recheck");
  EXPECT_EQ(broken.domain.status, DomainStatus::kVerified);  // it keeps sending
  EXPECT_EQ(Types(broken), std::vector<std::string>{"domain.dns_broken"});
  ASSERT_EQ(broken.domain.warnings.size(), 1u);
  EXPECT_EQ(broken.domain.warnings[0], "spf record TXT bounces.shop.example is missing");

  auto still = ApplyCheck(broken.domain, Checked(d, {{"bounces.shop.example TXT", RecordStatus::kMissing}}), kNow,
                          "recheck");
  EXPECT_TRUE(still.events.empty());  // told once
  EXPECT_EQ(still.domain.warnings, broken.domain.warnings);

  // A failed lookup is no news either way.
  auto unknown = ApplyCheck(still.domain, Checked(d, {{"bounces.shop.example TXT", RecordStatus::kError}}), kNow,
                            "recheck");
  EXPECT_TRUE(unknown.events.empty());
  EXPECT_EQ(unknown.domain.warnings, broken.domain.warnings);

  auto restored = ApplyCheck(unknown.domain, Checked(d), kNow, "recheck");
  EXPECT_EQ(Types(restored), std::vector<std::string>{"domain.dns_restored"});
  EXPECT_TRUE(restored.domain.warnings.empty());
}

TEST(ApplyCheck, ARotationSwitchesOnceEveryNewRecordIsOk) {
  core::SendingDomain d = ApplyCheck(Domain(), Checked(Domain()), kNow, "request").domain;
  d.keys.push_back({"rsa-2", "rsa-sha256", "TkVXUlNB", "v1.z", DkimKeyState::kPending, kNow});
  d.keys.push_back({"ed-2", "ed25519-sha256", "TkVXRUQ=", "v1.w", DkimKeyState::kPending, kNow});
  d.records = ExpectedRecords(d, kPool, kSettings, d.records);
  ASSERT_EQ(d.records.size(), 8u);

  auto waiting = ApplyCheck(d, Checked(d, {{"ed-2._domainkey.shop.example TXT", RecordStatus::kMissing}}), kNow, "recheck");
  EXPECT_FALSE(waiting.keys_changed);
  EXPECT_TRUE(waiting.events.empty());  // a pending key's missing record is not a broken domain

  auto switched = ApplyCheck(d, Checked(d), kNow, "request");
  EXPECT_TRUE(switched.keys_changed);
  EXPECT_EQ(Types(switched), std::vector<std::string>{"domain.dkim_rotated"});
  std::map<std::string, DkimKeyState> states;
  for (const core::DkimKey& k : switched.domain.keys) states[k.selector] = k.state;
  EXPECT_EQ(states, (std::map<std::string, DkimKeyState>{{"rsa-1", DkimKeyState::kRetired},
                                                         {"ed-1", DkimKeyState::kRetired},
                                                         {"rsa-2", DkimKeyState::kActive},
                                                         {"ed-2", DkimKeyState::kActive}}));
  // Recomputed, the records drop the retired keys and keep the last checks of the others.
  auto records = ExpectedRecords(switched.domain, kPool, kSettings, switched.domain.records);
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(records[0].selector, "rsa-2");
  EXPECT_EQ(records[0].status, RecordStatus::kOk);
}

// A resolver that answers every name from a table of TXT, MX and CNAME answers.
class TableResolver final : public dns::Resolver {
 public:
  std::map<std::string, std::vector<std::string>> txt;
  std::map<std::string, std::string> mx, cname;

  asio::awaitable<Result<dns::MxAnswer>> LookupMx(std::string name) override {
    auto it = mx.find(name);
    if (it == mx.end()) co_return dns::MxAnswer{dns::AnswerKind::kNxDomain, {}, dns::Ttl(60)};
    co_return dns::MxAnswer{dns::AnswerKind::kRecords, {{10, it->second}}, dns::Ttl(60)};
  }
  asio::awaitable<Result<dns::AddressAnswer>> LookupAddresses(std::string) override {
    co_return Status::Unavailable("not asked");
  }
  asio::awaitable<Result<dns::TxtAnswer>> LookupTxt(std::string name) override {
    if (name == "_dmarc.shop.example") co_return Status::Unavailable("SERVFAIL");
    auto it = txt.find(name);
    if (it == txt.end()) co_return dns::TxtAnswer{dns::AnswerKind::kNxDomain, {}, dns::Ttl(60)};
    co_return dns::TxtAnswer{dns::AnswerKind::kRecords, it->second, dns::Ttl(60)};
  }
  asio::awaitable<Result<dns::CnameAnswer>> LookupCname(std::string name) override {
    auto it = cname.find(name);
    if (it == cname.end()) co_return dns::CnameAnswer{dns::AnswerKind::kNxDomain, "", dns::Ttl(60)};
    co_return dns::CnameAnswer{dns::AnswerKind::kRecords, it->second, dns::Ttl(60)};
  }
};

TEST(CheckRecords, LooksEachRecordUpByItsType) {
  core::SendingDomain d = Domain();
  TableResolver resolver;
  resolver.txt["bounces.shop.example"] = {"v=spf1 ip4:192.0.2.10 -all"};
  resolver.mx["bounces.shop.example"] = "mx.herald.example";
  resolver.cname["track.shop.example"] = "elsewhere.example";

  asio::io_context io;
  std::vector<core::DnsRecord> checked;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { checked = co_await CheckRecords(d.records, resolver, kNow); },
      asio::detached);
  io.run();
  ASSERT_EQ(checked.size(), 6u);
  std::vector<RecordStatus> statuses;
  for (const core::DnsRecord& r : checked) {
    statuses.push_back(r.status);
    EXPECT_EQ(r.checked_at, kNow);
  }
  EXPECT_EQ(statuses, (std::vector<RecordStatus>{RecordStatus::kMissing, RecordStatus::kMissing, RecordStatus::kOk,
                                                 RecordStatus::kOk, RecordStatus::kWrong, RecordStatus::kError}));
  EXPECT_EQ(checked[4].found, std::vector<std::string>{"elsewhere.example"});
}

}  // namespace
}  // namespace herald::domains
