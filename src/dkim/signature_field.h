// The DKIM-Signature header fields Herald writes (RFC 6376 §3.5): v, a, c, d, s, t, h, bh and b in that
// order, relaxed/relaxed, no i=, l=, q= or x=, folded so that no line passes 78 columns unless one tag
// alone (a very long d=) is longer.
//
// A field is made in two steps: the template (b= empty) is what the signature covers (§3.7), then the b=
// value is appended. Folds are CRLF + SP: relaxed canonicalisation turns them into a SP, and those inside
// b='s value go when a verifier deletes that value, so folding never changes what is signed.
//
// Thread-safety: pure functions.
// Untrusted input: none; domain and selector must already be checked (signer.h does), since they are
// written as given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/key.h"

namespace herald::dkim {

inline constexpr size_t kMaxLineColumns = 78;  // RFC 5322 §2.1.1's "SHOULD"

struct SignatureFieldTags {
  Algorithm algorithm = Algorithm::kRsaSha256;
  std::string_view domain;                           // d=
  std::string_view selector;                         // s=
  int64_t timestamp = 0;                             // t=, seconds since the Unix epoch
  std::vector<std::string_view> signed_field_names;  // h=, in order; at least one
  std::string_view body_hash;                        // bh=, base64
};

// "DKIM-Signature: v=1; a=…; c=relaxed/relaxed; d=…; s=…; t=…; h=…; bh=…; b=", folded, without a final CRLF.
std::string SignatureFieldTemplate(const SignatureFieldTags& tags);

// Completes a template: appends the b= value (base64), folded, and the final CRLF.
void AppendSignatureValue(std::string& field, std::string_view signature_base64);

}  // namespace herald::dkim
