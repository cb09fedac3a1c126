// The Store conformance suite, continued: sending domains and account events. The fixture and the
// list of backends are those of store_conformance_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/store.h"
#include "storage/store_conformance.h"
#include "storage/sync.h"

namespace herald::storage {
namespace {

using core::DkimKeyState;
using core::DomainStatus;
using core::RecordStatus;
using core::SendingDomain;

class Domains : public StoreConformance {
 protected:
  SendingDomain NewDomain(const std::string& account_id, const std::string& name) {
    clock_.Advance(Duration(1));
    SendingDomain d;
    d.id = NewId("dom", clock_.Now());
    d.account_id = account_id;
    d.name = name;
    d.pool = "transactional";
    d.created_at = clock_.Now();
    d.keys = {{"rsa-202612", "rsa-sha256", "MIIBIjANBg", "v1.sealed-rsa", DkimKeyState::kActive, clock_.Now()},
              {"ed-202612", "ed25519-sha256", "11qYAYKx", "v1.sealed-ed", DkimKeyState::kActive, clock_.Now()}};
    d.records = {{core::RecordPurpose::kDkim, "TXT", "rsa-202612._domainkey." + name, "v=DKIM1; k=rsa; p=MIIBIjANBg",
                  "rsa-202612", RecordStatus::kUnchecked, {}, std::nullopt},
                 {core::RecordPurpose::kSpf, "TXT", "bounces." + name, "v=spf1 ip4:192.0.2.10 -all", "",
                  RecordStatus::kUnchecked, {}, std::nullopt}};
    return d;
  }

  Status Create(const SendingDomain& d) {
    return WaitFor([&](StatusCallback done) { store().CreateDomain(d, done); });
  }
  Status Update(const SendingDomain& d, std::vector<core::AccountEvent> events = {}) {
    return WaitFor([&](StatusCallback done) { store().UpdateDomain(d, events, done); });
  }
};

TEST_P(Domains, CreateGetListDelete) {
  MadeAccount a = MakeAccount("Shop A");
  SendingDomain d = NewDomain(a.account.id, "shop.example");
  ASSERT_TRUE(Create(d).ok());
  ASSERT_TRUE(Create(NewDomain(a.account.id, "alpha.example")).ok());

  auto got = store().GetDomain(a.account.id, "shop.example");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, d.id);
  EXPECT_EQ(got->status, DomainStatus::kPending);
  EXPECT_EQ(got->revision, 1);
  ASSERT_EQ(got->keys.size(), 2u);
  EXPECT_EQ(got->keys[1].sealed_private_key, "v1.sealed-ed");
  EXPECT_EQ(got->keys[0].state, DkimKeyState::kActive);
  ASSERT_EQ(got->records.size(), 2u);
  EXPECT_EQ(got->records[0].selector, "rsa-202612");
  EXPECT_EQ(got->records[1].value, "v=spf1 ip4:192.0.2.10 -all");
  EXPECT_FALSE(got->records[1].checked_at.has_value());
  EXPECT_EQ(got->created_at, d.created_at);

  auto listed = store().ListDomains(a.account.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "alpha.example");  // by name

  ASSERT_TRUE(WaitFor([&](StatusCallback done) { store().DeleteDomain(a.account.id, "alpha.example", done); }).ok());
  EXPECT_EQ(store().GetDomain(a.account.id, "alpha.example").status().code(), Code::kNotFound);
  EXPECT_EQ(WaitFor([&](StatusCallback done) { store().DeleteDomain(a.account.id, "alpha.example", done); }).code(),
            Code::kNotFound);
}

TEST_P(Domains, ANameIsRegisteredOnceAcrossAccountsAndTenancyHolds) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  ASSERT_TRUE(Create(NewDomain(a.account.id, "shop.example")).ok());
  EXPECT_EQ(Create(NewDomain(b.account.id, "shop.example")).code(), Code::kAlreadyExists);
  EXPECT_EQ(Create(NewDomain(a.account.id, "shop.example")).code(), Code::kAlreadyExists);
  EXPECT_EQ(Create(NewDomain("acc_none", "other.example")).code(), Code::kNotFound);

  EXPECT_EQ(store().GetDomain(b.account.id, "shop.example").status().code(), Code::kNotFound);
  EXPECT_TRUE(store().ListDomains(b.account.id)->empty());
  EXPECT_EQ(WaitFor([&](StatusCallback done) { store().DeleteDomain(b.account.id, "shop.example", done); }).code(),
            Code::kNotFound);
  auto all = store().ListAllDomains();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().account_id, a.account.id);
}

TEST_P(Domains, UpdatesCheckTheRevisionAndAppendEventsInTheSameCommit) {
  MadeAccount a = MakeAccount("Shop A");
  ASSERT_TRUE(Create(NewDomain(a.account.id, "shop.example")).ok());
  SendingDomain read = *store().GetDomain(a.account.id, "shop.example");

  SendingDomain verified = read;
  verified.status = DomainStatus::kVerified;
  verified.verified_at = verified.checked_at = clock_.Now();
  verified.records[0].status = RecordStatus::kOk;
  verified.records[0].found = {"v=DKIM1; k=rsa; p=MIIBIjANBg"};
  verified.records[0].checked_at = clock_.Now();
  verified.warnings = {"spf: wrong"};
  core::AccountEvent event{a.account.id, "domain.verified", "shop.example", clock_.Now(), {{"by", "request"}}};
  ASSERT_TRUE(Update(verified, {event}).ok());

  SendingDomain now = *store().GetDomain(a.account.id, "shop.example");
  EXPECT_EQ(now.revision, 2);
  EXPECT_EQ(now.status, DomainStatus::kVerified);
  EXPECT_EQ(now.records[0].status, RecordStatus::kOk);
  EXPECT_EQ(now.records[0].found, std::vector<std::string>{"v=DKIM1; k=rsa; p=MIIBIjANBg"});
  EXPECT_EQ(now.records[0].checked_at, clock_.Now());
  EXPECT_EQ(now.warnings, std::vector<std::string>{"spf: wrong"});
  EXPECT_EQ(now.verified_at, clock_.Now());

  // A change based on the first read (revision 1) is refused and leaves everything as it is.
  SendingDomain stale = read;
  stale.pool = "other";
  core::AccountEvent lost{a.account.id, "domain.dns_broken", "shop.example", clock_.Now(), {}};
  EXPECT_EQ(Update(stale, {lost}).code(), Code::kFailedPrecondition);
  EXPECT_EQ(store().GetDomain(a.account.id, "shop.example")->pool, "transactional");

  auto events = store().ListAccountEvents(a.account.id, "shop.example", 10);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().type, "domain.verified");
  EXPECT_EQ(events->front().details["by"], "request");

  SendingDomain foreign = now;
  foreign.account_id = MakeAccount("Shop B").account.id;
  EXPECT_EQ(Update(foreign).code(), Code::kNotFound);
  EXPECT_TRUE(store().ListAccountEvents(foreign.account_id, "shop.example", 10)->empty());
}

TEST_P(Domains, SurviveAReopen) {
  MadeAccount a = MakeAccount("Shop A");
  ASSERT_TRUE(Create(NewDomain(a.account.id, "shop.example")).ok());
  Reopen();
  auto got = store().GetDomain(a.account.id, "shop.example");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->keys.size(), 2u);
}

}  // namespace

// Domains runs against every backend of the suite.
INSTANTIATE_TEST_SUITE_P(Backends, Domains, ::testing::ValuesIn(ConformanceBackends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace herald::storage
