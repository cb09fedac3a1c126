#include "dkim/tag_list.h"

#include <algorithm>
#include <string>

namespace herald::dkim {
namespace {

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsNameChar(char c) { return IsAlpha(c) || (c >= '0' && c <= '9') || c == '_'; }
// VALCHAR: printable ASCII but ';'.
bool IsValueChar(char c) { return c >= 0x21 && c <= 0x7e && c != ';'; }

}  // namespace

std::string_view TrimWhitespace(std::string_view text) {
  while (!text.empty() && IsWhitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsWhitespace(text.back())) text.remove_suffix(1);
  return text;
}

Result<std::vector<Tag>> ParseTagList(std::string_view text) {
  std::vector<Tag> tags;
  size_t position = 0;
  while (position <= text.size()) {
    size_t end = std::min(text.find(';', position), text.size());
    std::string_view spec = text.substr(position, end - position);
    position = end + 1;
    if (TrimWhitespace(spec).empty()) {
      // Only the last spec may be empty: "a=1;" ends the list, "a=1;;b=2" does not.
      if (position > text.size()) break;
      return Status::InvalidArgument("empty tag in a tag list");
    }
    size_t equals = spec.find('=');
    if (equals == std::string_view::npos) return Status::InvalidArgument("a tag without '='");
    Tag tag{TrimWhitespace(spec.substr(0, equals)), {}, spec.substr(equals + 1)};
    tag.value = TrimWhitespace(tag.raw_value);
    if (tag.name.empty() || !IsAlpha(tag.name.front()) ||
        !std::all_of(tag.name.begin(), tag.name.end(), IsNameChar)) {
      return Status::InvalidArgument("a tag name outside the grammar");
    }
    if (!std::all_of(tag.value.begin(), tag.value.end(),
                     [](char c) { return IsValueChar(c) || IsWhitespace(c); })) {
      return Status::InvalidArgument("a tag value with a character outside the grammar");
    }
    if (FindTag(tags, tag.name)) return Status::InvalidArgument("a tag occurs twice");
    tags.push_back(tag);
  }
  return tags;
}

std::optional<std::string_view> FindTag(const std::vector<Tag>& tags, std::string_view name) {
  for (const Tag& tag : tags) {
    if (tag.name == name) return tag.value;
  }
  return std::nullopt;
}

std::string WithoutWhitespace(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (!IsWhitespace(c)) out += c;
  }
  return out;
}

}  // namespace herald::dkim
