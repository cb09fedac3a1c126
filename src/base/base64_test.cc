#include "base/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace herald {
namespace {

TEST(Base64Test, RoundTripsAndRefusesWhatIsNotCanonical) {
  for (std::string_view bytes : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto decoded = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(decoded.ok()) << bytes;
    EXPECT_EQ(*decoded, bytes);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(*Base64Decode("Zm8="), "fo");
  for (std::string_view bad : {"Zm8", "Zm=8", "Z m8=", "Zm9=", "Zm8=\n", "====", "Zg==Zg=="}) {
    EXPECT_EQ(Base64Decode(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(Base64Test, TheCheckAgreesWithTheDecoderOnEveryByteAtEveryPlace) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) bytes += static_cast<char>(i * 7919 >> 3);
  for (size_t size : {0, 1, 2, 3, 47, 48, 49, 100, 200, 300}) {
    const std::string text = Base64Encode(std::string_view(bytes).substr(0, size));
    ASSERT_TRUE(IsCanonicalBase64(text)) << size;
    EXPECT_EQ(Base64DecodedSize(text), size);
    // Every byte value in every position (within the vector blocks, the tail, the padded group).
    for (size_t at = 0; at < text.size(); at += (at < 8 || at + 8 > text.size()) ? 1 : 13) {
      for (int value = 0; value < 256; value += (at % 2) ? 1 : 5) {
        std::string changed = text;
        changed[at] = static_cast<char>(value);
        EXPECT_EQ(IsCanonicalBase64(changed), Base64Decode(changed).ok()) << size << " at " << at << " " << value;
      }
    }
  }
  EXPECT_FALSE(IsCanonicalBase64("Zm8"));
  EXPECT_FALSE(IsCanonicalBase64("Zm9="));  // a padding bit set
  EXPECT_FALSE(IsCanonicalBase64(std::string(128, 'A') + " AAA"));
}

TEST(Base64Test, CanonicalBase64IsMadeOnlyOfCanonicalText) {
  EXPECT_EQ(CanonicalBase64::Check("Zm8=")->text(), "Zm8=");
  EXPECT_EQ(CanonicalBase64::Check("Zm8=")->decoded_size(), 2u);
  EXPECT_EQ(CanonicalBase64::Check("")->text(), "");
  for (std::string bad : {"Zm8", "Zm9=", "Zm8=\r\n", "eA="}) EXPECT_FALSE(CanonicalBase64::Check(bad)) << bad;
  EXPECT_EQ(CanonicalBase64::Encode("foobar").text(), "Zm9vYmFy");
  EXPECT_EQ(CanonicalBase64().text(), "");
}

}  // namespace
}  // namespace herald
