#include "smtp/sasl.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::smtp {
namespace {

TEST(Sasl, DecodesStrictBase64) {
  EXPECT_EQ(DecodeBase64(""), "");
  EXPECT_EQ(DecodeBase64("Zg=="), "f");
  EXPECT_EQ(DecodeBase64("Zm8="), "fo");
  EXPECT_EQ(DecodeBase64("Zm9v"), "foo");
  EXPECT_EQ(DecodeBase64("Zm9vYmFy"), "foobar");
  EXPECT_EQ(DecodeBase64("AGphbmUAc2VjcmV0"), std::string("\0jane\0secret", 12));
  EXPECT_EQ(DecodeBase64("+/+/"), "\xfb\xff\xbf");
  for (std::string bad : {"Zg", "Zg=", "Z===", "====", "Zm9v\r\n", " Zm9v", "Zm9v YmFy", "Zg==Zg==", "Zm=v",
                          "Zm9-", "Zm9_", "*"}) {
    EXPECT_FALSE(DecodeBase64(bad).has_value()) << bad;
  }
}

TEST(Sasl, PlainResponse) {
  std::optional<PlainResponse> plain = ParsePlainResponse(std::string("\0jane\0secret", 12));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->authzid, "");
  EXPECT_EQ(plain->authcid, "jane");
  EXPECT_EQ(plain->password, "secret");
  plain = ParsePlainResponse(std::string("admin\0jane\0pass word", 20));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->authzid, "admin");
  EXPECT_EQ(plain->password, "pass word");
  for (std::string bad :
       {std::string("janesecret"), std::string("\0janesecret", 11), std::string("\0\0secret", 8),
        std::string("\0jane\0", 6), std::string("\0jane\0se\0cret", 13)}) {
    EXPECT_FALSE(ParsePlainResponse(bad).has_value()) << testing::PrintToString(bad);
  }
}

TEST(Sasl, WipeEmpties) {
  std::string secret = "hunter2";
  Wipe(secret);
  EXPECT_TRUE(secret.empty());
}

}  // namespace
}  // namespace herald::smtp
