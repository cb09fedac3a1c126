#include "dkim/signature.h"

#include "base/ascii.h"
#include "dkim/base64.h"
#include "dkim/message_fields.h"
#include "dkim/tag_list.h"

namespace herald::dkim {
namespace {

constexpr std::string_view kSignatureFieldName = "DKIM-Signature";

// The tag list of a DKIM-Signature field: its value, without the final CRLF.
Result<std::string_view> SignatureTagText(std::string_view signature_field) {
  if (!EqualsIgnoreCase(FieldName(signature_field), kSignatureFieldName)) {
    return Status::InvalidArgument("not a DKIM-Signature header field");
  }
  std::string_view text = signature_field.substr(signature_field.find(':') + 1);
  if (text.ends_with("\r\n")) text.remove_suffix(2);
  return text;
}

// The names of an h= value: "from : to:subject" → from, to, subject.
std::vector<std::string_view> SplitFieldNames(std::string_view h_value) {
  std::vector<std::string_view> names;
  while (true) {
    size_t colon = h_value.find(':');
    std::string_view name = TrimWhitespace(h_value.substr(0, colon));
    if (!name.empty()) names.push_back(name);
    if (colon == std::string_view::npos) return names;
    h_value.remove_prefix(colon + 1);
  }
}

}  // namespace

Result<std::string> WithEmptySignatureValue(std::string_view signature_field) {
  Result<std::string_view> text = SignatureTagText(signature_field);
  if (!text.ok()) return text.status();
  Result<std::vector<Tag>> tags = ParseTagList(*text);
  if (!tags.ok()) return Status::InvalidArgument("DKIM-Signature: " + tags.status().message());
  for (const Tag& tag : *tags) {
    if (tag.name != "b") continue;
    // raw_value points into `signature_field`: keep what stands before and after it.
    size_t begin = static_cast<size_t>(tag.raw_value.data() - signature_field.data());
    size_t end = static_cast<size_t>(text->data() + text->size() - signature_field.data());
    std::string field(signature_field.substr(0, begin));
    field += signature_field.substr(begin + tag.raw_value.size(), end - begin - tag.raw_value.size());
    return field;
  }
  return Status::InvalidArgument("DKIM-Signature field without b=");
}

void AppendSignatureFieldToHash(Canonicalization canonicalization, std::string_view signature_field,
                                std::string& data) {
  AppendCanonicalHeader(canonicalization, signature_field, data);
  data.resize(data.size() - 2);  // the CRLF that canonicalisation ends every field with
}

Result<std::string> ComputeSignatureValue(std::string_view message, std::string_view signature_field,
                                          const PrivateKey& key) {
  Result<std::string> field = WithEmptySignatureValue(signature_field);
  if (!field.ok()) return field.status();
  Result<std::vector<Tag>> tags = ParseTagList(SignatureTagText(*field).value());
  if (!tags.ok()) return tags.status();
  if (FindTag(*tags, "a") != ToString(key.algorithm())) {
    return Status::InvalidArgument("DKIM-Signature a= does not match the key's algorithm");
  }
  std::optional<CanonicalizationPair> canonicalization =
      ParseCanonicalization(FindTag(*tags, "c").value_or("simple"));
  if (!canonicalization) return Status::InvalidArgument("DKIM-Signature has an unknown c=");
  std::vector<std::string_view> names = SplitFieldNames(FindTag(*tags, "h").value_or(""));
  if (names.empty()) return Status::InvalidArgument("DKIM-Signature has no h=");

  Result<MessageParts> parts = SplitMessage(message);
  if (!parts.ok()) return parts.status();
  std::string data;
  for (std::string_view selected : SelectFields(parts->fields, names)) {
    AppendCanonicalHeader(canonicalization->header, selected, data);
  }
  AppendSignatureFieldToHash(canonicalization->header, *field, data);
  Result<std::string> signature = key.Sign(data);
  if (!signature.ok()) return signature.status();
  return Base64Encode(*signature);
}

}  // namespace herald::dkim
