#include "storage/sqlite/read_pool.h"

namespace herald::storage::sqlite {

Result<std::unique_ptr<ReadPool>> ReadPool::Open(const std::string& path, int size) {
  std::unique_ptr<ReadPool> pool(new ReadPool());
  for (int i = 0; i < size; ++i) {
    Result<std::unique_ptr<Connection>> db = Connection::Open(path, Connection::Mode::kReadOnly);
    if (!db.ok()) return db.status();
    pool->idle_.push_back(std::move(*db));
  }
  return pool;
}

ReadPool::Lease ReadPool::Acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  std::unique_ptr<Connection> db = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(db));
}

void ReadPool::GiveBack(std::unique_ptr<Connection> db) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(db));
  }
  available_.notify_one();
}

}  // namespace herald::storage::sqlite
