#include "tracking/reader.h"

#include <gtest/gtest.h>

namespace herald::tracking {
namespace {

TEST(RecordedAddress, AsThePolicySays) {
  EXPECT_EQ(RecordedAddress("192.0.2.77", AddressPolicy::kAnonymized), "192.0.2.0");
  EXPECT_EQ(RecordedAddress("::ffff:192.0.2.77", AddressPolicy::kAnonymized), "192.0.2.0");
  EXPECT_EQ(RecordedAddress("2001:db8:1234:5678::9", AddressPolicy::kAnonymized), "2001:db8:1234::");
  EXPECT_EQ(RecordedAddress("192.0.2.77", AddressPolicy::kFull), "192.0.2.77");
  EXPECT_EQ(RecordedAddress("192.0.2.77", AddressPolicy::kNone), "");
  EXPECT_EQ(RecordedAddress("not an address", AddressPolicy::kFull), "");
  EXPECT_EQ(ParseAddressPolicy("full"), AddressPolicy::kFull);
  EXPECT_EQ(ParseAddressPolicy("whatever"), AddressPolicy::kAnonymized);
}

TEST(ReaderDetails, CleansTheUserAgentAndLeavesOutWhatIsNotKept) {
  auto details = ReaderDetails("Mail\x01/1.0 " + std::string(1000, 'x'), "192.0.2.1", AddressPolicy::kNone);
  EXPECT_FALSE(details.contains("ip"));
  EXPECT_LE(details["user_agent"].get<std::string>().size(), 512u);
  EXPECT_EQ(details["user_agent"].get<std::string>().find('\x01'), std::string::npos);
  EXPECT_EQ(ReaderDetails("", "", AddressPolicy::kFull), nlohmann::json::object());
}

}  // namespace
}  // namespace herald::tracking
