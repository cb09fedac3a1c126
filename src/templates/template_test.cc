#include "templates/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "templates/syntax.h"
#include "templates/testing/campaign_fixture.h"

namespace herald::templates {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::shared_ptr<const Template> MustCompile(std::string_view source, Escape escape = Escape::kHtml,
                                            const std::map<std::string, std::string>& partials = {}) {
  Result<std::shared_ptr<const Template>> compiled = Template::Compile(source, escape, partials);
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  return compiled.ok() ? *compiled : MustCompile("");
}

std::string Rendered(const Template& tmpl, const json& context,
                     MissingVariables missing = MissingVariables::kStrict) {
  Result<std::string> out = tmpl.Render(context, missing);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : "<failed>";
}

Status RenderStatus(std::string_view source, const json& context,
                    MissingVariables missing = MissingVariables::kStrict,
                    const std::map<std::string, std::string>& partials = {}) {
  return MustCompile(source, Escape::kHtml, partials)->Render(context, missing).status();
}

Status CompileStatus(std::string_view source, const std::map<std::string, std::string>& partials = {}) {
  return Template::Compile(source, Escape::kHtml, partials).status();
}

const json kInjection = {{"name", "<script>alert('x')</script> & \"quoted\""}};

TEST(TemplateTest, EscapesHtmlInDataForTheHtmlPartOnly) {
  EXPECT_EQ(Rendered(*MustCompile("<p>{{name}}</p>"), kInjection),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;</p>");
  EXPECT_EQ(Rendered(*MustCompile("Hi {{name}}", Escape::kNone), kInjection),
            "Hi <script>alert('x')</script> & \"quoted\"");
}

TEST(TemplateTest, TripleMustacheAndAmpersandAreRaw) {
  auto tmpl = MustCompile("{{{name}}}|{{& name}}");
  EXPECT_EQ(Rendered(*tmpl, kInjection),
            std::string(kInjection["name"]) + "|" + std::string(kInjection["name"]));
}

TEST(TemplateTest, TextRunsRenderAsWrittenAndNoDataStandsForThem) {
  // Runs of text go to kainjow by name (syntax.h, TextRuns); data under such a name changes nothing.
  auto tmpl = MustCompile("  <p>Dear {{name}}, your order</p>\n  {{#items}}\n  - {{.}} and more\n  {{/items}}\n");
  const json context = {{"name", "Ann & Bob"}, {"items", {"x", "y"}}, {TextRunName(0), "evil"}, {TextRunName(1), "evil"}};
  EXPECT_EQ(Rendered(*tmpl, context), "  <p>Dear Ann &amp; Bob, your order</p>\n  - x and more\n  - y and more\n");
}

TEST(TemplateTest, ValuesRenderAsJsonWritesThem) {
  const json context = {{"float", 1.5}, {"int", 42},   {"negative", -7},  {"big", 1e100},
                        {"yes", true},  {"no", false}, {"none", nullptr}, {"empty", ""}};
  EXPECT_EQ(Rendered(*MustCompile("{{float}} {{int}} {{negative}} {{big}} {{yes}}"), context),
            "1.5 42 -7 1e+100 true");
  // kainjow cannot print false: see template.h. null, false and "" render empty and are false in sections.
  EXPECT_EQ(Rendered(*MustCompile("[{{no}}][{{none}}][{{empty}}]"), context), "[][][]");
  EXPECT_EQ(Rendered(*MustCompile("{{#yes}}y{{/yes}}{{#no}}n{{/no}}{{^none}}-{{/none}}{{^empty}}e{{/empty}}"),
                     context),
            "y-e");
  EXPECT_EQ(Rendered(*MustCompile("{{#int}}{{.}}{{/int}}"), context), "42");
}

TEST(TemplateTest, UnicodePassesThrough) {
  const json context = {{"name", "Zoë ✓ 𝄞 日本"}};
  EXPECT_EQ(Rendered(*MustCompile("Grüße, {{name}} 🎉"), context), "Grüße, Zoë ✓ 𝄞 日本 🎉");
  EXPECT_EQ(Rendered(*MustCompile("{{name}}", Escape::kNone), context), "Zoë ✓ 𝄞 日本");
}

TEST(TemplateTest, StrictNamesTheMissingVariableAsWritten) {
  const json context = {
      {"profile", {{"firstName", "Ada"}}},
      {"data", {{"order", {{"total", 10}}}, {"items", {{{"sku", "A"}, {"price", 1}}, {{"sku", "B"}}}}}},
      {"currency", "EUR"}};
  auto expect_missing = [&](std::string_view source, std::string_view name) {
    Status status = RenderStatus(source, context);
    EXPECT_EQ(status.code(), Code::kFailedPrecondition) << source;
    EXPECT_EQ(status.message(), name) << source;
  };
  expect_missing("Hi {{name}}", "name");
  expect_missing("Order {{ data.order.id }}", "data.order.id");
  expect_missing("{{{data.order.note}}}", "data.order.note");
  expect_missing("{{&profile.lastName}}", "profile.lastName");
  // Inside a section over a list the name resolves against each item, then outwards: the second item has
  // no price and nothing outside has one.
  expect_missing("{{#data.items}}{{sku}} {{price}} {{currency}};{{/data.items}}", "price");
  // A dotted name's first part is found, then the rest must be inside it (no falling back outwards).
  expect_missing("{{#data.items}}{{profile.lastName}}{{/data.items}}", "profile.lastName");
  expect_missing("{{>*data.layout}}", "data.layout");

  EXPECT_EQ(Rendered(*MustCompile("{{#data.items}}{{sku}}{{currency}}{{profile.firstName}};{{/data.items}}"),
                     context),
            "AEURAda;BEURAda;");
}

TEST(TemplateTest, SectionOverAMissingNameIsFalseEvenWhenStrict) {
  const json context = {{"data", json::object()}};
  EXPECT_EQ(Rendered(*MustCompile("a{{#data.coupon}}Code: {{data.coupon.code}}{{/data.coupon}}b"), context),
            "ab");
  EXPECT_EQ(Rendered(*MustCompile("{{^data.coupon}}no coupon{{/data.coupon}}"), context), "no coupon");
  // A branch that is not rendered is not checked.
  EXPECT_EQ(Rendered(*MustCompile("{{#data.gift}}{{data.gift.message}}{{/data.gift}}"), context), "");
  // The inverted section renders, so its missing variable counts.
  EXPECT_EQ(RenderStatus("{{^data.gift}}{{data.note}}{{/data.gift}}", context).message(), "data.note");
}

TEST(TemplateTest, LenientRendersMissingVariablesEmpty) {
  auto tmpl = MustCompile("Hi {{name}}, order {{data.order.id}}{{#data.items}} {{sku}}{{/data.items}}.");
  const json context = {{"data", {{"items", {{{"sku", "A"}}, json::object()}}}}};
  EXPECT_EQ(Rendered(*tmpl, context, MissingVariables::kLenient), "Hi , order  A .");
  EXPECT_EQ(tmpl->Render(context, MissingVariables::kStrict).status().message(), "name");
}

TEST(TemplateTest, ListsTheVariablesAsWritten) {
  auto tmpl =
      MustCompile("{{a}} {{{b.c}}} {{#list}}{{.}}{{d}}{{a}}{{/list}}{{^e}}{{& f }}{{/e}}{{>p}}{{! g }}",
                  Escape::kHtml, {{"p", "{{h.i}} {{a}}"}});
  EXPECT_THAT(tmpl->variables(), ElementsAre("a", "b.c", "d", "f", "h.i"));
}

TEST(TemplateTest, BadTemplatesSayWhatAndWhere) {
  auto expect_invalid = [](std::string_view source, std::string_view what, std::string_view where) {
    Status status = CompileStatus(source);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << source;
    EXPECT_THAT(status.message(), HasSubstr(what)) << source;
    EXPECT_THAT(status.message(), HasSubstr(where)) << source;
  };
  expect_invalid("Hello\n  {{#items}}\n{{name}}", "unclosed section \"items\"", "line 2, column 3");
  expect_invalid("Héllo {{name", "unclosed tag", "line 1, column 7");
  expect_invalid("{{#a}}\n{{/b}}",
                 "closing tag for \"b\" at line 2, column 1 does not match the open section \"a\"",
                 "line 1, column 1");
  expect_invalid("x\n{{/a}}", "closing tag for \"a\" without an open section", "line 2, column 1");
  expect_invalid("{{= <% =}}", "bad delimiter change", "line 1, column 1");
  expect_invalid("{{=<% %>=}}\n<%={{ }} x=%>", "bad delimiter change", "line 2, column 1");
  expect_invalid("a {{}}", "empty tag", "line 1, column 3");
  expect_invalid("{{first name}}", "bad name \"first name\"", "line 1, column 1");
  expect_invalid("{{data..id}}", "bad name", "line 1, column 1");
  expect_invalid("{{<parent}}{{/parent}}", "inheritance", "line 1, column 1");
  expect_invalid("{{{name}}", "unclosed tag", "line 1, column 1");

  Status partial = CompileStatus("{{>footer}}", {{"footer", "ok\n{{#x}}"}});
  EXPECT_EQ(partial.code(), Code::kInvalidArgument);
  EXPECT_EQ(partial.message(), "partial \"footer\": unclosed section \"x\" at line 2, column 1");

  std::string deep;
  for (size_t i = 0; i <= kMaxSectionNesting; ++i) deep += "{{#a}}";
  expect_invalid(deep, "sections nested deeper than 100", "line 1, column 601");
}

TEST(TemplateTest, PartialsComeFromTheTemplateNeverFromTheData) {
  // kainjow's own context would render the data's "footer" as a template here.
  const json context = {{"footer", "{{secret}}"}, {"secret", "s3cret"}, {"name", "Ada"}};
  EXPECT_EQ(Rendered(*MustCompile("[{{>footer}}]"), context), "[]");
  EXPECT_EQ(Rendered(*MustCompile("[{{>footer}}]", Escape::kHtml, {{"footer", "Bye {{name}}"}}), context),
            "[Bye Ada]");
}

TEST(TemplateTest, StandalonePartialsAreIndented) {
  auto tmpl = MustCompile("<ul>\n  {{>item}}\n</ul>\n", Escape::kNone,
                          {{"item", "<li>{{a}}</li>\n<li>{{b}}</li>\n"}});
  EXPECT_EQ(Rendered(*tmpl, {{"a", 1}, {"b", 2}}), "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n");
}

TEST(TemplateTest, RecursionIsBounded) {
  auto forever = MustCompile("{{>self}}", Escape::kHtml, {{"self", "x{{>self}}"}});
  EXPECT_EQ(forever->Render(json::object(), MissingVariables::kLenient).status().code(),
            Code::kResourceExhausted);
  // The same context found again at every level.
  auto same_data = MustCompile("{{>node}}", Escape::kHtml, {{"node", "{{#a}}{{>node}}{{/a}}"}});
  EXPECT_EQ(same_data->Render({{"a", {{"b", 1}}}}, MissingVariables::kLenient).status().code(),
            Code::kResourceExhausted);
  // Loops within loops: the work is bounded even when nothing is printed (20^8 steps), and the output.
  std::string nested;
  for (int i = 0; i < 8; ++i) nested += "{{#l}}";
  for (int i = 0; i < 8; ++i) nested += "{{/l}}";
  json list = json::array();
  for (int i = 0; i < 20; ++i) list.push_back(i);
  EXPECT_THAT(MustCompile(nested)->Render({{"l", list}}, MissingVariables::kLenient).status().message(),
              HasSubstr("steps"));
  const json big = {{"text", std::string(1 << 20, 'x')}, {"l", list}};
  EXPECT_THAT(MustCompile("{{#l}}{{#l}}{{text}}{{/l}}{{/l}}")
                  ->Render(big, MissingVariables::kLenient)
                  .status()
                  .message(),
              HasSubstr("bytes"));
}

TEST(TemplateTest, CampaignRendersAlikeFromManyThreadsAtOnce) {
  const std::string html = testing::CampaignHtml();
  ASSERT_GE(html.size(), 19u * 1024);
  ASSERT_LE(html.size(), 21u * 1024);
  auto tmpl = MustCompile(html);
  EXPECT_EQ(tmpl->variables().size(), testing::kCampaignVariables);
  const json context = testing::CampaignContext();
  const std::string expected = Rendered(*tmpl, context);
  EXPECT_THAT(expected, HasSubstr("Hello Zoë O&#39;Brien,"));
  EXPECT_THAT(expected, HasSubstr("<td style=\"padding:8px 24px\">Wool socks &amp; liners</td>"));
  EXPECT_THAT(expected, HasSubstr("href=\"https://track.example.com/?id=A-10293&lang=en\""));
  EXPECT_THAT(expected, HasSubstr("Total: <strong>149.5 EUR</strong>"));
  EXPECT_EQ(tmpl->parsed_copies(), 1u);

  constexpr int kThreads = 8;
  constexpr int kRendersEach = 40;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRendersEach; ++i) {
        Result<std::string> out = tmpl->Render(context, MissingVariables::kStrict);
        if (!out.ok() || *out != expected) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(mismatches, ::testing::Each(0));
  // One parsed copy per render running at the same time, not one per render: nothing is parsed again.
  EXPECT_LE(tmpl->parsed_copies(), static_cast<size_t>(kThreads));
}

TEST(TemplateTest, SequentialRendersReuseOneParsedCopy) {
  auto tmpl = MustCompile(testing::CampaignHtml());
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(tmpl->Render(testing::CampaignContext(), MissingVariables::kStrict).ok());
  EXPECT_EQ(tmpl->parsed_copies(), 1u);
}

}  // namespace
}  // namespace herald::templates
