// The body hash of a DKIM signature (RFC 6376 §3.7, the bh= tag): SHA-256 of the canonical body,
// computed in one pass over the body, in chunks of any size, without a canonical copy of the body.
//
// Thread-safety: a BodyHasher belongs to one thread at a time; BodyHash is a pure function.
// Untrusted input: yes (message bodies); see canonicalization.h. It keeps at most 1 KB, whatever the body.
#pragma once

#include <string>
#include <string_view>

#include "dkim/canonicalization.h"
#include "dkim/openssl_support.h"

namespace herald::dkim {

class BodyHasher {
 public:
  explicit BodyHasher(Canonicalization canonicalization)
      : canonicalizer_(canonicalization, [this](std::string_view text) { Hash(text); }) {}
  BodyHasher(const BodyHasher&) = delete;  // the canonicalizer's sink points at this object
  BodyHasher& operator=(const BodyHasher&) = delete;

  void Update(std::string_view chunk) { canonicalizer_.Update(chunk); }
  // The bh= value: base64 of the SHA-256 of the canonical body. Call once.
  std::string Finish();

 private:
  // Hashes long pieces of canonical text at once and gathers short ones (a SP, a CRLF, a word between two
  // whitespace runs), so that SHA-256 is called about once per kilobyte rather than once per piece.
  void Hash(std::string_view text);
  void HashGathered();

  internal::Sha256 sha256_;
  std::string gathered_;
  BodyCanonicalizer canonicalizer_;
};

// The bh= value of a whole body.
std::string BodyHash(Canonicalization canonicalization, std::string_view body);

}  // namespace herald::dkim
