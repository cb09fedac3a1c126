#include "tls/server_context.h"

#include <openssl/ssl.h>

namespace herald::tls {

namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> MakeServerContext(const std::string& cert_file, const std::string& key_file) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                       ec);
  if (ec) return Status::Internal("configuring TLS: " + ec.message());
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);

  context->use_certificate_chain_file(cert_file, ec);
  if (ec) return Status::FailedPrecondition("tls.cert_file " + cert_file + ": " + ec.message());
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return Status::FailedPrecondition("tls.key_file " + key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1) {
    return Status::FailedPrecondition("tls.key_file " + key_file + " does not belong to " + cert_file);
  }
  return context;
}

}  // namespace herald::tls
