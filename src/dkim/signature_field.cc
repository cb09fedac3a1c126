#include "dkim/signature_field.h"

#include <algorithm>

namespace herald::dkim {
namespace {

size_t Column(const std::string& field) {
  size_t fold = field.rfind("\r\n");
  return fold == std::string::npos ? field.size() : field.size() - fold - 2;
}

// Appends `separator` and `text`, or a fold and `text` when they would not fit on the current line.
void AppendFolded(std::string& field, std::string_view separator, std::string_view text) {
  field += Column(field) + separator.size() + text.size() > kMaxLineColumns ? std::string_view("\r\n ")
                                                                            : separator;
  field += text;
}

void AppendTag(std::string& field, std::string_view name, std::string_view value) {
  std::string tag(name);
  tag += '=';
  tag += value;
  tag += ';';
  AppendFolded(field, " ", tag);
}

}  // namespace

std::string SignatureFieldTemplate(const SignatureFieldTags& tags) {
  std::string field = "DKIM-Signature:";
  AppendTag(field, "v", "1");
  AppendTag(field, "a", ToString(tags.algorithm));
  AppendTag(field, "c", "relaxed/relaxed");
  AppendTag(field, "d", tags.domain);
  AppendTag(field, "s", tags.selector);
  AppendTag(field, "t", std::to_string(tags.timestamp));
  // h= folds between names (FWS may follow a ':', §3.5).
  const std::vector<std::string_view>& names = tags.signed_field_names;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string piece = i == 0 ? "h=" : "";
    piece += names[i];
    piece += i + 1 < names.size() ? ':' : ';';
    AppendFolded(field, i == 0 ? " " : "", piece);
  }
  AppendTag(field, "bh", tags.body_hash);
  AppendFolded(field, " ", "b=");
  return field;
}

void AppendSignatureValue(std::string& field, std::string_view signature_base64) {
  // b= folds anywhere (FWS may stand between base64 characters, §3.5): each line is filled to the limit.
  while (!signature_base64.empty()) {
    size_t column = Column(field);
    if (column >= kMaxLineColumns) {
      field += "\r\n ";
      continue;
    }
    size_t take = std::min(kMaxLineColumns - column, signature_base64.size());
    field += signature_base64.substr(0, take);
    signature_base64.remove_prefix(take);
  }
  field += "\r\n";
}

}  // namespace herald::dkim
