#include "base/json_parse.h"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(ParseJson, ReadsWhatNlohmannReads) {
  for (std::string_view text : {R"({"a": 1, "b": [true, false, null, -2, 18446744073709551615, 1.5e3, "x\u00e9\n"]})",
                                R"([])", R"("just a string")", R"(0)", R"({"nested": {"deeper": {"k": "v"}}})"}) {
    std::optional<nlohmann::json> fast = ParseJson(std::string(text));
    ASSERT_TRUE(fast.has_value()) << text;
    EXPECT_EQ(*fast, nlohmann::json::parse(text)) << text;
  }
  EXPECT_TRUE((*ParseJson(R"({"n": 5})"))["n"].is_number_integer());
  EXPECT_TRUE((*ParseJson(R"({"n": 5.0})"))["n"].is_number_float());
  EXPECT_EQ((*ParseJson(R"({"k": 1, "k": 2})"))["k"], 2);  // the last value, as nlohmann keeps it
}

TEST(ParseJson, ATextWithPaddingIsReadAsOneWithout) {
  const std::string text = R"({"a": [1, "two", {"three": 3.5}], "b": "tail"})";
  std::string padded;
  padded.reserve(text.size() + 64);
  padded = text;  // parsed where it lies
  std::string tight = text;
  tight.shrink_to_fit();  // copied first
  ASSERT_TRUE(ParseJson(padded).has_value());
  EXPECT_EQ(*ParseJson(padded), *ParseJson(tight));
  EXPECT_FALSE(ParseJson(padded.substr(0, text.size() - 1)).has_value());
}

TEST(ParseJson, RefusesWhatIsNotJson) {
  for (std::string_view bad : {"", "{", R"({"a": })", "[1,]", "{'a': 1}", "\"\xff\"", "nul", "1 2"}) {
    EXPECT_FALSE(ParseJson(std::string(bad)).has_value()) << bad;
  }
  std::string deep(kMaxJsonDepth + 5, '[');
  deep += std::string(kMaxJsonDepth + 5, ']');
  EXPECT_FALSE(ParseJson(deep).has_value());
}

TEST(ParseJson, LargeStringsComeThroughWhole) {
  std::string big(300'000, 'A');
  std::optional<nlohmann::json> parsed = ParseJson("{\"content\": \"" + big + "\"}");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ((*parsed)["content"].get<std::string>(), big);
}

}  // namespace
}  // namespace herald
