#include "intake/attachment_digests.h"

#include <functional>
#include <vector>

#include "base/digest.h"

namespace herald::intake {
namespace {

constexpr size_t kSampledBytes = 1024;

// Cheap to compute and spread enough: equal bytes always have equal keys; the comparison does the rest.
size_t KeyOf(std::string_view account_id, std::string_view bytes) {
  const std::hash<std::string_view> hash;
  size_t key = hash(account_id) ^ (bytes.size() * 0x9e3779b97f4a7c15ULL);
  key = key * 31 + hash(bytes.substr(0, kSampledBytes));
  return key * 31 + hash(bytes.substr(bytes.size() - std::min(bytes.size(), kSampledBytes)));
}

}  // namespace

std::string AttachmentDigests::Digest(std::string_view account_id, std::string_view bytes) {
  if (bytes.size() < kMinRememberedBytes || bytes.size() > max_bytes_) return Sha256(bytes);
  const size_t key = KeyOf(account_id, bytes);
  if (std::shared_ptr<const Entry> found = Find(account_id, bytes, key)) return found->digest;
  auto entry = std::make_shared<const Entry>(Entry{key, std::string(account_id), std::string(bytes), Sha256(bytes)});
  std::string digest = entry->digest;
  Remember(std::move(entry));
  return digest;
}

std::shared_ptr<const AttachmentDigests::Entry> AttachmentDigests::Find(std::string_view account_id,
                                                                        std::string_view bytes, size_t key) {
  std::vector<std::shared_ptr<const Entry>> candidates;
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = by_key_.equal_range(key);
    for (auto it = begin; it != end; ++it) candidates.push_back(*it->second);
  }
  // Compared outside the lock: a comparison of 100 KB must not hold up the other threads.
  for (std::shared_ptr<const Entry>& candidate : candidates) {
    if (candidate->account_id != account_id || candidate->bytes != bytes) continue;
    std::lock_guard lock(mutex_);
    auto [begin, end] = by_key_.equal_range(key);
    for (auto it = begin; it != end; ++it) {
      if (*it->second == candidate) recent_.splice(recent_.begin(), recent_, it->second);  // still remembered
    }
    return candidate;
  }
  return nullptr;
}

void AttachmentDigests::Remember(std::shared_ptr<const Entry> entry) {
  std::lock_guard lock(mutex_);
  const size_t key = entry->key;
  auto [begin, end] = by_key_.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    const Entry& known = **it->second;
    if (known.account_id == entry->account_id && known.bytes == entry->bytes) return;  // another thread was first
  }
  bytes_ += entry->bytes.size();
  recent_.push_front(std::move(entry));
  by_key_.emplace(key, recent_.begin());
  while (bytes_ > max_bytes_) {
    const std::shared_ptr<const Entry>& oldest = recent_.back();
    auto [first, last] = by_key_.equal_range(oldest->key);
    for (auto it = first; it != last; ++it) {
      if (*it->second == oldest) {
        by_key_.erase(it);
        break;
      }
    }
    bytes_ -= oldest->bytes.size();
    recent_.pop_back();
  }
}

size_t AttachmentDigests::remembered_bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace herald::intake
