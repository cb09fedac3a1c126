// Helpers for the dkim tests: the shared DKIM corpus (../shared/corpora/dkim, see its README), its keys,
// files, and reading keys and DKIM-Signature tags. Not part of the library.
//
// Thread-safety: plain functions. Untrusted input: test data only.
#pragma once

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/base64.h"
#include "dkim/openssl_support.h"
#include "dkim/private_key.h"
#include "dkim/tag_list.h"

namespace herald::dkim::testing {

inline std::filesystem::path CorpusDir() { return HERALD_DKIM_CORPUS_DIR; }
inline std::filesystem::path TestdataDir() { return HERALD_DKIM_TESTDATA_DIR; }

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

inline void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  ASSERT_TRUE(out) << "cannot write " << path;
}

// PKCS#8 PEM for an Ed25519 private key stored as dkimpy stores it: the base64 of the 32-byte seed.
inline std::string Ed25519PemFromSeed(std::string_view seed_base64) {
  std::string seed = Base64Decode(seed_base64).value_or("");
  internal::PkeyPtr key(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  if (!key) {
    ADD_FAILURE() << "not an Ed25519 seed: " << seed_base64;
    return "";
  }
  Result<std::string> pem = internal::PrivateKeyPem(key.get());
  EXPECT_TRUE(pem.ok()) << pem.status().ToString();
  return pem.ok() ? *pem : "";
}

// The corpus keys (README): RSA-1024 dkimpy/test.private (s=test), Ed25519 RFC 8032 §7.1 TEST 1 (s=brisbane).
inline std::string CorpusRsaPem() { return ReadFile(CorpusDir() / "dkimpy/test.private"); }
inline std::string CorpusEd25519Pem() {
  std::string seed = ReadFile(CorpusDir() / "dkimpy/rfc8032_7_1.key");
  while (!seed.empty() && (seed.back() == '\n' || seed.back() == '\r')) seed.pop_back();
  return Ed25519PemFromSeed(seed);
}

// OpenSSL's own reading of a PEM private key, to look inside keys we made; null when it cannot read it.
inline internal::PkeyPtr ReadPem(std::string_view pem) {
  internal::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return internal::PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// Base64 of the raw public key of an Ed25519 key: what its p= must be.
inline std::string RawPublicKeyBase64(EVP_PKEY* key) {
  std::string raw(32, '\0');
  size_t length = raw.size();
  EXPECT_EQ(EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &length), 1);
  return Base64Encode(raw);
}

// The value of tag `name` of a DKIM-Signature field, whitespace removed; "" when absent.
inline std::string SignatureTag(std::string_view field, std::string_view name) {
  Result<std::vector<Tag>> tags = ParseTagList(field.substr(field.find(':') + 1));
  EXPECT_TRUE(tags.ok()) << field;
  return tags.ok() ? WithoutWhitespace(FindTag(*tags, name).value_or("")) : "";
}

inline PrivateKey ParsedKey(Algorithm algorithm, const std::string& pem) {
  Result<PrivateKey> key = PrivateKey::Parse(algorithm, pem);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return std::move(key).value();
}

}  // namespace herald::dkim::testing
