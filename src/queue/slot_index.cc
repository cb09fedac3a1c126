#include "queue/slot_index.h"

#include <utility>

namespace herald::queue {
namespace {

constexpr size_t kInitialCells = 16;

}  // namespace

SlotIndex::SlotIndex(KeyOf key_of) : key_of_(std::move(key_of)), cells_(kInitialCells, kEmpty) {}

std::optional<size_t> SlotIndex::CellOf(std::string_view key) const {
  const size_t mask = cells_.size() - 1;
  for (size_t i = Home(key);; i = (i + 1) & mask) {
    if (cells_[i] == kEmpty) return std::nullopt;
    if (key_of_(cells_[i]) == key) return i;
  }
}

std::optional<uint32_t> SlotIndex::Find(std::string_view key) const {
  std::optional<size_t> cell = CellOf(key);
  if (!cell) return std::nullopt;
  return cells_[*cell];
}

void SlotIndex::Insert(uint32_t slot) {
  if ((size_ + 1) * 4 > cells_.size() * 3) Grow();
  Place(slot);
  ++size_;
}

void SlotIndex::Place(uint32_t slot) {
  const size_t mask = cells_.size() - 1;
  size_t i = Home(key_of_(slot));
  while (cells_[i] != kEmpty) i = (i + 1) & mask;
  cells_[i] = slot;
}

bool SlotIndex::Erase(std::string_view key) {
  std::optional<size_t> cell = CellOf(key);
  if (!cell) return false;
  const size_t mask = cells_.size() - 1;
  size_t hole = *cell;
  cells_[hole] = kEmpty;
  --size_;
  // Every cell of the probe run after the hole whose home is not between the hole and itself
  // (cyclically) would no longer be found past the hole: move it into the hole, which moves the hole.
  for (size_t j = (hole + 1) & mask; cells_[j] != kEmpty; j = (j + 1) & mask) {
    const size_t home = Home(key_of_(cells_[j]));
    const bool stays = hole < j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    cells_[hole] = cells_[j];
    cells_[j] = kEmpty;
    hole = j;
  }
  return true;
}

void SlotIndex::Grow() {
  std::vector<uint32_t> old(cells_.size() * 2, kEmpty);
  old.swap(cells_);
  for (uint32_t slot : old) {
    if (slot != kEmpty) Place(slot);
  }
}

}  // namespace herald::queue
