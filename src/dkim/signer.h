// The DKIM signer (RFC 6376, RFC 8463, RFC 8301): the DKIM-Signature fields Herald puts on every message it
// sends, one per key of the sending domain (an RSA-2048 and an Ed25519 key).
//
// Every signature is relaxed/relaxed with SHA-256, carries t= (no x=, l= or i=), and covers the fields
// signed_fields.h names, over-signing From, Subject, Date, To and Message-ID. The body is canonicalised and
// hashed once for all keys; each key then signs its own header hash.
//
// Thread-safety: a Signer is immutable after Create; Sign is const and safe to call concurrently from many
// threads on one Signer.
// Untrusted input: `message` may come from the SMTP relay; it is only read (message_fields.h explains how
// malformed header lines are treated) and its size is bounded by the caller. Keys come from Herald's key
// store; private keys are secrets, never logged or kept as text once parsed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "dkim/key.h"
#include "dkim/private_key.h"

namespace herald::dkim {

struct SigningKey {
  std::string domain;    // d=, lowercase A-labels
  std::string selector;  // s=
  Algorithm algorithm;
  std::string private_key_pem;
};

class Signer {  // immutable after Create; Sign is const and safe to call concurrently from many threads
 public:
  // Parses every key once. InvalidArgument for no keys, an unreadable key, one whose type does not match
  // its algorithm, an RSA key under 1024 bits, or a domain or selector that is not a dot-separated list of
  // letter-digit-hyphen labels (which also refuses U-labels and anything that could break the header).
  static Result<std::shared_ptr<const Signer>> Create(std::vector<SigningKey> keys);

  // The DKIM-Signature header fields, one per key in the order given, each "DKIM-Signature: …\r\n" folded to
  // lines ≤ 78 columns where possible, to be put at the very top of `message` (a complete MIME message, CRLF
  // line ends). relaxed/relaxed, t= from `now`, no x=, no l=, no i=. The body is canonicalised and hashed
  // once for all keys. InvalidArgument when `message` has no header/body separation or no From: field;
  // Internal when OpenSSL fails.
  Result<std::string> Sign(std::string_view message, TimePoint now) const;

 private:
  struct Key {
    std::string domain;
    std::string selector;
    PrivateKey private_key;
  };

  explicit Signer(std::vector<Key> keys) : keys_(std::move(keys)) {}

  std::vector<Key> keys_;
};

}  // namespace herald::dkim
