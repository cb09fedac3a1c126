// Tracking tokens (DESIGN §5: "tracking links are HMAC-signed: no open redirect"): what an open pixel or
// a rewritten link carries — the message, and for a click the original URL — signed so that nobody can
// make Herald redirect elsewhere or record an event for a message they did not receive.
//
// A token is base64url (no padding) of: a kind byte ('o' open, 'c' click), the message id, NUL, the URL
// (clicks), then the first 16 bytes of HMAC-SHA256 over all that under the tracking key. Tokens are
// opaque to recipients; a token that does not verify is simply not one (the route answers 404).
//
// Thread-safety: immutable after construction; Make and Read may be called concurrently.
// Untrusted input: Read takes tokens from any web client.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace herald::tracking {

enum class TokenKind { kOpen, kClick };

struct TokenContent {
  TokenKind kind = TokenKind::kOpen;
  std::string message_id;
  std::string url;  // clicks: where to send the reader; empty for opens
};

inline constexpr size_t kMaxTokenBytes = 4096;

class TokenCodec {
 public:
  explicit TokenCodec(const std::array<unsigned char, 32>& key) : key_(key) {}

  std::string Make(const TokenContent& content) const;
  // nullopt for anything that is not a token this codec made (altered, truncated, another key, too long).
  std::optional<TokenContent> Read(std::string_view token) const;

 private:
  std::array<unsigned char, 32> key_;
};

}  // namespace herald::tracking
