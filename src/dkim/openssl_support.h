// The dkim module's OpenSSL plumbing: owning handles for OpenSSL objects, OpenSSL's error queue turned into
// a Status message, PEM output and SHA-256. Internal to src/dkim.
//
// Thread-safety: a handle belongs to one thread at a time; OpenSslError reads and clears the calling
// thread's error queue (OpenSSL keeps one per thread).
// Untrusted input: none.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace herald::dkim::internal {

template <auto kFree>
struct OpenSslFree {
  template <typename T>
  void operator()(T* object) const {
    kFree(object);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslFree<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslFree<EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree<BIO_free_all>>;

// "`what`: <OpenSSL's first queued error>", clearing the queue so no stale error reaches later OpenSSL
// users on this thread (TLS reads the queue after a failed call).
std::string OpenSslError(std::string_view what);

// `key` as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), unencrypted. Internal when OpenSSL fails.
Result<std::string> PrivateKeyPem(EVP_PKEY* key);

using Sha256Digest = std::array<unsigned char, 32>;

// Incremental SHA-256; aborts if OpenSSL cannot allocate or initialise it (a broken installation).
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view bytes);
  Sha256Digest Finish();

 private:
  MdCtxPtr context_;
};

}  // namespace herald::dkim::internal
