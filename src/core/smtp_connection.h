// SMTP connections: the systems (shops, ERPs, CMSs) that send through Herald's SMTP relay (DESIGN §2.2).
//
// A connection belongs to one account. It authenticates with a generated username and password (the
// password shown once; only its SHA-256 is stored: it is a long random secret, like an API key) or,
// instead, by the client's address being in one of its trusted networks. It may send only from its
// domains: the envelope sender's and the From: header's domain must be one of them.
//
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace herald::core {

struct SmtpConnection {
  std::string id;  // "smtp_…"
  std::string account_id;
  std::string name;
  std::string username;                       // generated; unique across all accounts
  std::string password_hash;                  // Sha256Hex of the password
  std::vector<std::string> domains;           // lowercase; at least one
  std::string list_help_url;                  // for the List-Help header (RFC 2369); empty: none
  std::vector<std::string> trusted_networks;  // canonical CIDR ("127.0.0.0/8", "2001:db8::/32")
  bool require_tls = true;                    // false only with trusted networks
  bool enabled = true;
  TimePoint created_at;
  std::optional<TimePoint> last_used_at;
};

// "active" when enabled and used within the last 24 hours, "inactive" otherwise.
bool IsActive(const SmtpConnection& connection, TimePoint now);

}  // namespace herald::core
