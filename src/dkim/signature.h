// The header hash and signature of RFC 6376 §3.7, for any DKIM-Signature field: Herald's own (signer.h) and,
// for the known-answer tests, a template taken from a message signed elsewhere.
//
// What a signature covers: the header fields its h= selects (message_fields.h), canonicalised, followed by
// the DKIM-Signature field itself with b='s value and the whitespace around it deleted, canonicalised the
// same way and without its final CRLF.
//
// Thread-safety: pure functions (PrivateKey::Sign may run concurrently).
// Untrusted input: a signature field from elsewhere is parsed as a tag list (tag_list.h); anything that is
// not a usable DKIM-Signature field is InvalidArgument.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dkim/canonicalization.h"
#include "dkim/private_key.h"

namespace herald::dkim {

// `signature_field` ("DKIM-Signature: …", final CRLF optional) with b='s value deleted (§3.7) and without a
// final CRLF. InvalidArgument when it is not a DKIM-Signature field with a tag list that has b=.
Result<std::string> WithEmptySignatureValue(std::string_view signature_field);

// Appends to `data` the last part of the hash input: `signature_field`, whose b= value is already empty,
// canonicalised without its final CRLF.
void AppendSignatureFieldToHash(Canonicalization canonicalization, std::string_view signature_field,
                                std::string& data);

// Computes the b= value (base64) that `signature_field` needs over `message` (CRLF line ends) when signed
// with `key`: the fields its h= names are selected from `message`, and they and the field are
// canonicalised as its c= says. Any b= value in the field is ignored, and bh= is taken as written (use
// BodyHash to check it). InvalidArgument when the field is not usable (see WithEmptySignatureValue; also
// an a= other than the key's algorithm, an unknown c=, no h=) or `message` has no empty line after its
// header; Internal when OpenSSL fails.
Result<std::string> ComputeSignatureValue(std::string_view message, std::string_view signature_field,
                                          const PrivateKey& key);

}  // namespace herald::dkim
