#include "dkim/body_hash.h"

#include "dkim/base64.h"

namespace herald::dkim {
namespace {

constexpr size_t kGatherBytes = 1024;

}  // namespace

void BodyHasher::Hash(std::string_view text) {
  if (gathered_.size() + text.size() <= kGatherBytes) {
    gathered_ += text;
    return;
  }
  HashGathered();
  if (text.size() < kGatherBytes) {
    gathered_ = text;
  } else {
    sha256_.Update(text);
  }
}

void BodyHasher::HashGathered() {
  sha256_.Update(gathered_);
  gathered_.clear();
}

std::string BodyHasher::Finish() {
  canonicalizer_.Finish();
  HashGathered();
  internal::Sha256Digest digest = sha256_.Finish();
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string BodyHash(Canonicalization canonicalization, std::string_view body) {
  BodyHasher hasher(canonicalization);
  hasher.Update(body);
  return hasher.Finish();
}

}  // namespace herald::dkim
