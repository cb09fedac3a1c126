#include "domains/keys.h"

#include <algorithm>

#include "base/time_format.h"
#include "dkim/key.h"

namespace herald::domains {
namespace {

bool Taken(const std::vector<core::DkimKey>& keys, std::string_view selector) {
  return std::any_of(keys.begin(), keys.end(), [&](const core::DkimKey& k) { return k.selector == selector; });
}

// "20261201", "20261201b", "20261201c", …: the first suffix free for both prefixes.
std::string FreeSuffix(const std::vector<core::DkimKey>& keys, TimePoint now) {
  const std::string day = FormatRfc3339(now).substr(0, 10);  // "2026-12-01"
  std::string base;
  for (char c : day) {
    if (c != '-') base += c;
  }
  for (char letter = 'a'; letter <= 'z'; ++letter) {
    std::string suffix = letter == 'a' ? base : base + letter;
    if (!Taken(keys, "rsa-" + suffix) && !Taken(keys, "ed-" + suffix)) return suffix;
  }
  return base + "-" + std::to_string(ToUnixMillis(now));  // 26 rotations in one day: unlikely, still unique
}

}  // namespace

Result<std::vector<core::DkimKey>> NewDkimKeys(const SecretBox& secrets, const std::vector<core::DkimKey>& existing,
                                               TimePoint now, core::DkimKeyState state) {
  const std::string suffix = FreeSuffix(existing, now);
  std::vector<core::DkimKey> keys;
  for (const auto& [algorithm, prefix] : {std::pair{dkim::Algorithm::kRsaSha256, "rsa-"},
                                          std::pair{dkim::Algorithm::kEd25519Sha256, "ed-"}}) {
    Result<dkim::GeneratedKey> generated = dkim::GenerateKey(algorithm);
    if (!generated.ok()) return Status::Internal("cannot generate a DKIM key: " + generated.status().message());
    keys.push_back({prefix + suffix, std::string(dkim::ToString(algorithm)), generated->public_key,
                    secrets.Seal(generated->private_key_pem), state, now});
  }
  return keys;
}

}  // namespace herald::domains
