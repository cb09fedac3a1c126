#include "dkim/message_fields.h"

#include <algorithm>
#include <map>
#include <string>

#include "base/ascii.h"

namespace herald::dkim {

std::string_view FieldName(std::string_view field) {
  size_t colon = field.find(':');
  if (colon == std::string_view::npos) return {};
  std::string_view name = field.substr(0, colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return name;
}

Result<MessageParts> SplitMessage(std::string_view message) {
  MessageParts parts;
  size_t line_start = 0;
  while (true) {
    size_t line_end = message.find("\r\n", line_start);
    if (line_end == std::string_view::npos)
      return Status::InvalidArgument("the message has no empty line after its header");
    if (line_end == line_start) {  // the empty line
      parts.body = message.substr(line_end + 2);
      return parts;
    }
    std::string_view line = message.substr(line_start, line_end + 2 - line_start);
    bool continues = line.front() == ' ' || line.front() == '\t';
    if (continues && !parts.fields.empty()) {
      HeaderField& previous = parts.fields.back();
      previous.text = std::string_view(previous.text.data(), previous.text.size() + line.size());
    } else {
      parts.fields.push_back({continues ? std::string_view() : FieldName(line), line});
    }
    line_start = line_end + 2;
  }
}

std::vector<std::string_view> SelectFields(const std::vector<HeaderField>& fields,
                                           const std::vector<std::string_view>& names) {
  std::vector<std::string_view> selected;
  selected.reserve(names.size());
  // For each name (lowercased): how far up the header its next occurrence may be taken from.
  std::map<std::string, size_t> next_from;
  for (std::string_view name : names) {
    std::string key(name);
    std::transform(key.begin(), key.end(), key.begin(), AsciiLowerChar);
    size_t& above = next_from.try_emplace(key, fields.size()).first->second;
    while (above > 0) {
      --above;
      if (EqualsIgnoreCase(fields[above].name, name)) {
        selected.push_back(fields[above].text);
        break;
      }
    }
  }
  return selected;
}

}  // namespace herald::dkim
