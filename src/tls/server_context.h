// The TLS server context of the SMTP relay: certificate and key from PEM files, TLS 1.2 or newer.
//
// Loaded once at start-up; a missing or unreadable file, or a key that does not match the certificate,
// is an error naming the file (the daemon refuses to start rather than serve without TLS).
//
// Thread-safety: the returned context is configured once and then only used to create streams,
// which Asio allows from any thread.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "base/status.h"

namespace herald::tls {

Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerContext(const std::string& cert_file,
                                                                     const std::string& key_file);

}  // namespace herald::tls
