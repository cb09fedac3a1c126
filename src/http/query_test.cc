#include "http/query.h"

#include <gtest/gtest.h>

namespace herald::http {
namespace {

TEST(TargetTest, SplitsPathAndQuery) {
  EXPECT_EQ(TargetPath("/v1/messages?limit=5"), "/v1/messages");
  EXPECT_EQ(TargetQuery("/v1/messages?limit=5"), "limit=5");
  EXPECT_EQ(TargetPath("/v1/messages"), "/v1/messages");
  EXPECT_EQ(TargetQuery("/v1/messages"), "");
  EXPECT_EQ(TargetQuery("/x?a=1#frag"), "a=1");
  EXPECT_EQ(TargetQuery("/x?a=1?b=2"), "a=1?b=2");  // only the first '?' separates
}

TEST(PercentDecodeTest, DecodesEscapes) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc%2fd", false), "a b/c/d");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("%00", false), std::string(1, '\0'));
  EXPECT_EQ(PercentDecode("%C3%A9", false), "\xc3\xa9");
  EXPECT_EQ(PercentDecode("", false), "");
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  EXPECT_FALSE(PercentDecode("%", false));
  EXPECT_FALSE(PercentDecode("%2", false));
  EXPECT_FALSE(PercentDecode("abc%", false));
  EXPECT_FALSE(PercentDecode("%zz", false));
  EXPECT_FALSE(PercentDecode("%2g", false));
}

TEST(ParseQueryTest, ParsesNamesAndValues) {
  Result<QueryParams> params = ParseQuery("limit=10&q=hello+world&tag=a&tag=b%26c&flag&&empty=");
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  EXPECT_EQ(params->size(), 6u);
  EXPECT_EQ(params->Get("limit"), "10");
  EXPECT_EQ(params->Get("q"), "hello world");
  EXPECT_EQ(params->Get("tag"), "a");
  EXPECT_EQ(params->GetAll("tag"), (std::vector<std::string_view>{"a", "b&c"}));
  EXPECT_EQ(params->Get("flag"), "");
  EXPECT_TRUE(params->Has("empty"));
  EXPECT_FALSE(params->Has("missing"));
  EXPECT_EQ(params->Get("missing"), std::nullopt);
}

TEST(ParseQueryTest, DecodesNamesAndKeepsEqualsInValues) {
  Result<QueryParams> params = ParseQuery("a%5Bb%5D=x=y");
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->Get("a[b]"), "x=y");
}

TEST(ParseQueryTest, EmptyQueryHasNoParams) {
  Result<QueryParams> params = ParseQuery("");
  ASSERT_TRUE(params.ok());
  EXPECT_TRUE(params->empty());
}

TEST(ParseQueryTest, RejectsMalformedEscapes) {
  Result<QueryParams> params = ParseQuery("ok=1&bad=%zz");
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.status().code(), Code::kInvalidArgument);
  EXPECT_NE(params.status().message().find("bad"), std::string::npos);
}

TEST(ParseQueryTest, EnforcesLimits) {
  QueryLimits limits;
  limits.max_params = 3;
  limits.max_bytes = 32;
  EXPECT_TRUE(ParseQuery("a=1&b=2&c=3", limits).ok());
  EXPECT_FALSE(ParseQuery("a=1&b=2&c=3&d=4", limits).ok());
  EXPECT_TRUE(ParseQuery("a=1&&&&&b=2", limits).ok());  // empty pieces are not params
  EXPECT_FALSE(ParseQuery(std::string(33, 'x'), limits).ok());
}

}  // namespace
}  // namespace herald::http
