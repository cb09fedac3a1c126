// Signing webhook deliveries: the receiver checks that a POST came from Herald, unchanged, recently.
//
//   Herald-Signature: t=<unix seconds>,v1=<lowercase hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>
//
// The key is the secret's text as the account has it (its bytes, prefix included). `t` is the time of
// the attempt, so each retry has a fresh signature over the same body; a receiver compares v1 in
// constant time and refuses a t too far from its own clock (replays).
//
// Secrets: generated ones are "whsec_" and 256 random bits in base32; one an account chooses must be
// 24..256 bytes of printable ASCII without spaces.
//
// Thread-safety: pure functions (NewWebhookSecret draws from the system's random source).
// Untrusted input: CheckWebhookSecret reads a caller's text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::webhooks {

inline constexpr std::string_view kSignatureHeader = "Herald-Signature";
inline constexpr size_t kMinSecretBytes = 24;
inline constexpr size_t kMaxSecretBytes = 256;

std::string HmacSha256Hex(std::string_view key, std::string_view data);

// "t=1700000000,v1=5f0c…".
std::string SignatureValue(std::string_view secret, int64_t unix_seconds, std::string_view body);

std::string NewWebhookSecret();

// Why `secret` cannot be a webhook's secret; nullopt when it can.
std::optional<std::string> CheckWebhookSecret(std::string_view secret);

}  // namespace herald::webhooks
