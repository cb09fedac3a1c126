// The body hash of a DKIM signature (RFC 6376 §3.7, the bh= tag): SHA-256 of the canonical body,
// computed in one pass over the body, in chunks of any size, without a canonical copy of the whole body.
//
// Thread-safety: a BodyHasher belongs to one thread at a time; BodyHash is a pure function.
// Untrusted input: yes (message bodies); see canonicalization.h. Memory stays bounded whatever the body.
#pragma once

#include <string>
#include <string_view>

#include "dkim/canonicalization.h"
#include "dkim/openssl_support.h"

namespace herald::dkim {

class BodyHasher {
 public:
  explicit BodyHasher(Canonicalization canonicalization) : canonicalizer_(canonicalization) {}

  void Update(std::string_view chunk);
  // The bh= value: base64 of the SHA-256 of the canonical body. Call once.
  std::string Finish();

 private:
  void HashCanonicalText();

  BodyCanonicalizer canonicalizer_;
  internal::Sha256 sha256_;
  std::string canonical_;  // canonical text not yet hashed
};

// The bh= value of a whole body.
std::string BodyHash(Canonicalization canonicalization, std::string_view body);

}  // namespace herald::dkim
