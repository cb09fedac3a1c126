#include "webhooks/signature.h"

#include <gtest/gtest.h>

namespace herald::webhooks {
namespace {

TEST(Signature, HmacSha256MatchesTheKnownAnswer) {
  // RFC 4231-style check against a value computed independently (Python's hmac module).
  EXPECT_EQ(HmacSha256Hex("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST(Signature, SignsTheTimeAndTheBody) {
  EXPECT_EQ(SignatureValue("whsec_0123456789abcdefghijklmnop", 1700000000, R"({"type":"delivered"})"),
            "t=1700000000,v1=22caf66db789480bacb6d0d748a0e5164d8a349857328d544b165a2e70ad7cb0");
  EXPECT_NE(SignatureValue("whsec_0123456789abcdefghijklmnop", 1700000001, R"({"type":"delivered"})"),
            SignatureValue("whsec_0123456789abcdefghijklmnop", 1700000000, R"({"type":"delivered"})"));
}

TEST(Signature, GeneratedSecretsAreLongUniqueAndAcceptable) {
  const std::string a = NewWebhookSecret(), b = NewWebhookSecret();
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("whsec_"));
  EXPECT_EQ(a.size(), 6u + 52u);
  EXPECT_EQ(CheckWebhookSecret(a), std::nullopt);
}

TEST(Signature, ChosenSecretsAreCheckedForLengthAndCharacters) {
  EXPECT_EQ(CheckWebhookSecret(std::string(24, 'x')), std::nullopt);
  EXPECT_EQ(CheckWebhookSecret(std::string(256, 'x')), std::nullopt);
  EXPECT_NE(CheckWebhookSecret(std::string(23, 'x')), std::nullopt);
  EXPECT_NE(CheckWebhookSecret(std::string(257, 'x')), std::nullopt);
  EXPECT_NE(CheckWebhookSecret("a secret with spaces in it!"), std::nullopt);
  EXPECT_NE(CheckWebhookSecret("abcdefghijklmnopqrstuvwxyz\n"), std::nullopt);
  EXPECT_NE(CheckWebhookSecret("abcdefghijklmnopqrstuvwxyz\xc3\xa9"), std::nullopt);
}

}  // namespace
}  // namespace herald::webhooks
