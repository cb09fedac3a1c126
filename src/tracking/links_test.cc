#include "tracking/links.h"

#include <gtest/gtest.h>

namespace herald::tracking {
namespace {

std::string Tracked(std::string_view url) { return "T[" + std::string(url) + "]"; }

TEST(RewriteLinks, HttpLinksOfAnchorsOnly) {
  EXPECT_EQ(RewriteLinks(R"(<p><a href="https://shop.example/a?x=1&amp;y=2">A</a> <A HREF='http://b.example'>B</A></p>)",
                         Tracked),
            R"(<p><a href="T[https://shop.example/a?x=1&y=2]">A</a> <A HREF='T[http://b.example]'>B</A></p>)");
  const std::string untouched =
      R"(<a href="mailto:help@shop.example">m</a><a href="#top">t</a><a href="tel:+32475">p</a>)"
      R"(<abbr href="https://x.example">x</abbr><a data-herald-notrack href="https://keep.example">k</a>)"
      R"(<img src="https://img.example/logo.png"><a name="anchor">n</a>)";
  EXPECT_EQ(RewriteLinks(untouched, Tracked), untouched);
}

TEST(RewriteLinks, OddButValidMarkup) {
  EXPECT_EQ(RewriteLinks(R"(<a class="btn" title="a > b" href=https://u.example/x>go</a>)", Tracked),
            R"(<a class="btn" title="a > b" href=T[https://u.example/x]>go</a>)");
  EXPECT_EQ(RewriteLinks(R"(<a
   href = "https://u.example" target="_blank">go</a>)", Tracked),
            R"(<a
   href = "T[https://u.example]" target="_blank">go</a>)");
  EXPECT_EQ(RewriteLinks("<a href=\"https://unterminated.example", Tracked), "<a href=\"T[https://unterminated.example]");
  EXPECT_EQ(RewriteLinks("<a", Tracked), "<a");
  EXPECT_EQ(RewriteLinks("", Tracked), "");
}

TEST(AddOpenPixel, BeforeTheBodyEndsOrAtTheEnd) {
  EXPECT_EQ(AddOpenPixel("<html><body><p>x</p></BODY></html>", "https://t.example/o/T"),
            "<html><body><p>x</p><img src=\"https://t.example/o/T\" width=\"1\" height=\"1\" alt=\"\" "
            "style=\"display:block;border:0\"></BODY></html>");
  EXPECT_EQ(AddOpenPixel("<body></body>x</Body", "u"), "<body></body>x<img src=\"u\" width=\"1\" height=\"1\" alt=\"\" "
                                                       "style=\"display:block;border:0\"></Body");
  EXPECT_EQ(AddOpenPixel("<p>x</p>", "u"), "<p>x</p><img src=\"u\" width=\"1\" height=\"1\" alt=\"\" "
                                           "style=\"display:block;border:0\">");
}

}  // namespace
}  // namespace herald::tracking
