#include "dns/mx_order.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "dns/answer.h"

namespace herald::dns {
namespace {

TEST(SortByPreference, SortsAndKeepsEachHostOnceAtItsLowestPreference) {
  auto sorted = SortByPreference({{30, "c.example.com"},
                                  {10, "a.example.com"},
                                  {20, "b.example.com"},
                                  {5, "C.Example.com."},
                                  {20, "d.example.com"}});
  EXPECT_EQ(sorted,
            (std::vector<MxRecord>{
                {5, "C.Example.com."}, {10, "a.example.com"}, {20, "b.example.com"}, {20, "d.example.com"}}));
}

TEST(OrderByPreference, ShufflesOnlyWithinEqualPreferences) {
  std::vector<MxRecord> records = {{20, "b1"}, {10, "a"}, {20, "b2"}, {20, "b3"}, {30, "c"}};
  std::set<std::vector<std::string>> orders_seen;
  for (unsigned seed = 0; seed < 200; ++seed) {
    std::mt19937_64 random(seed);
    auto ordered = OrderByPreference(records, random);
    ASSERT_EQ(ordered.size(), 5u);
    EXPECT_EQ(ordered.front().host, "a");
    EXPECT_EQ(ordered.back().host, "c");
    std::vector<std::string> middle;
    for (size_t i = 1; i < 4; ++i) {
      EXPECT_EQ(ordered[i].preference, 20);
      middle.push_back(ordered[i].host);
    }
    orders_seen.insert(middle);
  }
  EXPECT_EQ(orders_seen.size(), 6u);  // every order of the three equal hosts came up
}

TEST(OrderByPreference, SameSeedSameOrder) {
  std::vector<MxRecord> records = {{10, "a"}, {10, "b"}, {10, "c"}, {10, "d"}};
  std::mt19937_64 first(42);
  std::mt19937_64 second(42);
  EXPECT_EQ(OrderByPreference(records, first), OrderByPreference(records, second));
}

TEST(OrderByPreference, EmptyAndSingle) {
  std::mt19937_64 random(1);
  EXPECT_TRUE(OrderByPreference({}, random).empty());
  EXPECT_EQ(OrderByPreference({{0, "only"}}, random), (std::vector<MxRecord>{{0, "only"}}));
}

TEST(LookupNames, ValidNames) {
  EXPECT_TRUE(IsValidLookupName("example.com"));
  EXPECT_TRUE(IsValidLookupName("example.com."));
  EXPECT_TRUE(IsValidLookupName("_dmarc.xn--bcher-kva.example"));
  EXPECT_TRUE(IsValidLookupName("localhost"));
  EXPECT_TRUE(IsValidLookupName(std::string(63, 'a') + ".com"));
  EXPECT_FALSE(IsValidLookupName(std::string(64, 'a') + ".com"));
  EXPECT_FALSE(IsValidLookupName(""));
  EXPECT_FALSE(IsValidLookupName("."));
  EXPECT_FALSE(IsValidLookupName("a..b"));
  EXPECT_FALSE(IsValidLookupName(".a"));
  EXPECT_FALSE(IsValidLookupName("a b.com"));
  EXPECT_FALSE(IsValidLookupName("bücher.example"));
  EXPECT_FALSE(IsValidLookupName("a\\046b.com"));
  std::string long_name;
  while (long_name.size() < 250) long_name += "abcdefghi.";
  long_name += "abc";  // 253 bytes
  EXPECT_TRUE(IsValidLookupName(long_name));
  EXPECT_FALSE(IsValidLookupName(long_name + "d"));
}

TEST(LookupNames, CanonicalAndEqual) {
  EXPECT_EQ(CanonicalName("Mail.Example.COM."), "mail.example.com");
  EXPECT_TRUE(EqualNames("MX.example.com.", "mx.EXAMPLE.com"));
  EXPECT_FALSE(EqualNames("mx.example.com", "mx.example.co"));
  EXPECT_EQ(AnswerKindName(AnswerKind::kNullMx), "null_mx");
}

}  // namespace
}  // namespace herald::dns
