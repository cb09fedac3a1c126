// Clock: the one seam through which code reads wall-clock time, so tests can control it.
//
// Thread-safety: every clock here is safe to share between threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace herald {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// The system clock plus an offset that only grows: a daemon started for tests
// (testing.adjustable_clock) can skip ahead to show retries and expiry without waiting.
class AdjustableClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now() + Duration(offset_ms_.load()); }
  void Advance(Duration d) { offset_ms_ += d.count(); }
  Duration offset() const { return Duration(offset_ms_.load()); }

 private:
  std::atomic<int64_t> offset_ms_{0};
};

// A clock that moves only when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_ms_(ToUnixMillis(start)) {}
  TimePoint Now() const override { return FromUnixMillis(now_ms_.load()); }
  void Advance(Duration d) { now_ms_ += d.count(); }

  static int64_t ToUnixMillis(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  }
  static TimePoint FromUnixMillis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

 private:
  std::atomic<int64_t> now_ms_;
};

inline int64_t ToUnixMillis(TimePoint t) { return ManualClock::ToUnixMillis(t); }
inline TimePoint FromUnixMillis(int64_t ms) { return ManualClock::FromUnixMillis(ms); }

}  // namespace herald
