#include "mime/wire_format.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::mime {
namespace {

TEST(CheckWireFormatTest, AcceptsCleanMessages) {
  EXPECT_TRUE(CheckWireFormat("A: b\r\n\r\nbody\r\n", false).ok());
  EXPECT_TRUE(CheckWireFormat("A: b\r\n\r\n" + std::string(998, 'x') + "\r\n", false).ok());
  EXPECT_TRUE(CheckWireFormat("To: j\xc3\xa4ne@x.example\r\n\r\nbody\r\n", true).ok());
}

TEST(CheckWireFormatTest, RefusesWhatSmtpCannotCarry) {
  EXPECT_EQ(CheckWireFormat("A: b\n\r\nbody\r\n", false).code(), Code::kInternal);
  EXPECT_EQ(CheckWireFormat("A: b\r\n\r\nbo\rdy\r\n", false).code(), Code::kInternal);
  EXPECT_EQ(CheckWireFormat("A: b\r\n\r\nbody", false).code(), Code::kInternal);
  EXPECT_EQ(CheckWireFormat("A: b\r\n\r\n" + std::string(999, 'x') + "\r\n", false).code(), Code::kInternal);
  EXPECT_EQ(CheckWireFormat(std::string("A: b\r\n\r\nb\0dy\r\n", 14), false).code(), Code::kInternal);
  EXPECT_EQ(CheckWireFormat("To: j\xc3\xa4ne@x.example\r\n\r\nbody\r\n", false).code(), Code::kInternal);
  // UTF-8 headers never excuse an 8-bit body.
  EXPECT_EQ(CheckWireFormat("A: b\r\n\r\nb\xc3\xa4\r\n", true).code(), Code::kInternal);
}

}  // namespace
}  // namespace herald::mime
