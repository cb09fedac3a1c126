#include "delivery/tls_policy.h"

#include <algorithm>

namespace herald::delivery {
namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

}  // namespace

TlsPolicy::TlsPolicy(std::vector<std::string> required_patterns) {
  for (const std::string& pattern : required_patterns) {
    if (pattern.starts_with("*.")) {
      suffixes_.push_back(Lower(pattern.substr(1)));
    } else {
      exact_.push_back(Lower(pattern));
    }
  }
}

bool TlsPolicy::RequiresTls(std::string_view domain) const {
  const std::string name = Lower(domain);
  if (std::find(exact_.begin(), exact_.end(), name) != exact_.end()) return true;
  return std::any_of(suffixes_.begin(), suffixes_.end(),
                     [&](const std::string& suffix) { return name.size() > suffix.size() && name.ends_with(suffix); });
}

}  // namespace herald::delivery
