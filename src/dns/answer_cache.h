// AnswerCache: DNS answers kept for their TTL (positive and negative alike, RFC 2308), bounded in size.
//
// An answer is kept until its TTL has passed on the given Clock; a hit returns it with its TTL cut to
// the whole seconds left. An answer with a TTL of zero is not kept. When the cache is full, the entry
// that would expire first makes room (expired entries first of all, as they expire earliest).
//
// Thread-safety: none; CachingResolver guards its caches with a mutex.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/clock.h"

namespace herald::dns {

template <typename Answer>  // an answer of dns/answer.h: has `Ttl ttl`
class AnswerCache {
 public:
  AnswerCache(const Clock& clock, size_t max_entries) : clock_(clock), max_entries_(max_entries) {}

  std::optional<Answer> Get(const std::string& key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    TimePoint now = clock_.Now();
    if (now >= it->second.expires) {
      Erase(it);
      return std::nullopt;
    }
    Answer answer = it->second.answer;
    answer.ttl = std::chrono::duration_cast<std::chrono::seconds>(it->second.expires - now);
    return answer;
  }

  void Put(const std::string& key, const Answer& answer) {
    if (auto it = entries_.find(key); it != entries_.end()) Erase(it);
    if (answer.ttl <= std::chrono::seconds(0) || max_entries_ == 0) return;
    while (entries_.size() >= max_entries_) Erase(entries_.find(by_expiry_.begin()->second));
    TimePoint expires = clock_.Now() + std::chrono::duration_cast<Duration>(answer.ttl);
    auto order = by_expiry_.emplace(expires, key);
    entries_.emplace(key, Entry{answer, expires, order});
  }

  size_t size() const { return entries_.size(); }

 private:
  using ExpiryIndex = std::multimap<TimePoint, std::string>;
  struct Entry {
    Answer answer;
    TimePoint expires;
    typename ExpiryIndex::iterator order;
  };
  using Entries = std::unordered_map<std::string, Entry>;

  void Erase(typename Entries::iterator it) {
    by_expiry_.erase(it->second.order);
    entries_.erase(it);
  }

  const Clock& clock_;
  size_t max_entries_;
  Entries entries_;
  ExpiryIndex by_expiry_;
};

}  // namespace herald::dns
