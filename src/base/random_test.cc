#include "base/random.h"

#include <gtest/gtest.h>

#include <set>

#include "base/digest.h"
#include "base/printable.h"

namespace herald {
namespace {

TEST(Ids, AreUniqueAndSortByCreationTime) {
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId("msg", FromUnixMillis(1'700'000'000'000 + i));
    ASSERT_EQ(id.size(), 4u + 26u);
    ASSERT_EQ(id.substr(0, 4), "msg_");
    EXPECT_GT(id, previous);
    EXPECT_TRUE(seen.insert(id).second);
    previous = id;
  }
}

TEST(Secrets, CarryTheirPrefixAnd256Bits) {
  std::string a = NewSecret("hk_");
  EXPECT_EQ(a.size(), 3u + 52u);
  EXPECT_NE(a, NewSecret("hk_"));
}

TEST(Digest, Sha256KnownAnswer) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(Printable, CleansControlsAndBadUtf8AndCuts) {
  EXPECT_EQ(Printable("ok\r\nnext\x01"), "ok??next?");
  EXPECT_EQ(Printable("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(Printable("\xff\xfe"), "??");
  EXPECT_EQ(Printable("abcdef", 5), "ab\xe2\x80\xa6");
  EXPECT_EQ(Printable("caf\xc3\xa9s!", 6), "caf\xe2\x80\xa6");
  EXPECT_EQ(Printable("ab\xc3\xa9\xc3\xa9", 5), "ab\xe2\x80\xa6");  // never half a character
  EXPECT_EQ(Printable("abcdef", 6), "abcdef");
}

}  // namespace
}  // namespace herald
