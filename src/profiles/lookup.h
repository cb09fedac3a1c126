// How a profile is found from the key a caller names it by (a path's {key}, a trigger's recipient):
// in a custom table by its key attribute; in a transactional table by emailAddress when the key is
// an e-mail address, by gsmNumber when it is an international phone number.
//
// Thread-safety: pure functions. Untrusted input: the key.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "base/status.h"
#include "core/profile.h"

namespace herald::profiles {

struct ProfileLookup {
  std::string attribute;  // the attribute the key is a value of
  nlohmann::json value;   // the key as that attribute's canonical value
  std::string text() const { return core::IndexText(value); }
};

// InvalidArgument when the key is not a value of the attribute it must be ("key: …").
Result<ProfileLookup> LookupForKey(const core::ProfileTable& table, std::string_view key);

}  // namespace herald::profiles
