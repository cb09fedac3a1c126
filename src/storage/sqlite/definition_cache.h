// DefinitionCache: campaigns or profile tables, kept in memory as last read.
//
// Every trigger reads its campaign (with 20 KB or more of HTML) and the campaign's profile table; read
// from the database each time, they took 4.6 % of Herald's CPU in bench/campaign_send.sh. Keeping them
// is sound because only the daemon's store changes them (the CLI goes through the API): a profile table
// never changes once created, and the store calls Forget once a change of a campaign has committed. A
// read racing such a change is not kept: Get notes the generation before it reads, and Forget moves the
// generation on.
//
// Thread-safety: all members may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

namespace herald::storage::sqlite {

template <typename T>
class DefinitionCache {
 public:
  // At most `capacity` entries; past that one is dropped for each new one.
  explicit DefinitionCache(size_t capacity) : capacity_(capacity) {}

  // The account's definition `name`: from memory, else from `read`, whose answer is kept when it is one
  // and no Forget ran meanwhile. Errors are `read`'s, never kept.
  template <typename Read>  // Result<T>()
  Result<T> Get(std::string_view account_id, std::string_view name, Read&& read) {
    const std::string key = Key(account_id, name);
    uint64_t generation;
    {
      std::lock_guard lock(mutex_);
      if (auto found = entries_.find(key); found != entries_.end()) return found->second;
      generation = generation_;
    }
    Result<T> value = read();
    if (value.ok()) {
      std::lock_guard lock(mutex_);
      if (generation == generation_) {
        if (entries_.size() >= capacity_ && !entries_.empty()) entries_.erase(entries_.begin());
        entries_.insert_or_assign(key, *value);
      }
    }
    return value;
  }

  // Drops the account's definition `name`; a Get reading it meanwhile does not keep what it read.
  void Forget(std::string_view account_id, std::string_view name) {
    std::lock_guard lock(mutex_);
    ++generation_;
    entries_.erase(Key(account_id, name));
  }

 private:
  static std::string Key(std::string_view account_id, std::string_view name) {
    std::string key(account_id);
    key += '\0';  // never in an id
    key += name;
    return key;
  }

  const size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, T> entries_;  // guarded by mutex_
  uint64_t generation_ = 0;                     // guarded by mutex_
};

}  // namespace herald::storage::sqlite
