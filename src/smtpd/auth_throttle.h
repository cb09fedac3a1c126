// AuthThrottle: failed-AUTH throttling per client address, so that password guessing over the SMTP
// relay is slow whichever connection or session it comes through (like Postfix's anvil).
//
// Each failure is remembered for `window`; an address with `limit` failures within the window is
// Blocked until the oldest of them ages out. A success does not clear earlier failures (a guesser
// that knows one password must not reset the count for the others). Memory is bounded: at most
// `max_addresses` addresses are tracked; when full, addresses whose failures have all aged out are
// dropped first, then the ones blocked longest ago.
//
// Thread-safety: all methods may be called concurrently. Untrusted input: the address text is used
// only as a map key.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"

namespace herald::smtpd {

class AuthThrottle {
 public:
  AuthThrottle(const Clock& clock, int limit, Duration window, size_t max_addresses = 100'000);

  // True while `address` may not try to authenticate.
  bool Blocked(std::string_view address);
  void RecordFailure(std::string_view address);

 private:
  void DropExpired(std::deque<TimePoint>& failures, TimePoint now) const;
  void MakeRoom(TimePoint now);

  const Clock& clock_;
  const size_t limit_;
  const Duration window_;
  const size_t max_addresses_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<TimePoint>> failures_;  // oldest first
};

}  // namespace herald::smtpd
