#include "tracking/reader.h"

#include <boost/asio/ip/address.hpp>

#include "base/printable.h"

namespace herald::tracking {

AddressPolicy ParseAddressPolicy(std::string_view text) {
  if (text == "none") return AddressPolicy::kNone;
  if (text == "full") return AddressPolicy::kFull;
  return AddressPolicy::kAnonymized;
}

std::string RecordedAddress(std::string_view text, AddressPolicy policy) {
  if (policy == AddressPolicy::kNone) return "";
  boost::system::error_code ec;
  boost::asio::ip::address address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return "";
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  if (policy == AddressPolicy::kFull) return address.to_string();
  if (address.is_v4()) {
    auto bytes = address.to_v4().to_bytes();
    bytes[3] = 0;
    return boost::asio::ip::address_v4(bytes).to_string();
  }
  auto bytes = address.to_v6().to_bytes();
  for (size_t i = 6; i < bytes.size(); ++i) bytes[i] = 0;  // keep the /48
  return boost::asio::ip::address_v6(bytes).to_string();
}

nlohmann::json ReaderDetails(std::string_view user_agent, std::string_view address, AddressPolicy policy) {
  nlohmann::json details = nlohmann::json::object();
  if (!user_agent.empty()) details["user_agent"] = Printable(user_agent, 512);
  if (std::string kept = RecordedAddress(address, policy); !kept.empty()) details["ip"] = kept;
  return details;
}

}  // namespace herald::tracking
