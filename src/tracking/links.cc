#include "tracking/links.h"

#include <optional>

#include "base/ascii.h"

namespace herald::tracking {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The end of the tag starting at `start` ('<'): the index just past its '>', quotes respected.
size_t TagEnd(std::string_view html, size_t start) {
  char quote = 0;
  for (size_t i = start + 1; i < html.size(); ++i) {
    const char c = html[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i + 1;
    }
  }
  return html.size();
}

// The few character references an href holds in practice; others stay as written.
std::string DecodeReferences(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '&') {
      bool replaced = false;
      for (auto [entity, c] : {std::pair{"&amp;", '&'}, {"&#38;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&lt;", '<'},
                               {"&gt;", '>'}}) {
        if (StartsWithIgnoreCase(value.substr(i), entity)) {
          out += c;
          i += std::string_view(entity).size() - 1;
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    out += value[i];
  }
  return out;
}

struct Attribute {
  size_t value_begin = 0;  // within the tag
  size_t value_end = 0;
};

// The href attribute's value in `tag` ("<a …>"), if any.
std::optional<Attribute> FindHref(std::string_view tag) {
  size_t i = 2;  // past "<a"
  while (i < tag.size()) {
    while (i < tag.size() && (IsSpace(tag[i]) || tag[i] == '/')) ++i;
    size_t name_begin = i;
    while (i < tag.size() && !IsSpace(tag[i]) && tag[i] != '=' && tag[i] != '>' && tag[i] != '/') ++i;
    std::string_view name = tag.substr(name_begin, i - name_begin);
    while (i < tag.size() && IsSpace(tag[i])) ++i;
    if (i >= tag.size() || tag[i] != '=') {
      if (name.empty()) break;
      continue;  // an attribute without a value
    }
    ++i;
    while (i < tag.size() && IsSpace(tag[i])) ++i;
    Attribute value;
    if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
      const char quote = tag[i++];
      value.value_begin = i;
      while (i < tag.size() && tag[i] != quote) ++i;
      value.value_end = i;
      if (i < tag.size()) ++i;
    } else {
      value.value_begin = i;
      while (i < tag.size() && !IsSpace(tag[i]) && tag[i] != '>') ++i;
      value.value_end = i;
    }
    if (name.size() == 4 && StartsWithIgnoreCase(name, "href")) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string RewriteLinks(std::string_view html, const std::function<std::string(std::string_view url)>& rewrite) {
  std::string out;
  out.reserve(html.size() + html.size() / 4);
  size_t copied = 0;
  for (size_t at = FindIgnoreCase(html, "<a"); at != std::string_view::npos; at = FindIgnoreCase(html, "<a", at + 2)) {
    if (at + 2 >= html.size() || !IsSpace(html[at + 2])) continue;  // <abbr>, <address>, …
    const size_t end = TagEnd(html, at);
    std::string_view tag = html.substr(at, end - at);
    std::optional<Attribute> href = FindHref(tag);
    if (!href || FindIgnoreCase(tag, "data-herald-notrack") != std::string_view::npos) continue;
    const std::string url = DecodeReferences(tag.substr(href->value_begin, href->value_end - href->value_begin));
    if (!StartsWithIgnoreCase(url, "http://") && !StartsWithIgnoreCase(url, "https://")) continue;
    out.append(html.substr(copied, at + href->value_begin - copied));
    out += rewrite(url);
    copied = at + href->value_end;
    at = end - 2;
  }
  out.append(html.substr(copied));
  return out;
}

std::string AddOpenPixel(std::string_view html, std::string_view pixel_url) {
  const std::string pixel = "<img src=\"" + std::string(pixel_url) +
                            "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0\">";
  // The last "</body", searched for from the end, where it stands.
  size_t body_end = std::string_view::npos;
  for (size_t at = html.rfind('<'); at != std::string_view::npos;
       at = at == 0 ? std::string_view::npos : html.rfind('<', at - 1)) {
    if (StartsWithIgnoreCase(html.substr(at), "</body")) {
      body_end = at;
      break;
    }
  }
  if (body_end == std::string_view::npos) return std::string(html) + pixel;
  return std::string(html.substr(0, body_end)) + pixel + std::string(html.substr(body_end));
}

}  // namespace herald::tracking
