#include "mime/wire_format.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::mime {
namespace {

TEST(ToWireTest, TurnsLfIntoCrlf) {
  Result<std::string> wire = ToWire("A: b\n\nbody\n", false);
  ASSERT_TRUE(wire.ok()) << wire.status().ToString();
  EXPECT_EQ(*wire, "A: b\r\n\r\nbody\r\n");
  EXPECT_EQ(*ToWire("", false), "");
  EXPECT_TRUE(ToWire("A: b\n\n" + std::string(998, 'x') + "\n", false).ok());
  EXPECT_EQ(*ToWire("To: j\xc3\xa4ne@x.example\n\nbody\n", true),
            "To: j\xc3\xa4ne@x.example\r\n\r\nbody\r\n");
}

TEST(ToWireTest, RefusesWhatSmtpCannotCarry) {
  EXPECT_EQ(ToWire("A: b\n\nbo\rdy\n", false).status().code(), Code::kInternal);
  EXPECT_EQ(ToWire("A: b\r\n\nbody\n", false).status().code(), Code::kInternal);
  EXPECT_EQ(ToWire("A: b\n\nbody", false).status().code(), Code::kInternal);
  EXPECT_EQ(ToWire("A: b\n\n" + std::string(999, 'x') + "\n", false).status().code(), Code::kInternal);
  EXPECT_EQ(ToWire(std::string("A: b\n\nb\0dy\n", 11), false).status().code(), Code::kInternal);
  EXPECT_EQ(ToWire("To: j\xc3\xa4ne@x.example\n\nbody\n", false).status().code(), Code::kInternal);
  // UTF-8 headers never excuse an 8-bit body.
  EXPECT_EQ(ToWire("A: b\n\nb\xc3\xa4\n", true).status().code(), Code::kInternal);
  // Found at any offset, also by the eight-bytes-at-a-time scan.
  for (size_t offset = 0; offset < 16; ++offset) {
    std::string line = std::string(offset, 'x') + "\x80" + std::string(10, 'y');
    EXPECT_EQ(ToWire("A: b\n\n" + line + "\n", false).status().code(), Code::kInternal) << offset;
  }
  EXPECT_NE(ToWire("A: b\n\nb\rdy\n", false).status().message().find("line 3"), std::string::npos);
}

}  // namespace
}  // namespace herald::mime
