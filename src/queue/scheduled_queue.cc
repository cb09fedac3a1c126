#include "queue/scheduled_queue.h"

#include <cstring>
#include <utility>

namespace herald::queue {
namespace {

// A string in 32 bytes: inline up to 31 bytes (every NewId is 30), on the heap when longer. Half the
// size of a std::string holding a 30-byte id (32 bytes plus a 32-byte allocation).
class PackedId {
 public:
  PackedId() { Tag(0); }
  ~PackedId() { Clear(); }
  PackedId(const PackedId&) = delete;
  PackedId& operator=(const PackedId&) = delete;

  void Assign(std::string_view id) {
    Clear();
    if (id.size() <= kInline) {
      std::memcpy(bytes_, id.data(), id.size());
      Tag(static_cast<unsigned char>(id.size()));
      return;
    }
    Long heap{new char[id.size()], id.size()};
    std::memcpy(heap.data, id.data(), id.size());
    std::memcpy(bytes_, &heap, sizeof heap);
    Tag(kLongTag);
  }

  std::string_view view() const {
    const unsigned char tag = Tag();
    if (tag != kLongTag) return {bytes_, tag};
    Long heap;
    std::memcpy(&heap, bytes_, sizeof heap);
    return {heap.data, heap.size};
  }

  void Clear() {
    if (Tag() == kLongTag) {
      Long heap;
      std::memcpy(&heap, bytes_, sizeof heap);
      delete[] heap.data;
    }
    Tag(0);
  }

 private:
  struct Long {
    char* data;
    size_t size;
  };
  static constexpr size_t kInline = 31;
  static constexpr unsigned char kLongTag = 0xff;

  unsigned char Tag() const { return static_cast<unsigned char>(bytes_[kInline]); }
  void Tag(unsigned char tag) { bytes_[kInline] = static_cast<char>(tag); }

  char bytes_[kInline + 1];  // the inline id and, last, its length or kLongTag
};
static_assert(sizeof(PackedId) == 32);

}  // namespace

struct ScheduledQueue::Entry {
  PackedId id;  // empty while the slot is free
  TimePoint created_at;
  int attempts = 0;
  uint32_t heap_pos = 0;  // where this entry's HeapItem is in heap_
  SharedStrings::value_type* domain = nullptr;
  SharedStrings::value_type* pool = nullptr;
};

ScheduledQueue::ScheduledQueue() : index_([this](uint32_t slot) { return At(slot).id.view(); }) {}

ScheduledQueue::~ScheduledQueue() = default;

ScheduledQueue::Entry& ScheduledQueue::At(uint32_t slot) const { return chunks_[slot / kChunk][slot % kChunk]; }

uint32_t ScheduledQueue::NewSlot() {
  if (!free_slots_.empty()) {
    uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  if (slots_made_ % kChunk == 0) chunks_.push_back(std::make_unique<Entry[]>(kChunk));
  return slots_made_++;
}

ScheduledQueue::SharedStrings::value_type* ScheduledQueue::Acquire(SharedStrings& table, std::string&& name,
                                                                   int attempts) {
  auto it = table.try_emplace(std::move(name)).first;
  ++(attempts > 0 ? it->second.deferred : it->second.queued);
  return &*it;
}

void ScheduledQueue::Release(SharedStrings& table, SharedStrings::value_type* shared, int attempts) {
  Shared& counts = shared->second;
  --(attempts > 0 ? counts.deferred : counts.queued);
  if (counts.queued == 0 && counts.deferred == 0) table.erase(table.find(shared->first));
}

void ScheduledQueue::Pack(QueuedMessage&& message, Entry& entry) {
  // Every field by name: one added to QueuedMessage stops the build here until Entry keeps it too.
  [[maybe_unused]] auto& [id, due, attempts, created_at, domain, pool] = message;
  entry.id.Assign(id);
  entry.created_at = created_at;
  entry.attempts = attempts;
  entry.domain = Acquire(domains_, std::move(domain), attempts);
  entry.pool = Acquire(pools_, std::move(pool), attempts);
}

QueuedMessage ScheduledQueue::Unpack(const Entry& entry, TimePoint due) const {
  return {std::string(entry.id.view()), due, entry.attempts, entry.created_at, entry.domain->first,
          entry.pool->first};
}

void ScheduledQueue::PlaceItem(size_t pos, HeapItem item) {
  heap_[pos] = item;
  At(item.slot).heap_pos = static_cast<uint32_t>(pos);
}

void ScheduledQueue::SiftUp(size_t pos) {
  const HeapItem item = heap_[pos];
  while (pos > 0) {
    const size_t parent = (pos - 1) / 2;
    if (!(item.due < heap_[parent].due)) break;
    PlaceItem(pos, heap_[parent]);
    pos = parent;
  }
  PlaceItem(pos, item);
}

void ScheduledQueue::SiftDown(size_t pos) {
  const HeapItem item = heap_[pos];
  const size_t size = heap_.size();
  while (true) {
    size_t child = 2 * pos + 1;
    if (child >= size) break;
    if (child + 1 < size && heap_[child + 1].due < heap_[child].due) ++child;
    if (!(heap_[child].due < item.due)) break;
    PlaceItem(pos, heap_[child]);
    pos = child;
  }
  PlaceItem(pos, item);
}

QueuedMessage ScheduledQueue::RemoveSlot(uint32_t slot) {
  Entry& entry = At(slot);
  const size_t pos = entry.heap_pos;
  QueuedMessage message = Unpack(entry, heap_[pos].due);

  const HeapItem last = heap_.back();
  heap_.pop_back();
  if (pos < heap_.size()) {
    PlaceItem(pos, last);
    SiftUp(pos);
    SiftDown(At(last.slot).heap_pos);
  }
  index_.Erase(entry.id.view());
  Release(domains_, entry.domain, entry.attempts);
  Release(pools_, entry.pool, entry.attempts);
  entry.id.Clear();
  entry.domain = entry.pool = nullptr;
  free_slots_.push_back(slot);
  return message;
}

void ScheduledQueue::Schedule(QueuedMessage message) {
  std::function<void()> wakeup;
  {
    std::lock_guard lock(mutex_);
    const TimePoint due = message.due;
    const bool earliest = heap_.empty() || due < heap_.front().due;
    if (std::optional<uint32_t> slot = index_.Find(message.id)) {
      Entry& entry = At(*slot);
      Release(domains_, entry.domain, entry.attempts);
      Release(pools_, entry.pool, entry.attempts);
      Pack(std::move(message), entry);
      heap_[entry.heap_pos].due = due;
      SiftUp(entry.heap_pos);
      SiftDown(entry.heap_pos);
    } else {
      const uint32_t new_slot = NewSlot();
      Pack(std::move(message), At(new_slot));
      index_.Insert(new_slot);
      heap_.push_back({due, new_slot});
      SiftUp(heap_.size() - 1);
    }
    if (earliest) wakeup = wakeup_;
  }
  if (wakeup) wakeup();
}

std::vector<QueuedMessage> ScheduledQueue::TakeDue(TimePoint now, size_t max) {
  std::vector<QueuedMessage> due;
  std::lock_guard lock(mutex_);
  while (!heap_.empty() && due.size() < max && heap_.front().due <= now) {
    due.push_back(RemoveSlot(heap_.front().slot));
  }
  return due;
}

std::optional<TimePoint> ScheduledQueue::NextDue() const {
  std::lock_guard lock(mutex_);
  if (heap_.empty()) return std::nullopt;
  return heap_.front().due;
}

size_t ScheduledQueue::size() const {
  std::lock_guard lock(mutex_);
  return heap_.size();
}

void ScheduledQueue::SetWakeup(std::function<void()> wakeup) {
  std::lock_guard lock(mutex_);
  wakeup_ = std::move(wakeup);
}

std::optional<QueuedMessage> ScheduledQueue::Remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  std::optional<uint32_t> slot = index_.Find(id);
  if (!slot) return std::nullopt;
  return RemoveSlot(*slot);
}

bool ScheduledQueue::MakeDue(std::string_view id, TimePoint now) {
  std::function<void()> wakeup;
  {
    std::lock_guard lock(mutex_);
    std::optional<uint32_t> slot = index_.Find(id);
    if (!slot) return false;
    const size_t pos = At(*slot).heap_pos;
    if (heap_[pos].due <= now) return true;
    if (now < heap_.front().due) wakeup = wakeup_;
    heap_[pos].due = now;
    SiftUp(pos);
  }
  if (wakeup) wakeup();
  return true;
}

bool ScheduledQueue::Contains(std::string_view id) const {
  std::lock_guard lock(mutex_);
  return index_.Find(id).has_value();
}

std::vector<DomainCount> ScheduledQueue::CountByDomain() const {
  std::lock_guard lock(mutex_);
  std::vector<DomainCount> counts;
  counts.reserve(domains_.size());
  for (const auto& [domain, shared] : domains_) counts.push_back({domain, shared.queued, shared.deferred});
  return counts;
}

size_t ScheduledQueue::MemoryBytes() const {
  std::lock_guard lock(mutex_);
  size_t bytes = chunks_.size() * kChunk * sizeof(Entry) + chunks_.capacity() * sizeof(chunks_[0]) +
                 free_slots_.capacity() * sizeof(uint32_t) + heap_.capacity() * sizeof(HeapItem) +
                 index_.bytes();
  for (const SharedStrings* table : {&domains_, &pools_}) {
    bytes += table->bucket_count() * sizeof(void*);
    for (const auto& [name, shared] : *table) {
      // A node: the next pointer and the cached hash, the pair, and a name too long for the string's
      // inline buffer on the heap.
      bytes += 2 * sizeof(void*) + sizeof(SharedStrings::value_type);
      if (name.size() > 15) bytes += name.capacity() + 1;
    }
  }
  return bytes;
}

}  // namespace herald::queue
