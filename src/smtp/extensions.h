// The service extensions a server lists in its EHLO reply (RFC 5321 §4.1.1.1), as the client uses them.
//
// Only the extensions Herald's client acts on are kept; keywords are matched without regard to case
// and unknown ones are ignored. SECURITY: the reply is untrusted; a SIZE value that is not a plain
// number, or does not fit 64 bits, counts as SIZE without a limit.
//
// Thread-safety: plain values and a pure function.
#pragma once

#include <cstdint>

#include "smtp/reply.h"

namespace herald::smtp {

struct Extensions {
  bool esmtp = false;  // the server accepted EHLO (false after a fallback to HELO)
  bool pipelining = false;
  bool starttls = false;
  bool size = false;        // SIZE was listed: the client may give SIZE= on MAIL
  uint64_t size_limit = 0;  // the limit in bytes it gave; 0 when none
  bool eightbitmime = false;
  bool smtputf8 = false;
  bool enhanced_status_codes = false;
};

// Reads the extensions from a positive EHLO reply (its first line is the server's name).
Extensions ParseEhloReply(const Reply& reply);

}  // namespace herald::smtp
