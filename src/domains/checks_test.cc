#include "domains/checks.h"

#include <gtest/gtest.h>

namespace herald::domains {
namespace {

using core::RecordPurpose;
using core::RecordStatus;

core::DnsRecord Expected(RecordPurpose purpose, std::string type, std::string value) {
  return {purpose, std::move(type), "x.shop.example", std::move(value), "", RecordStatus::kUnchecked, {}, std::nullopt};
}

dns::TxtAnswer Txt(std::vector<std::string> texts) {
  return {texts.empty() ? dns::AnswerKind::kNoData : dns::AnswerKind::kRecords, std::move(texts), dns::Ttl(60)};
}

TEST(CheckSpf, NeedsEveryExpectedMechanismInTheOneSpfRecord) {
  const auto expected = Expected(RecordPurpose::kSpf, "TXT", "v=spf1 ip4:192.0.2.10 ip6:2001:db8::1 -all");
  EXPECT_EQ(CheckSpf(expected, Txt({"v=spf1 ip4:192.0.2.10 ip6:2001:db8::1 -all"})).status, RecordStatus::kOk);
  // Other mechanisms, another order, another all, other TXT records beside it: still ok.
  EXPECT_EQ(CheckSpf(expected, Txt({"google-site-verification=abc",
                                    "V=SPF1 include:_spf.other.example IP6:2001:db8::1  ip4:192.0.2.10 ~all"}))
                .status,
            RecordStatus::kOk);
  Check wrong = CheckSpf(expected, Txt({"v=spf1 ip4:192.0.2.99 -all"}));
  EXPECT_EQ(wrong.status, RecordStatus::kWrong);
  EXPECT_EQ(wrong.found, std::vector<std::string>{"v=spf1 ip4:192.0.2.99 -all"});
  EXPECT_EQ(CheckSpf(expected, Txt({"v=spf1 ip4:192.0.2.10 ip6:2001:db8::1 -all", "v=spf1 -all"})).status,
            RecordStatus::kWrong);  // two SPF records: a permanent error
  EXPECT_EQ(CheckSpf(expected, Txt({"v=spf10 ip4:192.0.2.10"})).status, RecordStatus::kMissing);
  EXPECT_EQ(CheckSpf(expected, Txt({})).status, RecordStatus::kMissing);
  EXPECT_EQ(CheckSpf(expected, dns::TxtAnswer{dns::AnswerKind::kNxDomain, {}, dns::Ttl(60)}).status,
            RecordStatus::kMissing);
  Check failed = CheckSpf(expected, Status::Unavailable("DNS server answered SERVFAIL"));
  EXPECT_EQ(failed.status, RecordStatus::kError);
  EXPECT_EQ(failed.found, std::vector<std::string>{"DNS server answered SERVFAIL"});
}

TEST(CheckReturnPath, AnMxNamingTheInboundHost) {
  const auto expected = Expected(RecordPurpose::kReturnPath, "MX", "10 mx.herald.example");
  auto mx = [](std::vector<dns::MxRecord> records) {
    return dns::MxAnswer{dns::AnswerKind::kRecords, std::move(records), dns::Ttl(60)};
  };
  EXPECT_EQ(CheckReturnPath(expected, mx({{20, "backup.example"}, {5, "MX.Herald.Example"}})).status, RecordStatus::kOk);
  Check wrong = CheckReturnPath(expected, mx({{10, "mail.shop.example"}}));
  EXPECT_EQ(wrong.status, RecordStatus::kWrong);
  EXPECT_EQ(wrong.found, std::vector<std::string>{"10 mail.shop.example"});
  EXPECT_EQ(CheckReturnPath(expected, dns::MxAnswer{dns::AnswerKind::kNullMx, {}, dns::Ttl(60)}).status,
            RecordStatus::kWrong);
  EXPECT_EQ(CheckReturnPath(expected, dns::MxAnswer{dns::AnswerKind::kNoData, {}, dns::Ttl(60)}).status,
            RecordStatus::kMissing);
}

TEST(CheckTracking, ACnameToTheTarget) {
  const auto expected = Expected(RecordPurpose::kTracking, "CNAME", "herald.example");
  EXPECT_EQ(CheckTracking(expected, dns::CnameAnswer{dns::AnswerKind::kRecords, "herald.example", dns::Ttl(60)}).status,
            RecordStatus::kOk);
  EXPECT_EQ(CheckTracking(expected, dns::CnameAnswer{dns::AnswerKind::kRecords, "other.example", dns::Ttl(60)}).status,
            RecordStatus::kWrong);
  EXPECT_EQ(CheckTracking(expected, dns::CnameAnswer{dns::AnswerKind::kNoData, "", dns::Ttl(60)}).status,
            RecordStatus::kWrong);  // the name exists, but is no alias
  EXPECT_EQ(CheckTracking(expected, dns::CnameAnswer{dns::AnswerKind::kNxDomain, "", dns::Ttl(60)}).status,
            RecordStatus::kMissing);
}

TEST(CheckDmarc, OneRecordWithAPolicy) {
  const auto expected = Expected(RecordPurpose::kDmarc, "TXT", "v=DMARC1; p=none;");
  EXPECT_EQ(CheckDmarc(expected, Txt({"v=DMARC1;p=reject;rua=mailto:d@shop.example"})).status, RecordStatus::kOk);
  EXPECT_EQ(CheckDmarc(expected, Txt({"v=DMARC1; rua=mailto:d@shop.example"})).status, RecordStatus::kWrong);
  EXPECT_EQ(CheckDmarc(expected, Txt({"v=DMARC1; p=none", "v=DMARC1; p=reject"})).status, RecordStatus::kWrong);
  EXPECT_EQ(CheckDmarc(expected, Txt({"something else"})).status, RecordStatus::kMissing);
}

TEST(CheckDkim, TheSameKeyTypeAndPublicKey) {
  const auto expected = Expected(RecordPurpose::kDkim, "TXT", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  EXPECT_EQ(CheckDkim(expected, Txt({"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="})).status,
            RecordStatus::kOk);
  EXPECT_EQ(CheckDkim(expected, Txt({"v=DKIM1;k=ed25519;\tp=11qYAYKxCrfVS/7TyWQHOg7hcvP apiMlrwIaaPcHURo="})).status,
            RecordStatus::kOk);  // whitespace inside p= is folding
  EXPECT_EQ(CheckDkim(expected, Txt({"v=DKIM1; k=rsa; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="})).status,
            RecordStatus::kWrong);
  EXPECT_EQ(CheckDkim(expected, Txt({"v=DKIM1; k=ed25519; p="})).status, RecordStatus::kWrong);  // revoked
  EXPECT_EQ(CheckDkim(expected, Txt({})).status, RecordStatus::kMissing);
}

TEST(Checks, FoundIsCleanedAndCut) {
  const auto expected = Expected(RecordPurpose::kSpf, "TXT", "v=spf1 ip4:192.0.2.10 -all");
  Check wrong = CheckSpf(expected, Txt({"v=spf1 \x01\x02" + std::string(2000, 'x')}));
  ASSERT_EQ(wrong.found.size(), 1u);
  EXPECT_LE(wrong.found[0].size(), 512u);
  EXPECT_EQ(wrong.found[0].find('\x01'), std::string::npos);
}

}  // namespace
}  // namespace herald::domains
