// Algorithm names and key generation (key.h).
#include "dkim/key.h"

#include <openssl/x509.h>

#include "dkim/base64.h"
#include "dkim/openssl_support.h"

namespace herald::dkim {
namespace {

constexpr unsigned kGeneratedRsaBits = 2048;

// The p= value: DER SubjectPublicKeyInfo for RSA (RFC 6376 §3.6.1), the raw key for Ed25519 (RFC 8463 §4).
Result<std::string> PublicKeyBytes(Algorithm algorithm, EVP_PKEY* key) {
  std::string bytes;
  if (algorithm == Algorithm::kEd25519Sha256) {
    size_t length = 32;
    bytes.resize(length);
    if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(bytes.data()), &length) != 1) {
      return Status::Internal(internal::OpenSslError("reading an Ed25519 public key"));
    }
    bytes.resize(length);
    return bytes;
  }
  int length = i2d_PUBKEY(key, nullptr);
  if (length <= 0) return Status::Internal(internal::OpenSslError("encoding an RSA public key"));
  bytes.resize(static_cast<size_t>(length));
  auto* out = reinterpret_cast<unsigned char*>(bytes.data());
  if (i2d_PUBKEY(key, &out) != length)
    return Status::Internal(internal::OpenSslError("encoding an RSA public key"));
  return bytes;
}

}  // namespace

std::string_view ToString(Algorithm algorithm) {
  return algorithm == Algorithm::kRsaSha256 ? "rsa-sha256" : "ed25519-sha256";
}

std::optional<Algorithm> ParseAlgorithm(std::string_view a_value) {
  if (a_value == "rsa-sha256") return Algorithm::kRsaSha256;
  if (a_value == "ed25519-sha256") return Algorithm::kEd25519Sha256;
  return std::nullopt;
}

std::string_view KeyType(Algorithm algorithm) {
  return algorithm == Algorithm::kRsaSha256 ? "rsa" : "ed25519";
}

Result<GeneratedKey> GenerateKey(Algorithm algorithm) {
  internal::PkeyPtr key(
      algorithm == Algorithm::kRsaSha256
          ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kGeneratedRsaBits))
          : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return Status::Internal(internal::OpenSslError("generating a DKIM key"));
  Result<std::string> pem = internal::PrivateKeyPem(key.get());
  if (!pem.ok()) return pem.status();
  Result<std::string> public_key = PublicKeyBytes(algorithm, key.get());
  if (!public_key.ok()) return public_key.status();
  return GeneratedKey{std::move(pem).value(), Base64Encode(*public_key)};
}

}  // namespace herald::dkim
