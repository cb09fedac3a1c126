#include "tls/self_signed.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tls/server_context.h"

namespace herald::tls {
namespace {

X509* ReadCertificate(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

TEST(SelfSignedTest, NamesTheHostAndLoopbackAndVerifiesWithItsOwnKey) {
  auto made = MakeSelfSignedCertificate("mail.example.test", SystemClock().Now());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  X509* cert = ReadCertificate(made->certificate);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_host(cert, "mail.example.test", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_host(cert, "other.example.test", 0, 0, nullptr), 0);
  EVP_PKEY* key = X509_get0_pubkey(cert);
  EXPECT_EQ(X509_verify(cert, key), 1);
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert)), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert)), 0);
  X509_free(cert);
  EXPECT_NE(made->private_key.find("BEGIN PRIVATE KEY"), std::string::npos);
}

TEST(SelfSignedTest, RefusesANameThatWouldInjectAlternativeNames) {
  EXPECT_EQ(MakeSelfSignedCertificate("a,IP:10.0.0.1", SystemClock().Now()).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(MakeSelfSignedCertificate("", SystemClock().Now()).status().code(), Code::kInvalidArgument);
}

class ServerContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("herald-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ServerContextTest, LoadsAMatchingPairAndRefusesAMismatchOrAMissingFile) {
  auto one = MakeSelfSignedCertificate("one.test", SystemClock().Now());
  auto two = MakeSelfSignedCertificate("two.test", SystemClock().Now());
  ASSERT_TRUE(one.ok() && two.ok());
  std::string cert = Write("cert.pem", one->certificate);
  std::string key = Write("key.pem", one->private_key);
  std::string other_key = Write("other.pem", two->private_key);

  EXPECT_TRUE(MakeServerContext(cert, key).ok());
  auto mismatch = MakeServerContext(cert, other_key);
  EXPECT_EQ(mismatch.status().code(), Code::kFailedPrecondition);
  auto missing = MakeServerContext((dir_ / "absent.pem").string(), key);
  EXPECT_EQ(missing.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("tls.cert_file"), std::string::npos);
}

}  // namespace
}  // namespace herald::tls
