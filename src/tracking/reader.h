// What an opened or clicked event keeps of its reader (DESIGN §5: data kept only as configured):
// the user agent, cut, and the address as tracking.record_ip says.
//
// Thread-safety: pure functions. Untrusted input: both come from any web client.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace herald::tracking {

enum class AddressPolicy { kNone, kAnonymized, kFull };

// "none", "anonymized", "full"; anonymized for anything else.
AddressPolicy ParseAddressPolicy(std::string_view text);

// The address to keep: empty (kNone or unreadable), the IPv4 address with its last octet zeroed or the
// IPv6 address with its last 80 bits zeroed (kAnonymized), or as given (kFull).
std::string RecordedAddress(std::string_view address, AddressPolicy policy);

// {"user_agent", "ip"} for an event's details, the user agent cleaned and cut to 512 bytes; members
// without a value are left out.
nlohmann::json ReaderDetails(std::string_view user_agent, std::string_view address, AddressPolicy policy);

}  // namespace herald::tracking
