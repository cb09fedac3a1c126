// The server's side of the SASL mechanisms offered by AUTH (RFC 4954): strict base64 (RFC 4648 §4)
// for the client's responses, and the three fields of a PLAIN response (RFC 4616).
//
// SECURITY: the input is untrusted and holds secrets. Decoding is strict (no whitespace, padding only
// at the end, length a multiple of four) and bounded by the input. Callers wipe the strings holding a
// password with Wipe once done; nothing here logs.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace herald::smtp {

// The bytes `text` encodes, or nullopt when it is not strict base64. "" decodes to "".
std::optional<std::string> DecodeBase64(std::string_view text);

struct PlainResponse {
  std::string authzid;   // empty when none was given
  std::string authcid;   // the username; never empty
  std::string password;  // never empty
};

// Splits a decoded PLAIN response "[authzid] NUL authcid NUL passwd"; nullopt when it has not exactly
// two NULs or an empty username or password.
std::optional<PlainResponse> ParsePlainResponse(std::string_view decoded);

// Overwrites the bytes of `secret` and empties it.
void Wipe(std::string& secret);

}  // namespace herald::smtp
