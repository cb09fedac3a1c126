#include "dkim/key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <sstream>

#include "dkim/base64.h"
#include "dkim/dkim_test_util.h"
#include "dkim/private_key.h"

namespace herald::dkim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(KeyTest, AlgorithmNames) {
  EXPECT_EQ(ToString(Algorithm::kRsaSha256), "rsa-sha256");
  EXPECT_EQ(ToString(Algorithm::kEd25519Sha256), "ed25519-sha256");
  EXPECT_EQ(ParseAlgorithm("rsa-sha256"), Algorithm::kRsaSha256);
  EXPECT_EQ(ParseAlgorithm("ed25519-sha256"), Algorithm::kEd25519Sha256);
  EXPECT_EQ(ParseAlgorithm("rsa-sha1"), std::nullopt);  // RFC 8301
  EXPECT_EQ(ParseAlgorithm("RSA-SHA256"), std::nullopt);
  EXPECT_EQ(KeyType(Algorithm::kRsaSha256), "rsa");
  EXPECT_EQ(KeyType(Algorithm::kEd25519Sha256), "ed25519");
}

TEST(KeyTest, GeneratesRsa2048) {
  Result<GeneratedKey> key = GenerateKey(Algorithm::kRsaSha256);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_THAT(key->private_key_pem, StartsWith("-----BEGIN PRIVATE KEY-----\n"));  // PKCS#8
  EXPECT_TRUE(PrivateKey::Parse(Algorithm::kRsaSha256, key->private_key_pem).ok());
  // p= is the DER SubjectPublicKeyInfo of a 2048-bit RSA key.
  std::string der = Base64Decode(key->public_key).value_or("");
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  internal::PkeyPtr public_key(d2i_PUBKEY(nullptr, &bytes, static_cast<long>(der.size())));
  ASSERT_TRUE(public_key);
  EXPECT_EQ(EVP_PKEY_get_base_id(public_key.get()), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(public_key.get()), 2048);
  EXPECT_NE(GenerateKey(Algorithm::kRsaSha256)->public_key, key->public_key);
}

TEST(KeyTest, GeneratesEd25519) {
  Result<GeneratedKey> key = GenerateKey(Algorithm::kEd25519Sha256);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_THAT(key->private_key_pem, StartsWith("-----BEGIN PRIVATE KEY-----\n"));
  EXPECT_TRUE(PrivateKey::Parse(Algorithm::kEd25519Sha256, key->private_key_pem).ok());
  // p= is the raw 32-byte public key of the private key.
  EXPECT_EQ(Base64Decode(key->public_key).value_or("").size(), 32u);
  internal::PkeyPtr private_key = testing::ReadPem(key->private_key_pem);
  ASSERT_TRUE(private_key);
  EXPECT_EQ(key->public_key, testing::RawPublicKeyBase64(private_key.get()));
}

TEST(KeyTest, KnowsTheRfc8032TestKey) {
  // RFC 8463 Appendix A's brisbane key: the seed of RFC 8032 §7.1 TEST 1 and its public key.
  internal::PkeyPtr key = testing::ReadPem(testing::CorpusEd25519Pem());
  ASSERT_TRUE(key);
  EXPECT_EQ(testing::RawPublicKeyBase64(key.get()), "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
}

TEST(KeyTest, KeyRecords) {
  EXPECT_EQ(KeyRecord(Algorithm::kRsaSha256, "MIIB"), "v=DKIM1; k=rsa; p=MIIB");
  EXPECT_EQ(KeyRecord(Algorithm::kEd25519Sha256, "11qY="), "v=DKIM1; k=ed25519; p=11qY=");
  Result<GeneratedKey> key = GenerateKey(Algorithm::kEd25519Sha256);
  ASSERT_TRUE(key.ok());
  Result<KeyRecordFields> fields = ParseKeyRecord(KeyRecord(Algorithm::kEd25519Sha256, key->public_key));
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(fields->version, "DKIM1");
  EXPECT_EQ(fields->key_type, "ed25519");
  EXPECT_EQ(fields->public_key, key->public_key);
}

TEST(KeyTest, ParsesEveryRecordOfTheCorpus) {
  std::istringstream lines(testing::ReadFile(testing::CorpusDir() / "dns.tsv"));
  std::string line;
  std::getline(lines, line);  // the column names
  int records = 0;
  while (std::getline(lines, line)) {
    std::string txt = line.substr(line.find('\t') + 1);
    txt = txt.substr(0, txt.find('\t'));
    Result<KeyRecordFields> fields = ParseKeyRecord(txt);
    ASSERT_TRUE(fields.ok()) << txt << ": " << fields.status().ToString();
    EXPECT_FALSE(fields->public_key.empty()) << txt;
    ++records;
  }
  EXPECT_EQ(records, 4);
  EXPECT_EQ(ParseKeyRecord("k=ed25519; p=yi50DjK5O9pqbFpNHklsv9lqaS0ArSYu02qp1S0DW1Y=")->version, "");
}

TEST(KeyTest, ParsesFoldedRecordsWithDefaults) {
  Result<KeyRecordFields> fields = ParseKeyRecord(" v=DKIM1;\r\n\tp=MIGf MA0G\r\n CSqG ; t=s ; ");
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  EXPECT_EQ(fields->version, "DKIM1");
  EXPECT_EQ(fields->key_type, "rsa");  // k= absent
  EXPECT_EQ(fields->public_key, "MIGfMA0GCSqG");
  EXPECT_EQ(ParseKeyRecord("v=DKIM1; p=")->public_key, "");  // revoked
}

TEST(KeyTest, RefusesWhatIsNotAKeyRecord) {
  for (std::string_view txt :
       {"", "v=spf1 include:_spf.example.com ~all", "v=DKIM1; k=rsa", "k=rsa; v=DKIM1; p=MIGf",
        "v=DKIM2; p=MIGf", "v=DKIM1; p=MIG*", "v=DKIM1; p=MIG", "v=DKIM1; p=a; p=b", "v=DKIM1 p=MIGf"}) {
    EXPECT_EQ(ParseKeyRecord(txt).status().code(), Code::kInvalidArgument) << txt;
  }
}

void ExpectKeyRefused(Algorithm algorithm, const std::string& pem, std::string_view problem) {
  Result<PrivateKey> key = PrivateKey::Parse(algorithm, pem);
  ASSERT_FALSE(key.ok()) << problem;
  EXPECT_EQ(key.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(key.status().message(), HasSubstr(problem));
}

TEST(PrivateKeyTest, RefusesBadKeys) {
  ExpectKeyRefused(Algorithm::kRsaSha256, "", "not a readable PEM private key");
  ExpectKeyRefused(Algorithm::kRsaSha256,
                   "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n",
                   "not a readable PEM private key");
  Result<GeneratedKey> ed25519 = GenerateKey(Algorithm::kEd25519Sha256);
  ASSERT_TRUE(ed25519.ok());
  ExpectKeyRefused(Algorithm::kRsaSha256, ed25519->private_key_pem, "not of the type rsa-sha256 needs");
  ExpectKeyRefused(Algorithm::kEd25519Sha256, testing::CorpusRsaPem(),
                   "not of the type ed25519-sha256 needs");
  // A public key is not a private key.
  std::string public_key_pem =
      "-----BEGIN PUBLIC KEY-----\n" + ed25519->public_key + "\n-----END PUBLIC KEY-----\n";
  ExpectKeyRefused(Algorithm::kEd25519Sha256, public_key_pem, "not a readable PEM private key");
}

TEST(PrivateKeyTest, RefusesRsaKeysUnder1024Bits) {
  internal::PkeyPtr small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{768}));
  ASSERT_TRUE(small);
  ExpectKeyRefused(Algorithm::kRsaSha256, internal::PrivateKeyPem(small.get()).value(), "has 768 bits");
  EXPECT_TRUE(
      PrivateKey::Parse(Algorithm::kRsaSha256, testing::CorpusRsaPem()).ok());  // 1024 bits, PKCS#1 PEM
}

TEST(PrivateKeyTest, RefusesAnEncryptedKeyWithoutAskingForAPassphrase) {
  Result<GeneratedKey> key = GenerateKey(Algorithm::kEd25519Sha256);
  ASSERT_TRUE(key.ok());
  internal::PkeyPtr parsed = testing::ReadPem(key->private_key_pem);
  internal::BioPtr out(BIO_new(BIO_s_mem()));
  char passphrase[] = "secret";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(out.get(), parsed.get(), EVP_aes_256_cbc(), passphrase, 6, nullptr,
                                          nullptr),
            1);
  char* data = nullptr;
  long length = BIO_get_mem_data(out.get(), &data);
  ExpectKeyRefused(Algorithm::kEd25519Sha256, std::string(data, static_cast<size_t>(length)),
                   "not a readable PEM private key");
}

}  // namespace
}  // namespace herald::dkim
