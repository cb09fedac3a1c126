#include "dkim/private_key.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace herald::dkim {
namespace {

// A passphrase callback that has none: an encrypted key fails instead of prompting on the terminal.
int NoPassphrase(char*, int, int, void*) { return 0; }

Result<std::string> SignRsa(EVP_PKEY* key, const internal::Sha256Digest& digest) {
  internal::PkeyCtxPtr context(EVP_PKEY_CTX_new(key, nullptr));
  if (!context || EVP_PKEY_sign_init(context.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(context.get(), EVP_sha256()) != 1) {
    return Status::Internal(internal::OpenSslError("preparing an RSA signature"));
  }
  std::string signature(static_cast<size_t>(EVP_PKEY_get_size(key)), '\0');
  size_t length = signature.size();
  if (EVP_PKEY_sign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, digest.data(),
                    digest.size()) != 1) {
    return Status::Internal(internal::OpenSslError("making an RSA signature"));
  }
  signature.resize(length);
  return signature;
}

Result<std::string> SignEd25519(EVP_PKEY* key, const internal::Sha256Digest& digest) {
  internal::MdCtxPtr context(EVP_MD_CTX_new());
  std::string signature(64, '\0');
  size_t length = signature.size();
  if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     digest.data(), digest.size()) != 1) {
    return Status::Internal(internal::OpenSslError("making an Ed25519 signature"));
  }
  signature.resize(length);
  return signature;
}

}  // namespace

Result<PrivateKey> PrivateKey::Parse(Algorithm algorithm, std::string_view pem) {
  internal::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  internal::PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr) : nullptr);
  if (!key) return Status::InvalidArgument(internal::OpenSslError("not a readable PEM private key"));
  int type = EVP_PKEY_get_base_id(key.get());
  int expected = algorithm == Algorithm::kRsaSha256 ? EVP_PKEY_RSA : EVP_PKEY_ED25519;
  if (type != expected) {
    return Status::InvalidArgument("the private key is not of the type " + std::string(ToString(algorithm)) +
                                   " needs");
  }
  if (algorithm == Algorithm::kRsaSha256 && EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    return Status::InvalidArgument("the RSA key has " + std::to_string(EVP_PKEY_get_bits(key.get())) +
                                   " bits; DKIM needs at least " + std::to_string(kMinRsaBits));
  }
  return PrivateKey(algorithm, std::move(key));
}

Result<std::string> PrivateKey::Sign(std::string_view data) const {
  internal::Sha256 hash;
  hash.Update(data);
  internal::Sha256Digest digest = hash.Finish();
  return algorithm_ == Algorithm::kRsaSha256 ? SignRsa(key_.get(), digest) : SignEd25519(key_.get(), digest);
}

}  // namespace herald::dkim
