#include "core/message_labels.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::core {
namespace {

TEST(ValidateTag, AcceptsOneTo128BytesOfPrintableUtf8) {
  EXPECT_TRUE(ValidateTag("order").ok());
  EXPECT_TRUE(ValidateTag("x").ok());
  EXPECT_TRUE(ValidateTag(std::string(kMaxTagBytes, 't')).ok());
  EXPECT_TRUE(ValidateTag("b\xc3\xa9stellung 42").ok());
}

TEST(ValidateTag, RefusesEmptyLongControlAndInvalidUtf8) {
  EXPECT_EQ(ValidateTag("").message(), "tag is empty");
  EXPECT_EQ(ValidateTag(std::string(kMaxTagBytes + 1, 't')).message(), "tag is longer than 128 bytes");
  EXPECT_EQ(ValidateTag("a\tb").message(), "tag has control characters");
  EXPECT_EQ(ValidateTag("a\nb").code(), Code::kInvalidArgument);
  EXPECT_FALSE(ValidateTag("a\x7f").ok());
  EXPECT_FALSE(ValidateTag(std::string("a\0b", 3)).ok());
  EXPECT_EQ(ValidateTag("caf\xe9").message(), "tag is not valid UTF-8");
  EXPECT_FALSE(ValidateTag("\xc0\xaf").ok());          // overlong '/'
  EXPECT_FALSE(ValidateTag("\xed\xa0\x80").ok());      // a surrogate
  EXPECT_FALSE(ValidateTag("\xf4\x90\x80\x80").ok());  // past U+10FFFF
  EXPECT_FALSE(ValidateTag("\xe2\x82").ok());          // cut short
}

TEST(ValidateMetadata, KeysFollowTheTagRulesWith64Bytes) {
  EXPECT_TRUE(ValidateMetadataKey("order_id").ok());
  EXPECT_TRUE(ValidateMetadataKey(std::string(kMaxMetadataKeyBytes, 'k')).ok());
  EXPECT_EQ(ValidateMetadataKey("").message(), "metadata key is empty");
  EXPECT_EQ(ValidateMetadataKey(std::string(kMaxMetadataKeyBytes + 1, 'k')).message(),
            "metadata key is longer than 64 bytes");
  EXPECT_EQ(ValidateMetadataKey("a\x01").message(), "metadata key has control characters");
}

TEST(ValidateMetadata, ValuesAreUpTo1024BytesOfUtf8) {
  EXPECT_TRUE(ValidateMetadataValue("").ok());
  EXPECT_TRUE(ValidateMetadataValue("line one\nline two").ok());  // any characters, as the API allows
  EXPECT_TRUE(ValidateMetadataValue(std::string(kMaxMetadataValueBytes, 'v')).ok());
  EXPECT_EQ(ValidateMetadataValue(std::string(kMaxMetadataValueBytes + 1, 'v')).message(),
            "metadata value is longer than 1024 bytes");
  EXPECT_EQ(ValidateMetadataValue("\xff").message(), "metadata value is not valid UTF-8");
}

TEST(ValidateMetadata, EntryChecksTheKeyFirst) {
  EXPECT_TRUE(ValidateMetadataEntry("order", "1001").ok());
  EXPECT_EQ(ValidateMetadataEntry("", std::string(2000, 'v')).message(), "metadata key is empty");
  EXPECT_EQ(ValidateMetadataEntry("order", std::string(2000, 'v')).message(),
            "metadata value is longer than 1024 bytes");
}

TEST(LabelLimits, AreTheDocumentedOnes) {
  EXPECT_EQ(kMaxTags, 10u);
  EXPECT_EQ(kMaxMetadataKeys, 50u);
}

}  // namespace
}  // namespace herald::core
