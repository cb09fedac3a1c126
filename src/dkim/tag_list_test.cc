#include "dkim/tag_list.h"

#include <gtest/gtest.h>

namespace herald::dkim {
namespace {

TEST(TagListTest, ReadsNamesAndValuesAroundWhitespaceAndFolding) {
  Result<std::vector<Tag>> tags = ParseTagList(" v = 1 ;\r\n\ta=rsa-sha256;b= ab\r\n cd \r\n ;h=from : to");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  ASSERT_EQ(tags->size(), 4u);
  EXPECT_EQ((*tags)[0].name, "v");
  EXPECT_EQ((*tags)[0].value, "1");
  EXPECT_EQ((*tags)[1].name, "a");
  EXPECT_EQ((*tags)[1].value, "rsa-sha256");
  EXPECT_EQ((*tags)[2].value, "ab\r\n cd");
  EXPECT_EQ((*tags)[2].raw_value, " ab\r\n cd \r\n ");
  EXPECT_EQ((*tags)[3].value, "from : to");
  EXPECT_EQ(FindTag(*tags, "b"), "ab\r\n cd");
  EXPECT_EQ(FindTag(*tags, "B"), std::nullopt);  // names are case-sensitive
  EXPECT_EQ(FindTag(*tags, "x"), std::nullopt);
}

TEST(TagListTest, AcceptsEmptyListsEmptyValuesAndATrailingSemicolon) {
  EXPECT_TRUE(ParseTagList("")->empty());
  EXPECT_TRUE(ParseTagList(" \r\n ")->empty());
  Result<std::vector<Tag>> tags = ParseTagList("p=; k_2=x;");
  ASSERT_TRUE(tags.ok());
  ASSERT_EQ(tags->size(), 2u);
  EXPECT_EQ((*tags)[0].value, "");
  EXPECT_EQ((*tags)[1].name, "k_2");
}

TEST(TagListTest, RefusesWhatIsOutsideTheGrammar) {
  for (std::string_view text : {"a", "a=1;;b=2", "=1", "1a=2", "a b=1", "a-b=1", "a=1; a=2", "a=x;y",
                                "a=caf\xc3\xa9", "a=\x01", ";"}) {
    EXPECT_EQ(ParseTagList(text).status().code(), Code::kInvalidArgument) << text;
  }
}

TEST(TagListTest, TrimsAndRemovesWhitespace) {
  EXPECT_EQ(TrimWhitespace(" \t\r\nab c\r\n "), "ab c");
  EXPECT_EQ(TrimWhitespace("  "), "");
  EXPECT_EQ(WithoutWhitespace(" MIGf\r\n\tMA0G CSqG "), "MIGfMA0GCSqG");
}

}  // namespace
}  // namespace herald::dkim
