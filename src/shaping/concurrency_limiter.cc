#include "shaping/concurrency_limiter.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace herald::shaping {

ConcurrencyLimiter::Lease::Lease(Lease&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)), entry_(other.entry_) {}

ConcurrencyLimiter::Lease& ConcurrencyLimiter::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    limiter_ = std::exchange(other.limiter_, nullptr);
    entry_ = other.entry_;
  }
  return *this;
}

void ConcurrencyLimiter::Lease::Release() {
  if (limiter_ == nullptr) return;
  std::exchange(limiter_, nullptr)->Release(entry_);
}

ConcurrencyLimiter::ConcurrencyLimiter(size_t total_limit, size_t per_key_limit)
    : total_limit_(std::max<size_t>(1, total_limit)), per_key_limit_(std::max<size_t>(1, per_key_limit)) {}

ConcurrencyLimiter::~ConcurrencyLimiter() {
  if (in_use_ != 0) std::abort();  // a Lease outlives its limiter: a bug
}

bool ConcurrencyLimiter::FreeLocked(std::string_view key, size_t key_limit) const {
  if (in_use_ >= total_limit_) return false;
  auto it = counts_.find(key);
  return it == counts_.end() || it->second < std::max<size_t>(1, key_limit);
}

std::optional<ConcurrencyLimiter::Lease> ConcurrencyLimiter::TryAcquire(std::string_view key) {
  return TryAcquire(key, per_key_limit_);
}

std::optional<ConcurrencyLimiter::Lease> ConcurrencyLimiter::TryAcquire(std::string_view key,
                                                                        size_t key_limit) {
  std::lock_guard lock(mutex_);
  if (!FreeLocked(key, key_limit)) return std::nullopt;
  auto it = counts_.find(key);
  if (it == counts_.end()) it = counts_.emplace(std::string(key), 0).first;
  ++it->second;
  ++in_use_;
  return Lease(this, it);
}

void ConcurrencyLimiter::Release(Counts::iterator entry) {
  std::string freed_key;
  {
    std::lock_guard lock(mutex_);
    if (on_release_) freed_key = entry->first;
    --in_use_;
    if (--entry->second == 0) counts_.erase(entry);
  }
  if (on_release_) on_release_(freed_key);
}

bool ConcurrencyLimiter::HasFreeSlot(std::string_view key) const { return HasFreeSlot(key, per_key_limit_); }

bool ConcurrencyLimiter::HasFreeSlot(std::string_view key, size_t key_limit) const {
  std::lock_guard lock(mutex_);
  return FreeLocked(key, key_limit);
}

size_t ConcurrencyLimiter::InUse() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

size_t ConcurrencyLimiter::InUse(std::string_view key) const {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

size_t ConcurrencyLimiter::KeysInUse() const {
  std::lock_guard lock(mutex_);
  return counts_.size();
}

}  // namespace herald::shaping
