// Unpredictable bytes and the identifiers and secrets made from them.
//
// Ids are "<prefix>_<26 chars>": 48 bits of milliseconds then 80 random bits in Crockford base32,
// so they sort by creation time (good index locality, cursor = last id) yet cannot be guessed.
// Secrets (API keys, passwords) are 32 random bytes in base32 behind a readable prefix.
//
// Thread-safety: all functions are safe to call from any thread (OpenSSL's RAND_bytes, small requests
// through a per-thread pool that a fork discards).
#pragma once

#include <string>
#include <string_view>

#include "base/clock.h"

namespace herald {

// Fills `out` with cryptographically strong random bytes; aborts if the system cannot provide them.
void RandomBytes(void* out, size_t size);

// A time-ordered unique id such as "msg_01JDZ4N7R8XG4W5V3K2P9QH6TB".
std::string NewId(std::string_view prefix, TimePoint now);

// A secret such as "hk_live_<52 base32 chars>": `prefix` + 256 random bits.
std::string NewSecret(std::string_view prefix);

// Lowercase Crockford base32 of `bytes` (no padding).
std::string Base32(std::string_view bytes);

}  // namespace herald
