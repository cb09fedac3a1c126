#include "core/verp.h"

#include <gtest/gtest.h>

#include "base/random.h"

namespace herald::core {
namespace {

TEST(Verp, RoundTripsANewMessageId) {
  const std::string id = NewId("msg", std::chrono::system_clock::now());
  std::optional<std::string> address = VerpAddress(id, "rp.example.com");
  ASSERT_TRUE(address.has_value()) << id;
  EXPECT_TRUE(address->starts_with("bounces+"));
  EXPECT_TRUE(address->ends_with("@rp.example.com"));
  EXPECT_EQ(*address, [&] {
    std::string lower = *address;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
  }());
  EXPECT_EQ(ParseVerpAddress(*address, "rp.example.com"), id);
}

TEST(Verp, ReadsBackWhateverTheCase) {
  EXPECT_EQ(VerpAddress("msg_01jdz4n7r8xg4w5v3k2p9qh6tb", "rp.example"),
            "bounces+01jdz4n7r8xg4w5v3k2p9qh6tb@rp.example");
  EXPECT_EQ(ParseVerpAddress("BOUNCES+01JDZ4N7R8XG4W5V3K2P9QH6TB@RP.Example", "rp.example"),
            "msg_01jdz4n7r8xg4w5v3k2p9qh6tb");
}

TEST(Verp, RefusesWhatIsNotOne) {
  EXPECT_EQ(VerpAddress("acct_01jdz4n7r8xg4w5v3k2p9qh6tb", "rp.example"), std::nullopt);
  EXPECT_EQ(VerpAddress("msg_short", "rp.example"), std::nullopt);
  const char* domain = "rp.example";
  for (const char* bad : {"bounces+01jdz4n7r8xg4w5v3k2p9qh6tb@other.example",   // another domain
                          "bounces-01jdz4n7r8xg4w5v3k2p9qh6tb@rp.example",      // another prefix
                          "bounces+01jdz4n7r8xg4w5v3k2p9qh6t@rp.example",       // 25 characters
                          "bounces+01jdz4n7r8xg4w5v3k2p9qh6tbb@rp.example",     // 27 characters
                          "bounces+01jdz4n7r8xg4w5v3k2p9qh6tu@rp.example",      // u is not base32
                          "bounces+@rp.example", "rp.example", "", "@rp.example"}) {
    EXPECT_EQ(ParseVerpAddress(bad, domain), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace herald::core
