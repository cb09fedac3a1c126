// ConcurrencyLimiter: "at most N connections to this site, M in total": a slot per open
// connection (or delivery in flight), held by an RAII Lease and given back when the lease goes.
//
// A slot is granted when both the key's count is below its limit and the total is below the total
// limit. Limits are at least 1; kUnlimited lifts one. Only keys holding slots are remembered, so
// memory is bounded by the slots in use.
//
// Fairness: none. One key may hold every free slot of the total while other keys wait; nothing is
// queued here and nothing is reserved for anyone. Fairness between destinations belongs to the
// caller: the delivery scheduler serves its ready queues round-robin (queue/ready_queue.h) and asks
// for one slot per turn, so a busy site gets no more turns than a quiet one. A per-key limit well
// below the total limit keeps one site from taking everything.
//
// Thread-safety: all methods may be called concurrently, and a Lease may be released on any
// thread. The limiter must outlive every lease it granted. Untrusted input: keys are used only as
// map keys.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace herald::shaping {

class ConcurrencyLimiter {
  using Counts = std::map<std::string, size_t, std::less<>>;  // key → slots held; never 0

 public:
  static constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();

  // One slot: move-only; gives the slot back when destroyed or Release()d.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { Release(); }

    // Gives the slot back now; later calls do nothing.
    void Release();
    bool held() const { return limiter_ != nullptr; }
    explicit operator bool() const { return held(); }
    // The key the slot counts against; only while held.
    const std::string& key() const { return entry_->first; }

   private:
    friend class ConcurrencyLimiter;
    Lease(ConcurrencyLimiter* limiter, Counts::iterator entry) : limiter_(limiter), entry_(entry) {}

    ConcurrencyLimiter* limiter_ = nullptr;
    Counts::iterator entry_;
  };

  // `total_limit` slots in all; `per_key_limit` for each key unless TryAcquire names another.
  ConcurrencyLimiter(size_t total_limit, size_t per_key_limit);
  // Aborts when leases are still held: they would point at a destroyed limiter.
  ~ConcurrencyLimiter();
  ConcurrencyLimiter(const ConcurrencyLimiter&) = delete;
  ConcurrencyLimiter& operator=(const ConcurrencyLimiter&) = delete;

  // A slot for `key`, or nullopt when the key or the total is at its limit. The second form limits
  // this key to `key_limit` instead of the default (a destination with its own limit).
  std::optional<Lease> TryAcquire(std::string_view key);
  std::optional<Lease> TryAcquire(std::string_view key, size_t key_limit);

  // Whether TryAcquire would grant a slot now (another thread may take it first).
  bool HasFreeSlot(std::string_view key) const;
  bool HasFreeSlot(std::string_view key, size_t key_limit) const;

  size_t InUse() const;
  size_t InUse(std::string_view key) const;
  // Keys holding at least one slot.
  size_t KeysInUse() const;

  // Called after every release, outside the lock, on the releasing thread, with the key whose slot
  // was freed: the scheduler's cue to look at its waiting messages again. Set it before the limiter
  // is shared.
  void SetOnRelease(std::function<void(std::string_view key)> on_release) {
    on_release_ = std::move(on_release);
  }

 private:
  bool FreeLocked(std::string_view key, size_t key_limit) const;
  void Release(Counts::iterator entry);

  const size_t total_limit_;
  const size_t per_key_limit_;
  mutable std::mutex mutex_;
  Counts counts_;
  size_t in_use_ = 0;
  std::function<void(std::string_view key)> on_release_;
};

}  // namespace herald::shaping
