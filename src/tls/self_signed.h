// A self-signed TLS certificate for development (`herald init`), so that the SMTP relay's STARTTLS
// and implicit-TLS ports work before the operator configures a real certificate (tls.cert_file).
//
// The key is ECDSA P-256; the certificate names `hostname`, localhost, 127.0.0.1 and ::1 as subject
// alternative names and is valid for 825 days from `now`. Clients that check certificates will refuse
// it unless told to trust it: that is the point of configuring a real one in production.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

namespace herald::tls {

struct CertificatePem {
  std::string certificate;  // PEM "CERTIFICATE"
  std::string private_key;  // PEM "PRIVATE KEY" (PKCS #8); a secret: write it with mode 0600
};

Result<CertificatePem> MakeSelfSignedCertificate(std::string_view hostname, TimePoint now);

}  // namespace herald::tls
