// Cryptographic digests (OpenSSL): how secrets are stored without being kept.
//
// API keys and generated passwords carry 256 random bits, so a single SHA-256 is a sound way to
// store them (no dictionary to attack; a slow KDF would only slow every request).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace herald {

// SHA-256 of `data`: 32 bytes.
std::string Sha256(std::string_view data);

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Compares two strings in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace herald
