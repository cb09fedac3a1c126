#include "core/address.h"

#include <gtest/gtest.h>

namespace herald::core {
namespace {

TEST(ParseAddrSpec, AcceptsOrdinaryAndQuotedAndUtf8Addresses) {
  auto plain = ParseAddrSpec("jane.doe+orders@shop.example.com");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->local, "jane.doe+orders");
  EXPECT_EQ(plain->domain, "shop.example.com");
  EXPECT_FALSE(plain->needs_smtputf8);
  EXPECT_TRUE(ParseAddrSpec("\"jane doe\"@example.com").ok());
  auto utf8 = ParseAddrSpec("j\xc3\xb8rn@b\xc3\xbc" "cher.example");
  ASSERT_TRUE(utf8.ok());
  EXPECT_TRUE(utf8->needs_smtputf8);
}

TEST(ParseAddrSpec, RejectsMalformedAddresses) {
  const std::string long_local(65, 'a');
  const std::string long_label(64, 'a');
  for (const std::string& bad :
       {std::string(""), std::string("plain"), std::string("@example.com"), std::string("a@"),
        std::string("a@localhost"), std::string("a..b@example.com"), std::string(".a@example.com"),
        std::string("a b@example.com"), std::string("a@exa mple.com"), std::string("a@-example.com"),
        std::string("a@example..com"), long_local + "@example.com", "a@" + long_label + ".com",
        std::string("a\r\n@example.com"), std::string("a@example.com\r\nBcc: x@y.z"),
        std::string("\xff@example.com")}) {
    EXPECT_FALSE(ParseAddrSpec(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseAddrSpec(std::string(250, 'a') + "@example.com").ok());
}

TEST(DomainOf, TakesWhatFollowsTheLastAtLowercased) {
  EXPECT_EQ(DomainOf("Jane@Example.COM"), "example.com");
  EXPECT_EQ(DomainOf("\"a@b\"@mx.Example"), "mx.example");
  EXPECT_EQ(DomainOf("postmaster"), "");
}

TEST(DisplayName, RefusesControlCharacters) {
  EXPECT_TRUE(ValidateDisplayName("Jane Doe").ok());
  EXPECT_FALSE(ValidateDisplayName("Jane\r\nBcc: x").ok());
  EXPECT_FALSE(ValidateDisplayName(std::string(300, 'x')).ok());
}

}  // namespace
}  // namespace herald::core
