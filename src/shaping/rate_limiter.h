// RateLimiter: "at most N messages per period, up to B at once", per key (a destination site, an IP
// pool, a pool and site together), by the generic cell rate algorithm (GCRA).
//
// For each key the limiter keeps one instant, the theoretical arrival time (TAT): when the key
// would next be allowed to send had it always sent at the steady rate. With the emission interval
// T = period / count and the burst tolerance τ = (burst − 1) × T, a message may go at `now` when
// now ≥ TAT − τ, and then TAT becomes max(TAT, now) + T. So a key idle for a while may send `burst`
// messages at once, then one every T; it never sends more than burst + count × (t / period) in any
// window of length t. A denied attempt takes nothing and answers how long until one message may go,
// so the scheduler sleeps exactly that long instead of polling.
//
// Time comes from the injected Clock (wall-clock time, which may step backwards). A key's TAT is
// never allowed to run further ahead of `now` than τ + T, the most any run of forward time can put
// it: when the clock steps back, the key is treated as having just used its whole burst, which
// grants nothing extra and does not stall the key for as long as the clock jumped. The same bound
// applies when a key's rate changes: a faster rate takes effect at once.
//
// Memory: a key whose TAT has passed is in the same state as a key never seen, so it is forgotten
// without loss (swept when the table has doubled since the last sweep, or by ForgetIdle()). At most
// `max_keys` keys are kept; when that many are all active, the ones nearest to idle are dropped
// (each may then send up to its burst early: the smallest excess possible; size max_keys so this
// does not happen).
//
// retry_after is rounded up to whole milliseconds (the resolution of Duration), at least 1 ms: a
// rate above 1,000 per second is reached only with a burst of at least rate / 1,000.
//
// Fairness: none between keys; each key is limited on its own.
//
// Thread-safety: all methods may be called concurrently (one mutex; each call is a hash lookup and
// a few additions). Untrusted input: keys are used only as map keys.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"

namespace herald::shaping {

// `count` messages per `period`, up to `burst` at once after an idle time.
struct Rate {
  int64_t count = 1;
  Duration period{1000};
  int64_t burst = 1;

  // count ≥ 1, period > 0, burst ≥ 1 and burst × period / count at most 100 years. Config
  // validates rates with this; the limiter aborts on an invalid one (a bug).
  bool IsValid() const;
};

struct RateDecision {
  bool allowed = false;
  Duration retry_after{0};  // when not allowed: how long until the key may send one message (≥ 1 ms)

  explicit operator bool() const { return allowed; }
};

class RateLimiter {
 public:
  static constexpr size_t kDefaultMaxKeys = 100'000;

  // `clock` must outlive the limiter. Aborts when `default_rate` is not valid.
  RateLimiter(const Clock& clock, Rate default_rate, size_t max_keys = kDefaultMaxKeys);

  // Takes one message from `key`'s allowance when it has one; otherwise takes nothing and says how
  // long until it will. The second form limits this key by `rate` instead of the default (a
  // destination with its own limit); use the same rate for a key every time.
  RateDecision TryAcquire(std::string_view key);
  RateDecision TryAcquire(std::string_view key, const Rate& rate);

  // What TryAcquire would answer now, taking nothing: for a caller that must pass several limiters
  // (pool and site) and wants to take from one only when the others would also allow.
  RateDecision Check(std::string_view key) const;
  RateDecision Check(std::string_view key, const Rate& rate) const;

  // Forgets every idle key now (it happens by itself as keys are added; a daemon may also call this
  // from a timer). Returns how many were forgotten.
  size_t ForgetIdle();

  // Keys remembered: at most max_keys.
  size_t size() const;

 private:
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  using Nanos = std::chrono::nanoseconds;
  struct Timing {
    Nanos interval;   // T
    Nanos tolerance;  // τ
  };
  using Table = std::unordered_map<std::string, TimePoint, KeyHash, std::equal_to<>>;  // key → TAT

  static Timing TimingOf(const Rate& rate);
  // The key's TAT as seen at `now`: `now` for an unknown key, capped at now + τ + T.
  TimePoint EffectiveTat(std::string_view key, const Timing& timing, TimePoint now) const;
  static TimePoint Capped(TimePoint tat, const Timing& timing, TimePoint now);
  static RateDecision Denied(TimePoint allowed_at, TimePoint now);
  size_t ForgetIdleLocked(TimePoint now);
  void MakeRoom(TimePoint now);

  const Clock& clock_;
  const Rate default_rate_;
  const size_t max_keys_;
  mutable std::mutex mutex_;
  Table tats_;
  size_t sweep_at_;  // sweep idle keys when the table reaches this size
};

}  // namespace herald::shaping
