// DKIM keys as Herald publishes them: algorithms, key generation, and the TXT record at
// <selector>._domainkey.<domain> (RFC 6376 §3.6.1; Ed25519: RFC 8463; key sizes: RFC 8301).
//
// Herald generates RSA-2048 and Ed25519 keys and signs every message with both (signer.h); a verifier
// that does not know Ed25519 ignores that signature and checks the RSA one.
//
// Thread-safety: pure functions; GenerateKey draws from OpenSSL's thread-safe random generator.
// Untrusted input: ParseKeyRecord reads DNS answers and refuses anything that is not a key record.
// GenerateKey's private key is a secret: never log it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace herald::dkim {

enum class Algorithm { kRsaSha256, kEd25519Sha256 };

std::string_view ToString(Algorithm algorithm);  // "rsa-sha256", "ed25519-sha256": the a= value
std::optional<Algorithm> ParseAlgorithm(std::string_view a_value);
std::string_view KeyType(Algorithm algorithm);  // "rsa", "ed25519": the k= value of its key record

struct GeneratedKey {
  // PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----").
  std::string private_key_pem;
  // The p= value: base64 of the DER SubjectPublicKeyInfo (RSA), of the raw 32-byte key (Ed25519).
  std::string public_key;
};

// A new RSA-2048 or Ed25519 key pair. Internal when OpenSSL fails.
Result<GeneratedKey> GenerateKey(Algorithm algorithm);

// The TXT record to publish at <selector>._domainkey.<domain>: "v=DKIM1; k=rsa; p=…" / "v=DKIM1; k=ed25519;
// p=…".
std::string KeyRecord(Algorithm algorithm, std::string_view public_key);

// Reads a published key record (tag=value list, RFC 6376 §3.6.1; whitespace and folding tolerated, the TXT
// record's strings already joined): InvalidArgument when it is not one — not a tag list, v= present but not
// first or not "DKIM1", no p=, or a p= that is not base64. An empty p= (a revoked key) is a key record.
// Used to compare what DNS serves with what we expect.
struct KeyRecordFields {
  std::string version;     // v=, "" when absent
  std::string key_type;    // k=, "rsa" when absent
  std::string public_key;  // p=, whitespace removed
};
Result<KeyRecordFields> ParseKeyRecord(std::string_view txt);

}  // namespace herald::dkim
