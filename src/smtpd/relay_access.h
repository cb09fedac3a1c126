// RelayAccess: who may send through the SMTP relay, and from which domains (DESIGN §2.2).
//
// A client is authorised as one SMTP connection, either by AUTH (username and password; the
// password's SHA-256 is compared in constant time) or by its address being inside one of a
// connection's trusted networks. A disabled connection authorises nothing. The sender checks say
// whether a domain (the envelope sender's, the From: header's) is one of the connection's.
//
// Trusted networks are read from the store for each new SMTP session (one small indexed read), so a
// connection created, changed, disabled or deleted counts from the next session on. last_used_at is
// written at most once a minute per connection (a write per message would cost throughput for nothing).
//
// Thread-safety: all methods may be called concurrently. Untrusted input: usernames, passwords and
// addresses from SMTP clients; none of them is logged here.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/status.h"
#include "core/ip_network.h"
#include "core/smtp_connection.h"
#include "storage/store.h"

namespace herald::smtpd {

class RelayAccess {
 public:
  RelayAccess(storage::Store& store, const Clock& clock);

  // Unauthenticated for an unknown username, a wrong password or a disabled connection;
  // Unavailable when the store cannot answer (the client may try again).
  Result<core::SmtpConnection> Authenticate(std::string_view username, std::string_view password);

  // The enabled connection whose trusted networks hold `client`, if any. A store that cannot answer
  // counts as no match (the client may still AUTH); the error is logged.
  std::optional<core::SmtpConnection> ForClientAddress(const core::IpAddress& client);

  // The IP pool of the account; the default pool when the store cannot say (logged).
  std::string PoolOf(const std::string& account_id);

  // Notes that `connection` sent a message now.
  void NoteUse(const core::SmtpConnection& connection);

  // True when `domain` (any case) is one of the connection's domains.
  static bool AllowsDomain(const core::SmtpConnection& connection, std::string_view domain);

 private:
  storage::Store& store_;
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, TimePoint> last_noted_;  // by connection id
};

}  // namespace herald::smtpd
