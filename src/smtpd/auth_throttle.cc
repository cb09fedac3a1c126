#include "smtpd/auth_throttle.h"

#include <algorithm>

namespace herald::smtpd {

AuthThrottle::AuthThrottle(const Clock& clock, int limit, Duration window, size_t max_addresses)
    : clock_(clock),
      limit_(static_cast<size_t>(std::max(1, limit))),
      window_(window),
      max_addresses_(std::max<size_t>(1, max_addresses)) {}

void AuthThrottle::DropExpired(std::deque<TimePoint>& failures, TimePoint now) const {
  while (!failures.empty() && now - failures.front() >= window_) failures.pop_front();
}

bool AuthThrottle::Blocked(std::string_view address) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(std::string(address));
  if (it == failures_.end()) return false;
  DropExpired(it->second, clock_.Now());
  if (it->second.empty()) {
    failures_.erase(it);
    return false;
  }
  return it->second.size() >= limit_;
}

void AuthThrottle::RecordFailure(std::string_view address) {
  std::lock_guard lock(mutex_);
  TimePoint now = clock_.Now();
  auto it = failures_.find(std::string(address));
  if (it == failures_.end()) {
    if (failures_.size() >= max_addresses_) MakeRoom(now);
    it = failures_.emplace(std::string(address), std::deque<TimePoint>()).first;
  }
  DropExpired(it->second, now);
  it->second.push_back(now);
  if (it->second.size() > limit_) it->second.pop_front();  // `limit` failures block; more add nothing
}

void AuthThrottle::MakeRoom(TimePoint now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    DropExpired(it->second, now);
    it = it->second.empty() ? failures_.erase(it) : std::next(it);
  }
  if (failures_.size() < max_addresses_) return;
  // Still full: forget the address whose newest failure is oldest.
  auto oldest = std::min_element(failures_.begin(), failures_.end(),
                                 [](const auto& a, const auto& b) { return a.second.back() < b.second.back(); });
  failures_.erase(oldest);
}

}  // namespace herald::smtpd
