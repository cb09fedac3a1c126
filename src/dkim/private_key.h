// A DKIM private key, parsed once and then used for many signatures (RFC 6376 §3.3, RFC 8463 §3).
//
// Thread-safety: immutable after Parse; Sign may be called from many threads at once (each call uses its
// own OpenSSL context; OpenSSL 3 allows one EVP_PKEY to sign concurrently).
// Untrusted input: the PEM comes from Herald's key store but is read defensively: an encrypted key fails
// rather than asking for a passphrase, and a key of another type than its algorithm's fails. The key is a
// secret: no error message quotes it.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "dkim/key.h"
#include "dkim/openssl_support.h"

namespace herald::dkim {

// RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits; verifiers MUST NOT accept smaller ones.
inline constexpr int kMinRsaBits = 1024;

class PrivateKey {
 public:
  // Reads a PEM private key (PKCS#8 "PRIVATE KEY", or PKCS#1 "RSA PRIVATE KEY"). InvalidArgument for text
  // that is not one, a key whose type does not match `algorithm`, or an RSA key under kMinRsaBits bits.
  static Result<PrivateKey> Parse(Algorithm algorithm, std::string_view pem);

  Algorithm algorithm() const { return algorithm_; }

  // The raw signature over `data` (the hash input of §3.7): RSASSA-PKCS1-v1_5 over SHA-256(data) for
  // rsa-sha256; for ed25519-sha256, PureEdDSA over the 32 bytes of SHA-256(data) (RFC 8463 §3: the hash,
  // not the data, is what Ed25519 signs). Internal when OpenSSL fails.
  Result<std::string> Sign(std::string_view data) const;

 private:
  PrivateKey(Algorithm algorithm, internal::PkeyPtr key) : algorithm_(algorithm), key_(std::move(key)) {}

  Algorithm algorithm_;
  internal::PkeyPtr key_;
};

}  // namespace herald::dkim
