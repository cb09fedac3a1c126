#include "templates/html_to_text.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::templates {
namespace {

TEST(HtmlToTextTest, OrderConfirmationWithATable) {
  const std::string html = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Your order</title>
<style>td { padding: 4px } .hide { display: none }</style></head>
<body>
<div style="display:none;max-height:0">Your order A-1029 is confirmed&nbsp;&zwnj;&nbsp;&zwnj;</div>
<table width="100%" role="presentation"><tr><td align="center">
  <img src="https://shop.example/logo.png" alt="Example Shop" width="120">
</td></tr></table>
<h1>Thank you, Zo&euml;!</h1>
<p>We have received your order <strong>A-1029</strong>
   of 1&nbsp;December&nbsp;2026.</p>
<table>
  <tr><th>Item</th><th>Qty</th><th>Price</th></tr>
  <tr><td>Rain jacket &lt;XL&gt;</td><td>1</td><td>&euro;99.00</td></tr>
  <tr><td>Wool socks &amp; liners</td><td>2</td><td>&#8364;25.50</td></tr>
  <tr><td colspan="2"><b>Total</b></td><td><b>&euro;124.50</b></td></tr>
</table>
<p>Questions? Write to <a href="mailto:help@shop.example">help@shop.example</a>
or see <a href="https://shop.example/help?topic=orders&amp;lang=en">our help pages</a>.</p>
<script>trackOpen("A-1029");</script>
<!--[if mso]><p>Outlook only</p><![endif]-->
<p style="font-size:11px">&copy; 2026 Example Shop &middot; Rue de la Loi 16 &middot; Bruxelles</p>
</body></html>
)";
  EXPECT_EQ(HtmlToText(html),
            "Example Shop\n"
            "\n"
            "Thank you, Zoë!\n"
            "\n"
            "We have received your order A-1029 of 1 December 2026.\n"
            "\n"
            "Item Qty Price\n"
            "Rain jacket <XL> 1 €99.00\n"
            "Wool socks & liners 2 €25.50\n"
            "Total €124.50\n"
            "\n"
            "Questions? Write to help@shop.example or see our help pages\n"
            "(https://shop.example/help?topic=orders&lang=en).\n"
            "\n"
            "© 2026 Example Shop · Rue de la Loi 16 · Bruxelles\n");
}

TEST(HtmlToTextTest, PasswordResetWithAButtonLink) {
  const std::string html = R"(<html><body>
<p>Hi Ada,</p>
<p>Someone asked to reset the password of your account. If it was you, use the button below within the next 30 minutes; otherwise ignore this e-mail.</p>
<table role="presentation"><tr><td style="border-radius:4px;background:#0a66c2">
  <a href="https://app.example.com/reset?token=Zx8q&amp;uid=42" style="color:#fff;padding:12px 24px;display:inline-block">Reset my password</a>
</td></tr></table>
<p>Or paste this link into your browser:<br>
<a href="https://app.example.com/reset?token=Zx8q&amp;uid=42">https://app.example.com/reset?token=Zx8q&amp;uid=42</a></p>
<hr>
<p><a href="#top">Back to top</a> &mdash; <a href="https://app.example.com"><img src="logo.png" alt=""></a></p>
</body></html>)";
  EXPECT_EQ(HtmlToText(html),
            "Hi Ada,\n"
            "\n"
            "Someone asked to reset the password of your account. If it was you, use the\n"
            "button below within the next 30 minutes; otherwise ignore this e-mail.\n"
            "\n"
            "Reset my password (https://app.example.com/reset?token=Zx8q&uid=42)\n"
            "\n"
            "Or paste this link into your browser:\n"
            "https://app.example.com/reset?token=Zx8q&uid=42\n"
            "\n"
            "Back to top — https://app.example.com\n");
}

TEST(HtmlToTextTest, NestedLists) {
  const std::string html =
      "<p>Your plan includes:</p><ul>\n"
      "  <li>Unlimited projects</li>\n"
      "  <li>Support<ul><li>e-mail, answered within one working day, in English, French, German or Dutch, "
      "whichever you prefer</li><li>phone</li></ul></li>\n"
      "  <li>Backups\n"
      "</ul>\n"
      "<ol><li>Sign in</li><li>Open <em>Settings</em><ol><li>Billing</li></ol></li><li>Done</li></ol>\n"
      "<p>Enjoy!</p>";
  EXPECT_EQ(HtmlToText(html),
            "Your plan includes:\n"
            "\n"
            "- Unlimited projects\n"
            "- Support\n"
            "  - e-mail, answered within one working day, in English, French, German or\n"
            "    Dutch, whichever you prefer\n"
            "  - phone\n"
            "- Backups\n"
            "\n"
            "1. Sign in\n"
            "2. Open Settings\n"
            "   1. Billing\n"
            "3. Done\n"
            "\n"
            "Enjoy!\n");
}

TEST(HtmlToTextTest, DecodesEntities) {
  EXPECT_EQ(
      HtmlToText("&lt;b&gt; &amp;amp; &quot;q&quot; &apos;a&#39; caf&eacute; &#xE9;&#233; &#x1F600; &euro;"),
      "<b> &amp; \"q\" 'a' café éé 😀 €\n");
  // Without ';' where HTML5 allows it, Windows-1252 numbers, and what is no reference at all.
  EXPECT_EQ(HtmlToText("&copy 2026 &amp more &#146;s &#0; &#xD800; &#99999999; &unknown; & x &;"),
            "© 2026 & more ’s \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD &unknown; & x &;\n");
  EXPECT_EQ(HtmlToText("&euro 5"), "&euro 5\n");  // not a legacy name: needs its ';'
}

TEST(HtmlToTextTest, StylesThatHideHideHoweverWritten) {
  for (const char* style : {"display:none", "color: red; DISPLAY : None ;", "mso-hide:all", "Mso-Hide: ALL",
                            "display:&#110;one", "dis play:no ne", "max-height:0;display:none!important"}) {
    EXPECT_EQ(HtmlToText(std::string("<p>shown</p><div style=\"") + style + "\">hidden</div>"), "shown\n")
        << style;
  }
  for (const char* style : {"display:block", "display:inline;color:none", "none:display", "mso-hide:some",
                            "display", ":none", "display:", "padding:0"}) {
    EXPECT_EQ(HtmlToText(std::string("<p>shown</p><div style=\"") + style + "\">also</div>"),
              "shown\n\nalso\n")
        << style;
  }
}

TEST(HtmlToTextTest, MalformedHtmlGivesBestEffortText) {
  EXPECT_EQ(HtmlToText("<p>unclosed <b>bold <i>italic"), "unclosed bold italic\n");
  EXPECT_EQ(HtmlToText("a < b and c<d> and 1 <2"), "a < b and c and 1 <2\n");
  EXPECT_EQ(HtmlToText("<a href=\"https://x.example/\">link</a"), "link (https://x.example/)\n");
  EXPECT_EQ(HtmlToText("text <a href=\"https://x.example/>unclosed quote</a> after"),
            "text unclosed quote (https://x.example/) after\n");
  EXPECT_EQ(HtmlToText("before<!-- unclosed comment <p>hidden"), "before\n");
  EXPECT_EQ(HtmlToText("<script>if (a < b) { x = '</p>'; }"), "");
  EXPECT_EQ(HtmlToText("<head><title>t</title><p>no body tag</p>"), "no body tag\n");
  EXPECT_EQ(HtmlToText("</div></ul></li>text</a>"), "text\n");
  EXPECT_EQ(HtmlToText(""), "");
  EXPECT_EQ(HtmlToText("<<<>>>"), "<<<>>>\n");
  EXPECT_EQ(HtmlToText("<div"), "");
  EXPECT_EQ(HtmlToText("x<img alt=\"unterminated"), "x unterminated\n");
}

TEST(HtmlToTextTest, CollapsesWhitespaceAndEmptyLines) {
  EXPECT_EQ(HtmlToText("  <p>  a \n\t b  </p>\n\n<p></p><div><br><br><br></div><p>c</p>  "), "a b\n\nc\n");
  EXPECT_EQ(HtmlToText("line one<br>line two<br><br>after a gap"), "line one\nline two\n\nafter a gap\n");
}

TEST(HtmlToTextTest, WrapsAtWordsAndLeavesLongWordsWhole) {
  const std::string url = "https://example.com/" + std::string(90, 'x');
  EXPECT_EQ(HtmlToText("see " + url + " now"), "see\n" + url + "\nnow\n");
  // Width counts characters, not bytes.
  std::string words;
  for (int i = 0; i < 19; ++i) words += "été ";
  words.pop_back();  // 75 characters, 113 bytes
  EXPECT_EQ(HtmlToText(words), words + "\n");
  EXPECT_EQ(HtmlToText(words + " ok"), words + "\nok\n");
}

}  // namespace
}  // namespace herald::templates
