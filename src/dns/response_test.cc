#include "dns/response.h"

#include <gtest/gtest.h>

#include "dns/test_message.h"

namespace herald::dns {
namespace {

using test::ARdata;
using test::Bytes;
using test::MxRdata;
using test::NameRdata;
using test::Response;
using test::SoaRdata;
using test::TxtRdata;
using test::WireWriter;

const std::vector<test::TestRecord> kSoa = {{"example.com", kTypeSoa, 900, SoaRdata(120)}};

TEST(ParseMxResponse, RecordsWithTheSmallestTtl) {
  auto answer = ParseMxResponse(Response("example.com", kTypeMx, kRcodeNoError,
                                         {{"example.com", kTypeMx, 300, MxRdata(20, "MX2.Example.com")},
                                          {"example.com", kTypeMx, 200, MxRdata(10, "mx1.example.com")}}),
                                "Example.com.");
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->kind, AnswerKind::kRecords);
  EXPECT_EQ(answer->ttl, Ttl(200));
  ASSERT_EQ(answer->records.size(), 2u);
  EXPECT_EQ(answer->records[0], (MxRecord{20, "mx2.example.com"}));
  EXPECT_EQ(answer->records[1], (MxRecord{10, "mx1.example.com"}));
}

TEST(ParseMxResponse, NullMx) {
  auto answer = ParseMxResponse(
      Response("example.com", kTypeMx, kRcodeNoError, {{"example.com", kTypeMx, 3600, MxRdata(0, "")}}),
      "example.com");
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->kind, AnswerKind::kNullMx);
  EXPECT_TRUE(answer->records.empty());
  EXPECT_EQ(answer->ttl, Ttl(3600));
}

TEST(ParseMxResponse, ANullMxBesideRealHostsIsIgnored) {
  auto answer = ParseMxResponse(Response("example.com", kTypeMx, kRcodeNoError,
                                         {{"example.com", kTypeMx, 60, MxRdata(0, "")},
                                          {"example.com", kTypeMx, 60, MxRdata(10, "mx.example.com")}}),
                                "example.com");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->kind, AnswerKind::kRecords);
  EXPECT_EQ(answer->records, (std::vector<MxRecord>{{10, "mx.example.com"}}));
}

TEST(ParseMxResponse, NoDataTakesTheSoaNegativeTtl) {
  // RFC 2308 §5: the smaller of the SOA's own TTL (900) and its MINIMUM (120).
  auto answer = ParseMxResponse(Response("example.com", kTypeMx, kRcodeNoError, {}, kSoa), "example.com");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->kind, AnswerKind::kNoData);
  EXPECT_EQ(answer->ttl, Ttl(120));
}

TEST(ParseMxResponse, NegativeTtlWithoutSoaIsTheDefault) {
  auto answer = ParseMxResponse(Response("example.com", kTypeMx, kRcodeNxDomain, {}), "example.com");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->kind, AnswerKind::kNxDomain);
  EXPECT_EQ(answer->ttl, kDefaultNegativeTtl);
}

TEST(ParseMxResponse, NegativeTtlIsBounded) {
  auto answer = ParseMxResponse(Response("example.com", kTypeMx, kRcodeNxDomain, {},
                                         {{"example.com", kTypeSoa, 999999, SoaRdata(999999)}}),
                                "example.com");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->ttl, kMaxNegativeTtl);
}

TEST(ParseMxResponse, PositiveTtlIsBoundedAndTopBitMeansZero) {
  auto capped =
      ParseMxResponse(Response("example.com", kTypeMx, kRcodeNoError,
                               {{"example.com", kTypeMx, 10'000'000, MxRdata(1, "mx.example.com")}}),
                      "example.com");
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->ttl, kMaxTtl);
  auto zero = ParseMxResponse(Response("example.com", kTypeMx, kRcodeNoError,
                                       {{"example.com", kTypeMx, 0x80000001u, MxRdata(1, "mx.example.com")}}),
                              "example.com");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->ttl, Ttl(0));
}

TEST(ParseMxResponse, ServerFailuresAreUnavailable) {
  for (int rcode : {1, kRcodeServFail, 4, kRcodeRefused, 9}) {
    auto answer = ParseMxResponse(Response("example.com", kTypeMx, rcode, {}), "example.com");
    EXPECT_EQ(answer.status().code(), Code::kUnavailable) << rcode;
  }
}

TEST(ParseMxResponse, RejectsTruncatedMismatchedAndNonResponses) {
  Bytes truncated =
      WireWriter().Header(1, 0, 0, 0, kRcodeNoError, 0x0200).Question("example.com", kTypeMx).bytes();
  EXPECT_EQ(ParseMxResponse(truncated, "example.com").status().code(), Code::kCorruption);
  Bytes other_name = Response("example.org", kTypeMx, kRcodeNoError, {});
  EXPECT_EQ(ParseMxResponse(other_name, "example.com").status().code(), Code::kCorruption);
  Bytes other_type = Response("example.com", kTypeA, kRcodeNoError, {});
  EXPECT_EQ(ParseMxResponse(other_type, "example.com").status().code(), Code::kCorruption);
  Bytes query = Response("example.com", kTypeMx, kRcodeNoError, {});
  query[2] &= 0x7F;  // QR clear: a query, not a response
  EXPECT_EQ(ParseMxResponse(query, "example.com").status().code(), Code::kCorruption);
  Bytes two_questions = WireWriter()
                            .Header(2, 0, 0, 0)
                            .Question("example.com", kTypeMx)
                            .Question("example.com", kTypeMx)
                            .bytes();
  EXPECT_EQ(ParseMxResponse(two_questions, "example.com").status().code(), Code::kCorruption);
}

TEST(ParseMxResponse, FollowsACnameChain) {
  auto answer = ParseMxResponse(Response("alias.example.com", kTypeMx, kRcodeNoError,
                                         {{"alias.example.com", kTypeCname, 50, NameRdata("mid.example.net")},
                                          {"mid.example.net", kTypeCname, 500, NameRdata("real.example.org")},
                                          {"real.example.org", kTypeMx, 300, MxRdata(5, "mx.example.org")}}),
                                "alias.example.com");
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->records, (std::vector<MxRecord>{{5, "mx.example.org"}}));
  EXPECT_EQ(answer->ttl, Ttl(50));
}

TEST(ParseMxResponse, ACnameLoopIsCorrupt) {
  auto answer = ParseMxResponse(Response("a.example.com", kTypeMx, kRcodeNoError,
                                         {{"a.example.com", kTypeCname, 50, NameRdata("b.example.com")},
                                          {"b.example.com", kTypeCname, 50, NameRdata("a.example.com")}}),
                                "a.example.com");
  EXPECT_EQ(answer.status().code(), Code::kCorruption);
}

TEST(ParseMxResponse, IgnoresRecordsOfOtherOwnersAndClasses) {
  Bytes bytes = Response("example.com", kTypeMx, kRcodeNoError,
                         {{"evil.example.net", kTypeMx, 60, MxRdata(1, "mx.evil.example.net")}}, kSoa);
  auto answer = ParseMxResponse(bytes, "example.com");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->kind, AnswerKind::kNoData);
}

TEST(ParseMxResponse, DropsExchangesThatAreNotHostNames) {
  WireWriter bad_label;
  bad_label.U16(10).U8(4).Raw("m x\x01").Name("example.com");
  auto mixed = ParseMxResponse(Response("example.com", kTypeMx, kRcodeNoError,
                                        {{"example.com", kTypeMx, 60, bad_label.bytes()},
                                         {"example.com", kTypeMx, 60, MxRdata(20, "mx.example.com")}}),
                               "example.com");
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->records, (std::vector<MxRecord>{{20, "mx.example.com"}}));
  // None usable: not "no MX" (that would send mail to the domain's A record) but unreadable.
  auto none = ParseMxResponse(
      Response("example.com", kTypeMx, kRcodeNoError, {{"example.com", kTypeMx, 60, bad_label.bytes()}}),
      "example.com");
  EXPECT_EQ(none.status().code(), Code::kCorruption);
}

TEST(ParseAddressResponse, ReadsAAndAaaa) {
  auto a = ParseAddressResponse(Response("host.example.com", kTypeA, kRcodeNoError,
                                         {{"host.example.com", kTypeA, 60, ARdata(192, 0, 2, 1)},
                                          {"host.example.com", kTypeA, 30, ARdata(192, 0, 2, 2)}}),
                                "host.example.com", kTypeA);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->kind, AnswerKind::kRecords);
  ASSERT_EQ(a->addresses.size(), 2u);
  EXPECT_EQ(a->addresses[0].to_string(), "192.0.2.1");
  EXPECT_EQ(a->ttl, Ttl(30));

  Bytes v6(16, 0);
  v6[0] = 0x20;
  v6[1] = 0x01;
  v6[2] = 0x0d;
  v6[3] = 0xb8;
  v6[15] = 1;
  auto aaaa = ParseAddressResponse(
      Response("host.example.com", kTypeAaaa, kRcodeNoError, {{"host.example.com", kTypeAaaa, 60, v6}}),
      "host.example.com", kTypeAaaa);
  ASSERT_TRUE(aaaa.ok());
  EXPECT_EQ(aaaa->addresses.at(0).to_string(), "2001:db8::1");
}

TEST(ParseAddressResponse, WrongLengthsAreCorrupt) {
  auto a = ParseAddressResponse(
      Response("h.example.com", kTypeA, kRcodeNoError, {{"h.example.com", kTypeA, 60, Bytes{1, 2, 3}}}),
      "h.example.com", kTypeA);
  EXPECT_EQ(a.status().code(), Code::kCorruption);
  auto aaaa = ParseAddressResponse(
      Response("h.example.com", kTypeAaaa, kRcodeNoError, {{"h.example.com", kTypeAaaa, 60, Bytes(4, 1)}}),
      "h.example.com", kTypeAaaa);
  EXPECT_EQ(aaaa.status().code(), Code::kCorruption);
}

TEST(ParseTxtResponse, JoinsTheStringsOfEachRecord) {
  auto answer = ParseTxtResponse(
      Response("example.com", kTypeTxt, kRcodeNoError,
               {{"example.com", kTypeTxt, 60, TxtRdata({"v=spf1 ", "ip4:192.0.2.0/24 ", "-all"})},
                {"example.com", kTypeTxt, 60, TxtRdata({"herald-verify=abc"})},
                {"example.com", kTypeTxt, 60, TxtRdata({""})}}),
      "example.com");
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->texts,
            (std::vector<std::string>{"v=spf1 ip4:192.0.2.0/24 -all", "herald-verify=abc", ""}));
}

TEST(ParseCnameResponse, TheAliasTargetOrNoData) {
  auto alias = ParseCnameResponse(Response("track.shop.example", kTypeCname, kRcodeNoError,
                                           {{"track.shop.example", kTypeCname, 120, NameRdata("Herald.Example")}}),
                                  "track.shop.example");
  ASSERT_TRUE(alias.ok()) << alias.status().ToString();
  EXPECT_EQ(alias->kind, AnswerKind::kRecords);
  EXPECT_EQ(alias->target, "herald.example");
  EXPECT_EQ(alias->ttl, Ttl(120));

  auto none = ParseCnameResponse(Response("shop.example", kTypeCname, kRcodeNoError, {}), "shop.example");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->kind, AnswerKind::kNoData);

  auto bad = ParseCnameResponse(Response("t.shop.example", kTypeCname, kRcodeNoError,
                                         {{"t.shop.example", kTypeCname, 60, NameRdata("bad name.example")}}),
                                "t.shop.example");
  EXPECT_EQ(bad.status().code(), Code::kCorruption);
}

AddressAnswer Addresses(AnswerKind kind, std::vector<std::string> addresses, int ttl) {
  AddressAnswer answer;
  answer.kind = kind;
  for (const std::string& a : addresses) answer.addresses.push_back(boost::asio::ip::make_address(a));
  answer.ttl = Ttl(ttl);
  return answer;
}

TEST(CombineAddressAnswers, BothHalves) {
  auto both = CombineAddressAnswers(Addresses(AnswerKind::kRecords, {"192.0.2.1"}, 300),
                                    Addresses(AnswerKind::kRecords, {"2001:db8::1"}, 100));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->kind, AnswerKind::kRecords);
  ASSERT_EQ(both->addresses.size(), 2u);
  EXPECT_TRUE(both->addresses[0].is_v4());
  EXPECT_TRUE(both->addresses[1].is_v6());
  EXPECT_EQ(both->ttl, Ttl(100));

  auto v4_only = CombineAddressAnswers(Addresses(AnswerKind::kRecords, {"192.0.2.1"}, 300),
                                       Addresses(AnswerKind::kNoData, {}, 60));
  EXPECT_EQ(v4_only->kind, AnswerKind::kRecords);
  EXPECT_EQ(v4_only->ttl, Ttl(60));

  auto nx = CombineAddressAnswers(Addresses(AnswerKind::kNxDomain, {}, 60),
                                  Addresses(AnswerKind::kNxDomain, {}, 70));
  EXPECT_EQ(nx->kind, AnswerKind::kNxDomain);
  auto no_data =
      CombineAddressAnswers(Addresses(AnswerKind::kNxDomain, {}, 60), Addresses(AnswerKind::kNoData, {}, 70));
  EXPECT_EQ(no_data->kind, AnswerKind::kNoData);
}

TEST(CombineAddressAnswers, OneFailedHalf) {
  auto partial = CombineAddressAnswers(Addresses(AnswerKind::kRecords, {"192.0.2.1"}, 3000),
                                       Status::Unavailable("AAAA timed out"));
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->addresses.size(), 1u);
  EXPECT_EQ(partial->ttl, kPartialAnswerTtl);

  auto failed =
      CombineAddressAnswers(Addresses(AnswerKind::kNoData, {}, 60), Status::Unavailable("AAAA timed out"));
  EXPECT_EQ(failed.status().code(), Code::kUnavailable);
  EXPECT_EQ(failed.status().message(), "AAAA timed out");
  auto both_failed = CombineAddressAnswers(Status::Unavailable("A"), Status::Unavailable("AAAA"));
  EXPECT_EQ(both_failed.status().message(), "A");
}

}  // namespace
}  // namespace herald::dns
