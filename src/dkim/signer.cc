#include "dkim/signer.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>

#include "base/ascii.h"
#include "dkim/base64.h"
#include "dkim/body_hash.h"
#include "dkim/message_fields.h"
#include "dkim/signature.h"
#include "dkim/signature_field.h"
#include "dkim/signed_fields.h"

namespace herald::dkim {
namespace {

constexpr Canonicalization kCanonicalization = Canonicalization::kRelaxed;  // for header and body

bool IsLetterOrDigit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// "mail.example.com": labels of 1–63 letters, digits and hyphens, not beginning or ending with a hyphen.
bool IsDomainName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = std::min(name.find('.', start), name.size());
    std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(), [](char c) { return IsLetterOrDigit(c) || c == '-'; })) {
      return false;
    }
    if (dot == name.size()) return true;
    start = dot + 1;
  }
}

}  // namespace

Result<std::shared_ptr<const Signer>> Signer::Create(std::vector<SigningKey> keys) {
  if (keys.empty()) return Status::InvalidArgument("a DKIM signer needs at least one key");
  std::vector<Key> parsed;
  parsed.reserve(keys.size());
  for (SigningKey& key : keys) {
    if (!IsDomainName(key.domain))
      return Status::InvalidArgument("DKIM domain is not a domain name (A-labels)");
    if (!IsDomainName(key.selector)) return Status::InvalidArgument("DKIM selector is not a valid selector");
    Result<PrivateKey> private_key = PrivateKey::Parse(key.algorithm, key.private_key_pem);
    OPENSSL_cleanse(key.private_key_pem.data(), key.private_key_pem.size());  // no copy of the secret lingers
    if (!private_key.ok()) {
      return Status::InvalidArgument("DKIM key " + key.selector + "._domainkey." + key.domain + ": " +
                                     private_key.status().message());
    }
    parsed.push_back({std::move(key.domain), std::move(key.selector), std::move(private_key).value()});
  }
  return std::shared_ptr<const Signer>(new Signer(std::move(parsed)));
}

Result<std::string> Signer::Sign(std::string_view message, TimePoint now) const {
  Result<MessageParts> parts = SplitMessage(message);
  if (!parts.ok()) return parts.status();
  if (std::none_of(parts->fields.begin(), parts->fields.end(),
                   [](const HeaderField& field) { return EqualsIgnoreCase(field.name, "From"); })) {
    return Status::InvalidArgument("the message has no From: field to sign");
  }
  std::vector<std::string_view> names = SignedFieldNames(parts->fields);
  std::string signed_headers;  // the hash input up to the DKIM-Signature field, the same for every key
  for (std::string_view field : SelectFields(parts->fields, names)) {
    AppendCanonicalHeader(kCanonicalization, field, signed_headers);
  }
  std::string body_hash = BodyHash(kCanonicalization, parts->body);

  SignatureFieldTags tags;
  tags.timestamp = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  tags.signed_field_names = std::move(names);
  tags.body_hash = body_hash;
  std::string signatures;
  for (const Key& key : keys_) {
    tags.algorithm = key.private_key.algorithm();
    tags.domain = key.domain;
    tags.selector = key.selector;
    std::string field = SignatureFieldTemplate(tags);
    std::string data = signed_headers;
    AppendSignatureFieldToHash(kCanonicalization, field, data);
    Result<std::string> signature = key.private_key.Sign(data);
    if (!signature.ok()) return signature.status();
    AppendSignatureValue(field, Base64Encode(*signature));
    signatures += field;
  }
  return signatures;
}

}  // namespace herald::dkim
