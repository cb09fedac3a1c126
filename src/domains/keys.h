// New DKIM keys for a sending domain (DESIGN §5): one RSA-2048 and one Ed25519 key (RFC 8463), each
// with its own selector, the private keys sealed by the data directory's SecretBox before anything
// stores them.
//
// Selectors name the algorithm and the day: "rsa-20261201", "ed-20261201"; a second pair made the
// same day (a rotation) gets "rsa-20261201b", and so on, so a selector is never reused by a domain.
//
// Thread-safety: pure but for the randomness of key generation; safe to call from any thread.
#pragma once

#include <vector>

#include "base/clock.h"
#include "base/secret_box.h"
#include "base/status.h"
#include "core/sending_domain.h"

namespace herald::domains {

// A new pair in `state`, with selectors not used by `existing`. Internal on a key-generation failure.
Result<std::vector<core::DkimKey>> NewDkimKeys(const SecretBox& secrets, const std::vector<core::DkimKey>& existing,
                                               TimePoint now, core::DkimKeyState state);

}  // namespace herald::domains
