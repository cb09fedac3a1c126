#include "tls/self_signed.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <functional>
#include <memory>

#include "base/random.h"

namespace herald::tls {
namespace {

constexpr long kValiditySeconds = 825L * 24 * 3600;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

Status OpenSslError(std::string_view what) {
  char text[256] = "unknown error";
  if (unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return Status::Internal(std::string(what) + ": " + text);
}

Status AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslError("adding a certificate extension");
  return Status::Ok();
}

Result<std::string> Pem(const std::function<int(BIO*)>& write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return OpenSslError("writing PEM");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

Result<CertificatePem> MakeSelfSignedCertificate(std::string_view hostname, TimePoint now) {
  if (hostname.empty() || hostname.find_first_of(",\r\n") != std::string_view::npos) {
    return Status::InvalidArgument("a certificate needs a plain host name");
  }
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("generating an EC key");

  CertPtr cert(X509_new());
  if (!cert) return OpenSslError("allocating a certificate");
  unsigned char serial[16];
  RandomBytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // a positive serial number
  BIGNUM* serial_bn = BN_bin2bn(serial, sizeof serial, nullptr);
  bool serial_ok = serial_bn && BN_to_ASN1_INTEGER(serial_bn, X509_get_serialNumber(cert.get())) != nullptr;
  BN_free(serial_bn);
  if (!serial_ok) return OpenSslError("setting the serial number");

  time_t start = std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(now));
  std::string name(hostname);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (X509_set_version(cert.get(), 2) != 1 || !X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -3600, &start) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), 0, kValiditySeconds, &start) ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(name.c_str()),
                                 -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("Herald (self-signed for development)"), -1,
                                 -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), subject) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1) {
    return OpenSslError("filling in the certificate");
  }
  std::string alt_names = "DNS:" + name + ",DNS:localhost,IP:127.0.0.1,IP:::1";
  HERALD_RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_alt_name, alt_names));
  HERALD_RETURN_IF_ERROR(AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  HERALD_RETURN_IF_ERROR(AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature"));
  HERALD_RETURN_IF_ERROR(AddExtension(cert.get(), NID_ext_key_usage, "serverAuth"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return OpenSslError("signing the certificate");

  Result<std::string> cert_pem = Pem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
  if (!cert_pem.ok()) return cert_pem.status();
  Result<std::string> key_pem = Pem([&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  if (!key_pem.ok()) return key_pem.status();
  return CertificatePem{std::move(*cert_pem), std::move(*key_pem)};
}

}  // namespace herald::tls
