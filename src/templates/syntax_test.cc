#include "templates/syntax.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace herald::templates {
namespace {

std::string Rewritten(std::string_view source) {
  Result<std::string> out = KainjowSource(source);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : "<failed>";
}

TEST(SyntaxTest, StandaloneCommentDelimiterAndPartialLinesLoseTheirBlanksAndLineEnd) {
  EXPECT_EQ(Rewritten("a\n  {{! note }}  \nb"), "a\n{{! note }}b");
  EXPECT_EQ(Rewritten("a\r\n{{=<% %>=}}\r\n<%x%>"), "a\r\n{{=<% %>=}}<%x%>");
  EXPECT_EQ(Rewritten("a\n{{>p}}\nb"), "a\n{{>p}}b");
  EXPECT_EQ(Rewritten("a\n\t {{> p }}"), "a\n{{>\x1f\t \x1fp}}");
  EXPECT_EQ(Rewritten("no tags\n  \n"), "no tags\n  \n");
  // The delimiters in force are the ones the renamed partial tag is written with.
  EXPECT_EQ(Rewritten("{{=| |=}}\n  |>*name|\n"), "{{=| |=}}|>\x1f  \x1f*name|");
  // Section lines are kainjow's to handle; lines with more than one tag or other text are not standalone.
  EXPECT_EQ(Rewritten("  {{#a}}\n{{/a}}\n"), "  {{#a}}\n{{/a}}\n");
  EXPECT_EQ(Rewritten("x {{! c }}\n{{! c }}{{! d }}\n"), "x {{! c }}\n{{! c }}{{! d }}\n");
}

TEST(SyntaxTest, PartialReferences) {
  PartialReference plain = ReadPartialReference("footer");
  EXPECT_EQ(plain.name, "footer");
  EXPECT_EQ(plain.indentation, "");
  EXPECT_FALSE(plain.dynamic);
  PartialReference dynamic = ReadPartialReference("\x1f  \x1f* data.layout");
  EXPECT_EQ(dynamic.name, "data.layout");
  EXPECT_EQ(dynamic.indentation, "  ");
  EXPECT_TRUE(dynamic.dynamic);
}

TEST(SyntaxTest, IndentsEveryLineButAfterTheLast) {
  EXPECT_EQ(IndentLines("a\nb\n", "  "), "  a\n  b\n");
  EXPECT_EQ(IndentLines("a\r\n\nb", "\t"), "\ta\r\n\t\n\tb");
  EXPECT_EQ(IndentLines("", "  "), "");
}

TEST(SyntaxTest, BuildsTheTree) {
  Result<ParsedTemplate> parsed =
      ParseTemplate("Hi {{name}}!\n{{#items}}{{{.}}}{{/items}}{{^none}}{{>*p}}{{/none}}");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const std::vector<Node>& nodes = parsed->nodes;
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_EQ(nodes[0].text_bytes, 3u);
  EXPECT_EQ(nodes[1].name, "name");
  EXPECT_TRUE(nodes[1].escaped);
  EXPECT_EQ(nodes[2].text_bytes, 2u);
  EXPECT_EQ(nodes[3].kind, Node::Kind::kSection);
  ASSERT_EQ(nodes[3].children.size(), 1u);
  EXPECT_EQ(nodes[3].children[0].name, ".");
  EXPECT_FALSE(nodes[3].children[0].escaped);
  EXPECT_EQ(nodes[4].kind, Node::Kind::kInvertedSection);
  ASSERT_EQ(nodes[4].children.size(), 1u);
  EXPECT_EQ(nodes[4].children[0].kind, Node::Kind::kPartial);
  EXPECT_EQ(nodes[4].children[0].name, "p");
  EXPECT_TRUE(nodes[4].children[0].dynamic);
}

TEST(SyntaxTest, NamedTextRunsStandForTextWithBlanksWithinALine) {
  Result<ParsedTemplate> parsed =
      ParseTemplate("  <td>Dear {{name}}, thank you</td>\r\n {{#items}}\nab c\n{{/items}}", TextRuns::kNamed);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const std::string run0 = "{{&" + TextRunName(0) + "}}";
  const std::string run1 = "{{&" + TextRunName(1) + "}}";
  // A run needs two blanks (kainjow would make five nodes of it); line ends and tags stay as written.
  EXPECT_EQ(parsed->kainjow_source, run0 + "{{name}}" + run1 + "\r\n {{#items}}\nab c\n{{/items}}");
  EXPECT_THAT(parsed->text_runs, ::testing::ElementsAre("  <td>Dear ", ", thank you</td>"));
  // Left as written: the same template parsed by default, text under other delimiters, a lone "\r"
  // (a line end to kainjow).
  EXPECT_EQ(ParseTemplate("a b c {{x}}")->kainjow_source, "a b c {{x}}");
  EXPECT_EQ(ParseTemplate("{{=<% %>=}}a b c <%x%>", TextRuns::kNamed)->kainjow_source, "{{=<% %>=}}a b c <%x%>");
  EXPECT_EQ(ParseTemplate("a b\rc d", TextRuns::kNamed)->kainjow_source, "a b\rc d");
}

TEST(SyntaxTest, TextRunNamesReadBack) {
  EXPECT_EQ(TextRunIndex(TextRunName(0)), 0u);
  EXPECT_EQ(TextRunIndex(TextRunName(1234)), 1234u);
  for (std::string_view other : {"1", "\x1e", "\x1e" "1x", "name", "\x1e" "99999999999999999999999"})
    EXPECT_FALSE(TextRunIndex(other).has_value()) << other;
}

TEST(SyntaxTest, RefusesControlCharactersInNamesAndDelimiters) {
  EXPECT_EQ(ParseTemplate("{{>\x1f  \x1fp}}").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseTemplate("{{na\x01me}}").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseTemplate("{{=<\x1f %>=}}").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace herald::templates
