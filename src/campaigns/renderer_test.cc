#include "campaigns/renderer.h"

#include <gtest/gtest.h>

namespace herald::campaigns {
namespace {

using nlohmann::json;

const TimePoint kNow = FromUnixMillis(1'780'000'000'000);

core::Campaign Campaign(int version = 1) {
  core::Campaign c;
  c.id = "cmp_1";
  c.key = "order";
  c.version = version;
  c.content.from = "{{data.shop}} <orders@shop.example>";
  c.content.subject = "Order {{data.order.id}} & more";
  c.content.html = "<p>Hi {{profile.firstName}}: {{data.note}}</p>";
  return c;
}

TEST(CampaignRenderer, RendersEachPartWithItsEscaping) {
  CampaignRenderer renderer;
  auto rendered = renderer.Render(Campaign(), {{"firstName", "Zoë"}},
                                  {{"order", {{"id", "A<1>"}}}, {"note", "<b>bold</b>"}, {"shop", "R&D"}}, "msg_1", kNow);
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  EXPECT_EQ(rendered->from, "R&D <orders@shop.example>");       // not HTML: not escaped
  EXPECT_EQ(rendered->subject, "Order A<1> & more");
  EXPECT_EQ(rendered->html, "<p>Hi Zoë: &lt;b&gt;bold&lt;/b&gt;</p>");
  EXPECT_EQ(rendered->text, "Hi Zoë: <b>bold</b>\n");  // derived from the rendered HTML
  EXPECT_TRUE(rendered->reply_to.empty());
}

TEST(CampaignRenderer, StrictNamesTheMissingVariableLenientRendersEmpty) {
  CampaignRenderer renderer;
  auto strict = renderer.Render(Campaign(), json::object(), {{"shop", "S"}}, "msg_1", kNow);
  EXPECT_EQ(strict.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(strict.status().message(), "data.order.id");
  core::Campaign lenient = Campaign(2);
  lenient.content.missing_variables = core::MissingVariablePolicy::kLenient;
  auto rendered = renderer.Render(lenient, json::object(), {{"shop", "S"}}, "msg_1", kNow);
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(rendered->subject, "Order  & more");
}

TEST(CampaignRenderer, CompilesEachVersionOnceAndBoundsTheCache) {
  CampaignRenderer renderer(2);
  const json profile = {{"firstName", "A"}};
  const json data = {{"shop", "S"}, {"order", {{"id", 1}}}, {"note", "n"}};
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(renderer.Render(Campaign(1), profile, data, "m", kNow).ok());
  EXPECT_EQ(renderer.cached_versions(), 1u);
  for (int version = 2; version <= 4; ++version) ASSERT_TRUE(renderer.Render(Campaign(version), profile, data, "m", kNow).ok());
  EXPECT_EQ(renderer.cached_versions(), 2u);
}

TEST(CheckContent, NamesThePartThatDoesNotCompile) {
  core::CampaignContent content = Campaign().content;
  EXPECT_TRUE(CheckContent(content).ok());
  content.text = "{{#open}} never closed";
  Status checked = CheckContent(content);
  EXPECT_EQ(checked.code(), Code::kInvalidArgument);
  EXPECT_TRUE(checked.message().starts_with("text: ")) << checked.message();
}

}  // namespace
}  // namespace herald::campaigns
