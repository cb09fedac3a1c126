// SlotIndex: finds a record by its string key when the records live elsewhere, in numbered slots,
// without keeping a second copy of the key (the scheduled queue's message id → its entry).
//
// An open-addressing hash table of slot numbers: linear probing, and deletion shifts the cells that
// follow back into the hole, so no tombstones build up however many records come and go. A cell is
// 4 bytes and the table is at most 3/4 full: 5.3 to 10.7 bytes per record, where a node-based
// std::unordered_map<std::string_view, uint32_t> costs about 40 (node, bucket, allocator rounding)
// and one keyed by std::string would also copy every key. The table grows by doubling and never
// shrinks: its high-water mark is what the queue once needed and will likely need again.
//
// The owner tells it a slot's key through `key_of`; a record's key must not change while indexed.
//
// Thread-safety: none; the owner locks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace herald::queue {

class SlotIndex {
 public:
  using KeyOf = std::function<std::string_view(uint32_t slot)>;

  explicit SlotIndex(KeyOf key_of);

  std::optional<uint32_t> Find(std::string_view key) const;
  // Adds `slot`, whose key must not be indexed yet.
  void Insert(uint32_t slot);
  // Removes the slot whose key is `key`; false when there is none.
  bool Erase(std::string_view key);

  size_t size() const { return size_; }
  size_t bytes() const { return cells_.capacity() * sizeof(uint32_t); }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  size_t Home(std::string_view key) const { return std::hash<std::string_view>{}(key) & (cells_.size() - 1); }
  // The cell holding `key`'s slot, or nullopt.
  std::optional<size_t> CellOf(std::string_view key) const;
  void Place(uint32_t slot);
  void Grow();

  KeyOf key_of_;
  std::vector<uint32_t> cells_;  // a power of two in size; kEmpty or a slot number
  size_t size_ = 0;
};

}  // namespace herald::queue
