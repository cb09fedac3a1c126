#include "dns/idna.h"

#include <gtest/gtest.h>

namespace herald::dns {
namespace {

TEST(Idna, UnicodeLabelsBecomeALabels) {
  EXPECT_EQ(*ToAsciiDomain("bücher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(*ToAsciiDomain("Bücher.Example"), "xn--bcher-kva.example") << "UTS #46 maps case";
  EXPECT_EQ(*ToAsciiDomain("例え.テスト"), "xn--r8jz45g.xn--zckzah");
}

TEST(Idna, AsciiNamesAreOnlyLowercased) {
  EXPECT_EQ(*ToAsciiDomain("Shop.Example"), "shop.example");
  EXPECT_EQ(*ToAsciiDomain("xn--bcher-kva.example"), "xn--bcher-kva.example");
}

TEST(Idna, RefusesWhatIsNotADomainName) {
  EXPECT_EQ(ToAsciiDomain("\xff\xfe.example").status().code(), Code::kInvalidArgument) << "bad UTF-8";
  EXPECT_EQ(ToAsciiDomain("a\u2028b.example").status().code(), Code::kInvalidArgument) << "a disallowed code point";
  EXPECT_EQ(ToAsciiDomain(std::string("b\xc3\xbc\0x.example", 12)).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace herald::dns
