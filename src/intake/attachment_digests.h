// AttachmentDigests: the SHA-256 of an attachment's encoded bytes (what the store finds a shared part by,
// storage/store.h SharedPart), remembered for the attachments an account sends again and again — a
// campaign's terms, its catalogue — so that the same 137 KB is not hashed again for every message.
//
// An entry is looked up by a cheap key (the size and the first and last KiB) and then compared byte for
// byte, so a digest is only ever given for the very bytes it was computed from: no crafted input can
// pass for another. Entries belong to one account, so a request's duration never tells an account
// whether another sent the same file. Bounded: at most `max_bytes` of remembered attachments, the least
// recently used forgotten first; attachments under kMinRememberedBytes are simply hashed.
//
// Thread-safety: Digest may be called concurrently from any thread.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace herald::intake {

class AttachmentDigests {
 public:
  static constexpr size_t kMinRememberedBytes = 4096;

  explicit AttachmentDigests(size_t max_bytes) : max_bytes_(max_bytes) {}

  // SHA-256 of `bytes` (32 bytes), from memory when `account_id` sent the same bytes lately.
  std::string Digest(std::string_view account_id, std::string_view bytes);

  size_t remembered_bytes() const;

 private:
  struct Entry {
    size_t key;  // KeyOf(account_id, bytes)
    std::string account_id;
    std::string bytes;
    std::string digest;
  };
  using Recent = std::list<std::shared_ptr<const Entry>>;

  std::shared_ptr<const Entry> Find(std::string_view account_id, std::string_view bytes, size_t key);
  void Remember(std::shared_ptr<const Entry> entry);

  const size_t max_bytes_;
  mutable std::mutex mutex_;
  Recent recent_;  // most recently used first
  std::unordered_multimap<size_t, Recent::iterator> by_key_;
  size_t bytes_ = 0;  // of the remembered attachments
};

}  // namespace herald::intake
