#include "dkim/body_hash.h"

#include "dkim/base64.h"

namespace herald::dkim {
namespace {

// Canonicalise and hash this much at a time: the canonical text stays in the CPU cache.
constexpr size_t kSliceBytes = 16 * 1024;

}  // namespace

void BodyHasher::Update(std::string_view chunk) {
  while (!chunk.empty()) {
    std::string_view slice = chunk.substr(0, kSliceBytes);
    chunk.remove_prefix(slice.size());
    canonicalizer_.Update(slice, canonical_);
    HashCanonicalText();
  }
}

std::string BodyHasher::Finish() {
  canonicalizer_.Finish(canonical_);
  HashCanonicalText();
  internal::Sha256Digest digest = sha256_.Finish();
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

void BodyHasher::HashCanonicalText() {
  sha256_.Update(canonical_);
  canonical_.clear();
}

std::string BodyHash(Canonicalization canonicalization, std::string_view body) {
  BodyHasher hasher(canonicalization);
  hasher.Update(body);
  return hasher.Finish();
}

}  // namespace herald::dkim
