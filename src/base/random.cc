#include "base/random.h"

#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace herald {
namespace {
constexpr char kCrockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

void Fill(unsigned char* out, size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) std::abort();
}

// Bumped in a forked child, whose copies of the pools below hold its parent's bytes.
std::atomic<uint64_t> fork_generation{0};

// Small requests (an id's 10 bytes, a secret's 32) are served from a per-thread pool of OpenSSL's
// output, refilled 4 KiB at a time. Each RAND_bytes call takes OpenSSL's DRBG lock and asks the
// kernel for the process id, to notice a fork: three of a campaign message's system calls, for 36 bytes.
class Pool {
 public:
  void Take(unsigned char* out, size_t size) {
    const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
    if (generation != generation_ || size > left_) {
      Fill(bytes_.data(), bytes_.size());
      left_ = bytes_.size();
      generation_ = generation;
    }
    unsigned char* taken = bytes_.data() + bytes_.size() - left_;
    std::memcpy(out, taken, size);
    std::memset(taken, 0, size);  // handed out once, and not kept
    left_ -= size;
  }

 private:
  std::array<unsigned char, 4096> bytes_{};
  size_t left_ = 0;
  uint64_t generation_ = 0;
};

constexpr size_t kPooledMax = 64;

}  // namespace

void RandomBytes(void* out, size_t size) {
  static const bool fork_handler = [] {
    return pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1, std::memory_order_relaxed); }) == 0;
  }();
  auto* bytes = static_cast<unsigned char*>(out);
  if (size > kPooledMax || !fork_handler) return Fill(bytes, size);
  thread_local Pool pool;
  pool.Take(bytes, size);
}

std::string Base32(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kCrockford[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kCrockford[(buffer << (5 - bits)) & 31];
  return out;
}

std::string NewId(std::string_view prefix, TimePoint now) {
  // 16 bytes: 6 of big-endian milliseconds, 10 random; 128 bits → 26 base32 characters. Within one
  // millisecond the next id is the last one plus one (as ULID's monotonic mode), so the ids this process
  // makes sort in the order it made them: rows listed by id come out in the order they were created.
  // A forked child starts afresh, so that it never makes the ids its parent makes next.
  static std::mutex mutex;
  static std::array<unsigned char, 16> last{};  // guarded by mutex
  static uint64_t last_generation = 0;          // guarded by mutex
  std::array<unsigned char, 16> raw;
  uint64_t ms = static_cast<uint64_t>(ToUnixMillis(now));
  for (int i = 5; i >= 0; --i) {
    raw[i] = static_cast<unsigned char>(ms & 0xff);
    ms >>= 8;
  }
  {
    std::lock_guard lock(mutex);
    const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
    if (std::memcmp(raw.data(), last.data(), 6) == 0 && generation == last_generation) {
      raw = last;
      for (int i = 15; i >= 6; --i) {  // plus one; ten bytes do not run out within a millisecond
        if (++raw[i] != 0) break;
      }
    } else {
      RandomBytes(raw.data() + 6, 10);
    }
    last = raw;
    last_generation = fork_generation.load(std::memory_order_relaxed);  // RandomBytes may have set up its handler
  }
  std::string id(prefix);
  id += '_';
  id += Base32(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
  return id;
}

std::string NewSecret(std::string_view prefix) {
  unsigned char raw[32];
  RandomBytes(raw, sizeof raw);
  std::string secret(prefix);
  secret += Base32(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
  return secret;
}

}  // namespace herald
