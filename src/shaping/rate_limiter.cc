#include "shaping/rate_limiter.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace herald::shaping {
namespace {

constexpr std::chrono::nanoseconds kMaxSpan = std::chrono::hours(24 * 365 * 100);
constexpr size_t kMinSweepSize = 1024;

}  // namespace

bool Rate::IsValid() const {
  if (count < 1 || burst < 1 || period <= Duration::zero() || period > kMaxSpan) return false;
  auto period_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(period).count();
  int64_t interval = (period_ns + count - 1) / count;
  return burst <= kMaxSpan.count() / interval;
}

RateLimiter::RateLimiter(const Clock& clock, Rate default_rate, size_t max_keys)
    : clock_(clock),
      default_rate_(default_rate),
      max_keys_(std::max<size_t>(1, max_keys)),
      sweep_at_(std::min(kMinSweepSize, max_keys_)) {
  if (!default_rate_.IsValid()) std::abort();
}

RateLimiter::Timing RateLimiter::TimingOf(const Rate& rate) {
  if (!rate.IsValid()) std::abort();  // config validates rates: reaching here is a bug
  auto period_ns = std::chrono::duration_cast<Nanos>(rate.period).count();
  Nanos interval((period_ns + rate.count - 1) / rate.count);  // rounded up: never faster than asked
  return {interval, interval * (rate.burst - 1)};
}

TimePoint RateLimiter::EffectiveTat(std::string_view key, const Timing& timing, TimePoint now) const {
  auto it = tats_.find(key);
  return it == tats_.end() ? now : Capped(it->second, timing, now);
}

// Forward time never puts TAT past now + τ + T; further means the clock stepped back (or the rate
// got faster): count the burst as used, no more.
TimePoint RateLimiter::Capped(TimePoint tat, const Timing& timing, TimePoint now) {
  return std::min(tat, now + timing.tolerance + timing.interval);
}

RateDecision RateLimiter::Denied(TimePoint allowed_at, TimePoint now) {
  auto wait = std::chrono::ceil<Duration>(allowed_at - now);
  return {false, std::max(wait, Duration(1))};
}

RateDecision RateLimiter::TryAcquire(std::string_view key) { return TryAcquire(key, default_rate_); }

RateDecision RateLimiter::TryAcquire(std::string_view key, const Rate& rate) {
  Timing timing = TimingOf(rate);
  std::lock_guard lock(mutex_);
  TimePoint now = clock_.Now();
  auto it = tats_.find(key);
  if (it == tats_.end()) {  // unknown, so idle: allowed
    if (tats_.size() >= sweep_at_) MakeRoom(now);
    tats_.emplace(std::string(key), now + timing.interval);
    return {true, Duration::zero()};
  }
  // Kept capped, so that after a step back the key waits one interval, not the length of the step.
  it->second = Capped(it->second, timing, now);
  TimePoint allowed_at = it->second - timing.tolerance;
  if (now < allowed_at) return Denied(allowed_at, now);
  it->second = std::max(it->second, now) + timing.interval;
  return {true, Duration::zero()};
}

RateDecision RateLimiter::Check(std::string_view key) const { return Check(key, default_rate_); }

RateDecision RateLimiter::Check(std::string_view key, const Rate& rate) const {
  Timing timing = TimingOf(rate);
  std::lock_guard lock(mutex_);
  TimePoint now = clock_.Now();
  TimePoint allowed_at = EffectiveTat(key, timing, now) - timing.tolerance;
  if (now < allowed_at) return Denied(allowed_at, now);
  return {true, Duration::zero()};
}

size_t RateLimiter::ForgetIdle() {
  std::lock_guard lock(mutex_);
  return ForgetIdleLocked(clock_.Now());
}

size_t RateLimiter::size() const {
  std::lock_guard lock(mutex_);
  return tats_.size();
}

size_t RateLimiter::ForgetIdleLocked(TimePoint now) {
  return std::erase_if(tats_, [now](const auto& entry) { return entry.second <= now; });
}

// Called before adding a key to a table of sweep_at_ keys: forgets the idle ones; when the table is
// still full, drops the sixteenth of the keys nearest to idle, so that each such sweep is paid for
// by many insertions.
void RateLimiter::MakeRoom(TimePoint now) {
  ForgetIdleLocked(now);
  if (tats_.size() >= max_keys_) {
    std::vector<TimePoint> tats;
    tats.reserve(tats_.size());
    for (const auto& entry : tats_) tats.push_back(entry.second);
    size_t drop = tats.size() / 16 + 1;
    std::nth_element(tats.begin(), tats.begin() + static_cast<std::ptrdiff_t>(drop - 1), tats.end());
    TimePoint cutoff = tats[drop - 1];
    for (auto it = tats_.begin(); it != tats_.end() && drop > 0;) {
      if (it->second <= cutoff) {
        it = tats_.erase(it);
        --drop;
      } else {
        ++it;
      }
    }
  }
  sweep_at_ = std::min(max_keys_, std::max(kMinSweepSize, 2 * tats_.size()));
}

}  // namespace herald::shaping
