// ScheduledQueue: messages waiting for the time of their next delivery attempt (STYLE habit 10:
// scheduling is separate from the per-destination ready queues and from shaping).
//
// Producers (intake after a durable commit, delivery after a deferral, recovery at start) call
// Schedule() from any thread. One consumer — the delivery dispatcher — calls TakeDue() and NextDue()
// and is told through the wake-up function when an earlier message arrives. A message is in the queue
// at most once: scheduling an id that already waits replaces it.
//
// Administration finds a waiting message by id: Remove (cancel), MakeDue (retry now), Contains; and
// CountByDomain says how many wait per recipient domain, never attempted or deferred.
//
// Memory, because a queue may hold millions of deferred messages (docs/benchmarks.md measures it):
// each message is one compact entry in a slab of fixed-size chunks — its id inline (a NewId is 30
// bytes), its domain and pool as pointers to one shared, counted copy each — plus a 16-byte heap item
// (due time and slot, so sifting never leaves the heap array) and a cell of the id index
// (queue/slot_index.h), with no second copy of the id anywhere: about 90 bytes a message in all.
// Freed slots are reused; the slab, heap and index keep their high-water mark.
//
// Thread-safety: all methods are safe to call concurrently. The wake-up function is called on the
// producer's thread, outside the lock; it must be quick (post to the consumer's executor).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "queue/slot_index.h"

namespace herald::queue {

struct QueuedMessage {
  std::string id;
  TimePoint due;
  int attempts = 0;  // attempts already made
  TimePoint created_at;
  std::string domain;  // the recipient's domain, lowercased: what MX delivery routes by
  std::string pool;    // the IP pool it leaves through (rate limits and source addresses)
};

// The messages of one recipient domain waiting in a ScheduledQueue.
struct DomainCount {
  std::string domain;
  size_t queued = 0;    // never attempted yet
  size_t deferred = 0;  // attempted before
};

class ScheduledQueue {
 public:
  ScheduledQueue();
  ~ScheduledQueue();
  ScheduledQueue(const ScheduledQueue&) = delete;
  ScheduledQueue& operator=(const ScheduledQueue&) = delete;

  // Adds the message, or replaces the waiting one with the same id.
  void Schedule(QueuedMessage message);
  // Removes and returns up to `max` messages due at or before `now`, earliest first.
  std::vector<QueuedMessage> TakeDue(TimePoint now, size_t max);
  // The earliest due time, if any message waits.
  std::optional<TimePoint> NextDue() const;
  size_t size() const;
  // Called after Schedule() or MakeDue() whenever the earliest due time may have moved earlier.
  void SetWakeup(std::function<void()> wakeup);

  // Removes the waiting message `id`; nullopt when it does not wait here.
  std::optional<QueuedMessage> Remove(std::string_view id);
  // Makes the waiting message `id` due at `now` unless it already is; false when it does not wait here.
  bool MakeDue(std::string_view id, TimePoint now);
  bool Contains(std::string_view id) const;
  // One count per recipient domain with messages waiting, in no particular order.
  std::vector<DomainCount> CountByDomain() const;

  // Bytes held by the queue's own structures (the slab, heap, index and shared strings), for the
  // scale benchmark: allocator overhead aside, what the process pays per waiting message.
  size_t MemoryBytes() const;

 private:
  struct Entry;  // one waiting message, compact (scheduled_queue.cc)
  struct HeapItem {
    TimePoint due;
    uint32_t slot;
  };
  // A string many messages share (a domain, a pool), kept once with the number of its users.
  struct Shared {
    size_t queued = 0;
    size_t deferred = 0;
  };
  using SharedStrings = std::unordered_map<std::string, Shared>;

  static constexpr uint32_t kChunk = 4096;  // entries per slab chunk

  Entry& At(uint32_t slot) const;
  uint32_t NewSlot();
  void Pack(QueuedMessage&& message, Entry& entry);
  QueuedMessage Unpack(const Entry& entry, TimePoint due) const;
  void Release(SharedStrings& table, SharedStrings::value_type* shared, int attempts);
  SharedStrings::value_type* Acquire(SharedStrings& table, std::string&& name, int attempts);
  // Takes the entry in `slot` out of the heap, the index and the shared counts, and frees the slot.
  QueuedMessage RemoveSlot(uint32_t slot);
  void SiftUp(size_t pos);
  void SiftDown(size_t pos);
  void PlaceItem(size_t pos, HeapItem item);

  mutable std::mutex mutex_;
  // Everything below is guarded by mutex_.
  std::vector<std::unique_ptr<Entry[]>> chunks_;  // the slab: slot s is chunks_[s / kChunk][s % kChunk]
  uint32_t slots_made_ = 0;                       // slots ever handed out: the slab's high-water mark
  std::vector<uint32_t> free_slots_;
  std::vector<HeapItem> heap_;  // a binary min-heap on due; each entry knows where its item is
  SlotIndex index_;             // id → slot
  SharedStrings domains_;       // counts per domain: what CountByDomain reports
  SharedStrings pools_;
  std::function<void()> wakeup_;
};

}  // namespace herald::queue
