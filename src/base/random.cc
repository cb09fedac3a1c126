#include "base/random.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstdlib>

namespace herald {
namespace {
constexpr char kCrockford[] = "0123456789abcdefghjkmnpqrstvwxyz";
}

void RandomBytes(void* out, size_t size) {
  if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(size)) != 1) std::abort();
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
  // 16 bytes: 6 of big-endian milliseconds, 10 random; 128 bits → 26 base32 characters.
  unsigned char raw[16];
  uint64_t ms = static_cast<uint64_t>(ToUnixMillis(now));
  for (int i = 5; i >= 0; --i) {
    raw[i] = static_cast<unsigned char>(ms & 0xff);
    ms >>= 8;
  }
  RandomBytes(raw + 6, 10);
  std::string id(prefix);
  id += '_';
  id += Base32(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
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
