#include "domains/directory.h"

#include <gtest/gtest.h>

#include "domains/keys.h"

namespace herald::domains {
namespace {

using core::DomainPurpose;
using core::DomainStatus;

const TimePoint kNow = FromUnixMillis(1'780'000'000'000);

class DomainDirectoryTest : public ::testing::Test {
 protected:
  core::SendingDomain Domain(std::string account, std::string name, DomainStatus status,
                             DomainPurpose purpose = DomainPurpose::kTransactional) {
    core::SendingDomain d;
    d.account_id = std::move(account);
    d.name = std::move(name);
    d.status = status;
    d.purpose = purpose;
    d.pool = "blue";
    d.revision = 1;
    if (purpose == DomainPurpose::kTransactional) d.keys = *NewDkimKeys(secrets_, {}, kNow, core::DkimKeyState::kActive);
    return d;
  }

  // The reason a refusal gives, or "" when the message may be sent.
  std::string Refusal(const DomainDirectory& directory, std::string_view account, std::string_view domain) {
    Result<SendingIdentity> identity = directory.ForSending(account, domain);
    if (identity.ok()) return "";
    EXPECT_EQ(identity.status().code(), Code::kPermissionDenied);
    return identity.status().message();
  }

  const SecretBox secrets_ = SecretBox::WithKey({7, 7, 7});
};

TEST_F(DomainDirectoryTest, OnlyTheAccountsVerifiedTransactionalDomainsSend) {
  DomainDirectory directory(secrets_, {false, {"promo.example", "*.ads.example"}, "bounces"});
  directory.Load({Domain("acct_a", "shop.example", DomainStatus::kVerified),
                  Domain("acct_a", "new.example", DomainStatus::kPending),
                  Domain("acct_b", "other.example", DomainStatus::kVerified),
                  Domain("acct_a", "brand.example", DomainStatus::kPending, DomainPurpose::kMarketing)});

  Result<SendingIdentity> identity = directory.ForSending("acct_a", "Shop.Example");
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  ASSERT_NE(identity->signer, nullptr);
  EXPECT_EQ(identity->return_path_host, "bounces.shop.example");
  EXPECT_EQ(identity->pool, "blue");

  EXPECT_EQ(Refusal(directory, "acct_a", "new.example"),
            "sender domain new.example is not verified yet: publish its DNS records, then POST "
            "/v1/domains/new.example/verify");
  EXPECT_EQ(Refusal(directory, "acct_a", "other.example"), "sender domain other.example is not a domain of this account");
  EXPECT_EQ(Refusal(directory, "acct_a", "nowhere.example"),
            "sender domain nowhere.example is not a verified domain of this account");
  EXPECT_NE(Refusal(directory, "acct_a", "brand.example").find("marketing"), std::string::npos);
  EXPECT_NE(Refusal(directory, "acct_a", "promo.example").find("marketing"), std::string::npos);
  EXPECT_NE(Refusal(directory, "acct_a", "x.ads.example").find("marketing"), std::string::npos);
  EXPECT_TRUE(directory.IsFlaggedMarketing("deep.x.ads.example"));
  EXPECT_FALSE(directory.IsFlaggedMarketing("ads.example"));  // "*." covers subdomains only
}

TEST_F(DomainDirectoryTest, AllowUnverifiedLetsUnregisteredAndPendingDomainsSendButNoOneElses) {
  DomainDirectory directory(secrets_, {true, {"promo.example"}, "bounces"});
  directory.Load({Domain("acct_a", "new.example", DomainStatus::kPending),
                  Domain("acct_b", "other.example", DomainStatus::kVerified)});
  Result<SendingIdentity> unregistered = directory.ForSending("acct_a", "anything.example");
  ASSERT_TRUE(unregistered.ok());
  EXPECT_EQ(unregistered->signer, nullptr);  // sent unsigned, from its own address
  EXPECT_TRUE(unregistered->return_path_host.empty());
  Result<SendingIdentity> pending = directory.ForSending("acct_a", "new.example");
  ASSERT_TRUE(pending.ok());
  EXPECT_NE(pending->signer, nullptr);
  EXPECT_FALSE(Refusal(directory, "acct_a", "other.example").empty());
  EXPECT_FALSE(Refusal(directory, "acct_a", "promo.example").empty());
}

TEST_F(DomainDirectoryTest, KeysThatCannotBeOpenedRefuseRatherThanSendUnsigned) {
  DomainDirectory directory(secrets_, {false, {}, "bounces"});
  core::SendingDomain broken = Domain("acct_a", "shop.example", DomainStatus::kVerified);
  broken.keys[0].sealed_private_key = SecretBox::WithKey({1}).Seal("not this box's");
  directory.Load({broken});
  EXPECT_EQ(Refusal(directory, "acct_a", "shop.example"),
            "sender domain shop.example cannot be signed now; the operator has been told");
}

TEST_F(DomainDirectoryTest, AReloadKeepsTheSignersOfUnchangedDomains) {
  DomainDirectory directory(secrets_, {false, {}, "bounces"});
  core::SendingDomain shop = Domain("acct_a", "shop.example", DomainStatus::kVerified);
  directory.Load({shop});
  auto first = directory.ForSending("acct_a", "shop.example")->signer;
  directory.Load({shop});
  EXPECT_EQ(directory.ForSending("acct_a", "shop.example")->signer, first);
  shop.revision = 2;
  directory.Load({shop});
  EXPECT_NE(directory.ForSending("acct_a", "shop.example")->signer, first);
  directory.Load({});
  EXPECT_FALSE(directory.ForSending("acct_a", "shop.example").ok());
}

TEST_F(DomainDirectoryTest, TransactionalOwnersWhateverTheirStatus) {
  DomainDirectory directory(secrets_, {false, {}, "bounces"});
  directory.Load({Domain("acct_a", "shop.example", DomainStatus::kVerified),
                  Domain("acct_a", "new.example", DomainStatus::kPending),
                  Domain("acct_b", "brand.example", DomainStatus::kVerified, DomainPurpose::kMarketing)});
  EXPECT_EQ(directory.TransactionalOwner("shop.example"), "acct_a");
  EXPECT_EQ(directory.TransactionalOwner("new.example"), "acct_a");
  EXPECT_EQ(directory.TransactionalOwner("brand.example"), std::nullopt);
  EXPECT_EQ(directory.TransactionalOwner("nowhere.example"), std::nullopt);
}

TEST(NewDkimKeys, APairWithFreshSelectorsSealed) {
  const SecretBox secrets = SecretBox::WithKey({3});
  auto first = NewDkimKeys(secrets, {}, kNow, core::DkimKeyState::kActive);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].algorithm, "rsa-sha256");
  EXPECT_EQ((*first)[1].algorithm, "ed25519-sha256");
  EXPECT_EQ((*first)[0].selector, "rsa-20260528");
  EXPECT_EQ((*first)[1].selector, "ed-20260528");
  EXPECT_EQ(secrets.Open((*first)[0].sealed_private_key)->rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ((*first)[0].sealed_private_key.find("PRIVATE"), std::string::npos);

  auto second = NewDkimKeys(secrets, *first, kNow, core::DkimKeyState::kPending);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)[0].selector, "rsa-20260528b");
  EXPECT_EQ((*second)[1].state, core::DkimKeyState::kPending);
}

}  // namespace
}  // namespace herald::domains
