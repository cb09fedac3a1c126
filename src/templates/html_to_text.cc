#include "templates/html_to_text.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "templates/html_entities.h"
#include "templates/plain_text_writer.h"

namespace herald::templates {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string Lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLowerChar(c);
  return out;
}

// What the converter needs to know of an element, found with one lookup per tag.
enum ElementTrait : uint8_t {
  kVoid = 1,           // has no end tag
  kRawText = 2,        // its content is not markup, and not shown
  kBelongsInHead = 4,  // may stand in <head>: any other element ends a <head> whose end tag is missing
  kParagraph = 8,      // stands apart by an empty line
  kLineBlock = 16,     // stands on lines of its own
};

struct Element {
  std::string_view name;
  uint8_t traits;
};

// Sorted by name, for a binary search.
constexpr Element kElements[] = {
    {"address", kParagraph},  {"area", kVoid},          {"article", kLineBlock},
    {"aside", kLineBlock},    {"base", kVoid | kBelongsInHead}, {"blockquote", kParagraph},
    {"body", kLineBlock},     {"br", kVoid},            {"caption", kLineBlock},
    {"center", kLineBlock},   {"col", kVoid},           {"dd", kLineBlock},
    {"details", kLineBlock},  {"div", kLineBlock},      {"dl", kParagraph},
    {"dt", kLineBlock},       {"embed", kVoid},         {"fieldset", kParagraph},
    {"figcaption", kLineBlock}, {"figure", kParagraph}, {"footer", kLineBlock},
    {"form", kParagraph},     {"h1", kParagraph},       {"h2", kParagraph},
    {"h3", kParagraph},       {"h4", kParagraph},       {"h5", kParagraph},
    {"h6", kParagraph},       {"header", kLineBlock},   {"hr", kVoid | kParagraph},
    {"html", kLineBlock},     {"img", kVoid},           {"input", kVoid},
    {"link", kVoid | kBelongsInHead}, {"main", kLineBlock}, {"meta", kVoid | kBelongsInHead},
    {"nav", kLineBlock},      {"noscript", kBelongsInHead}, {"p", kParagraph},
    {"param", kVoid},         {"pre", kParagraph},      {"script", kRawText | kBelongsInHead},
    {"section", kLineBlock},  {"source", kVoid},        {"style", kRawText | kBelongsInHead},
    {"summary", kLineBlock},  {"table", kParagraph},    {"template", kBelongsInHead},
    {"textarea", kRawText},   {"title", kRawText | kBelongsInHead}, {"tr", kLineBlock},
    {"track", kVoid},         {"wbr", kVoid},
};
static_assert(std::is_sorted(std::begin(kElements), std::end(kElements),
                             [](const Element& a, const Element& b) { return a.name < b.name; }));

uint8_t TraitsOf(std::string_view name) {
  const auto* found = std::lower_bound(std::begin(kElements), std::end(kElements), name,
                                       [](const Element& element, std::string_view n) { return element.name < n; });
  return found != std::end(kElements) && found->name == name ? found->traits : 0;
}

// Whitespace collapsed and trimmed: a link's text as the reader sees it.
std::string Collapsed(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!IsSpace(c)) {
      out += c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Whether `text`, lower-cased and without whitespace, contains `pattern` (lower case, no whitespace).
bool ContainsCompacted(std::string_view text, std::string_view pattern) {
  for (size_t start = 0; start < text.size(); ++start) {
    if (AsciiLowerChar(text[start]) != pattern[0]) continue;
    size_t matched = 1;
    for (size_t at = start + 1; at < text.size() && matched < pattern.size(); ++at) {
      if (IsSpace(text[at])) continue;
      if (AsciiLowerChar(text[at]) != pattern[matched]) break;
      ++matched;
    }
    if (matched == pattern.size()) return true;
  }
  return false;
}

// Whether a style attribute hides its element: display:none or mso-hide:all, however spaced or cased
// and whatever entities spell them.
bool StyleHides(std::string_view style) {
  std::string decoded;
  if (style.find('&') != std::string_view::npos) {  // rare: most styles are written plainly
    AppendDecodingEntities(style, decoded);
    style = decoded;
  }
  return ContainsCompacted(style, "display:none") || ContainsCompacted(style, "mso-hide:all");
}

struct Tag {
  std::string name;  // lower case
  bool closing = false;
  std::string href;
  std::string alt;
  bool hidden = false;  // display:none, mso-hide:all or the hidden attribute
};

class Converter {
 public:
  explicit Converter(std::string_view html) : html_(html), writer_(kTextWidth) {}

  std::string Run() {
    while (pos_ < html_.size()) {
      const size_t open = html_.find('<', pos_);
      Text(html_.substr(pos_, open - pos_));
      if (open == std::string_view::npos) break;
      pos_ = open;
      if (!ReadMarkup()) {  // a '<' that starts nothing is text
        Text("<");
        pos_ = open + 1;
      }
    }
    EndLink();
    return writer_.Finish();
  }

 private:
  struct List {
    bool ordered = false;
    int next_number = 1;
    size_t indent = 0;  // of the text around the list
  };
  struct Link {
    std::string href;
    std::string text;
  };

  // At a '<': a comment, a declaration or a tag, consumed. False for a '<' that is text.
  bool ReadMarkup() {
    const std::string_view rest = html_.substr(pos_);
    if (rest.starts_with("<!--")) {
      const size_t end = html_.find("-->", pos_ + 4);
      pos_ = end == std::string_view::npos ? html_.size() : end + 3;
      return true;
    }
    if (rest.starts_with("<!") || rest.starts_with("<?")) {  // <!DOCTYPE …>, <![CDATA[…]]>, <?xml …?>
      SkipPast('>');
      return true;
    }
    const size_t name_at = rest.starts_with("</") ? 2 : 1;
    if (rest.size() <= name_at || !IsAlpha(rest[name_at])) return false;
    Tag tag = ReadTag();
    if (tag.closing) {
      End(tag.name);
    } else {
      Start(tag);
      if (TraitsOf(tag.name) & kRawText) SkipRawText(tag.name);
    }
    return true;
  }

  Tag ReadTag() {
    Tag tag;
    size_t at = pos_ + 1;
    tag.closing = html_[at] == '/';
    if (tag.closing) ++at;
    const size_t name_begin = at;
    while (at < html_.size() && !IsSpace(html_[at]) && html_[at] != '>' && html_[at] != '/') ++at;
    tag.name = Lowered(html_.substr(name_begin, at - name_begin));
    while (at < html_.size() && html_[at] != '>') {
      if (IsSpace(html_[at]) || html_[at] == '/') {
        ++at;
        continue;
      }
      const size_t attribute_begin = at;
      while (at < html_.size() && !IsSpace(html_[at]) && html_[at] != '=' && html_[at] != '>') ++at;
      const std::string_view attribute = html_.substr(attribute_begin, at - attribute_begin);
      while (at < html_.size() && IsSpace(html_[at])) ++at;
      std::string_view value;  // raw: entities are decoded only in the values used
      if (at < html_.size() && html_[at] == '=') {
        ++at;
        while (at < html_.size() && IsSpace(html_[at])) ++at;
        value = ReadAttributeValue(at);
      }
      const bool href = EqualsIgnoreCase(attribute, "href");
      if (href || EqualsIgnoreCase(attribute, "alt")) {
        std::string& decoded = href ? tag.href : tag.alt;
        decoded.clear();  // the last of repeated attributes counts
        AppendDecodingEntities(value, decoded);
      }
      if (EqualsIgnoreCase(attribute, "hidden")) tag.hidden = true;
      if (EqualsIgnoreCase(attribute, "style")) tag.hidden = tag.hidden || StyleHides(value);
    }
    pos_ = at < html_.size() ? at + 1 : at;
    return tag;
  }

  // The attribute value at html_[at] as written; `at` moves past it. An unclosed quote ends at the tag's
  // '>'.
  std::string_view ReadAttributeValue(size_t& at) {
    size_t begin = at;
    size_t end;
    if (at < html_.size() && (html_[at] == '"' || html_[at] == '\'')) {
      ++begin;
      end = html_.find(html_[at], begin);
      if (end == std::string_view::npos) end = std::min(html_.find('>', begin), html_.size());
      at = end < html_.size() && html_[end] != '>' ? end + 1 : end;
    } else {
      end = begin;
      while (end < html_.size() && !IsSpace(html_[end]) && html_[end] != '>') ++end;
      at = end;
    }
    return html_.substr(begin, end - begin);
  }

  void SkipPast(char c) {
    const size_t at = html_.find(c, pos_);
    pos_ = at == std::string_view::npos ? html_.size() : at + 1;
  }

  // Past the end tag of raw-text element `name` (<script>, <style>, …), or to the end.
  void SkipRawText(const std::string& name) {
    for (size_t at = html_.find("</", pos_); at != std::string_view::npos; at = html_.find("</", at + 2)) {
      if (Lowered(html_.substr(at + 2, name.size())) == name) {
        pos_ = at;
        SkipPast('>');
        return;
      }
    }
    pos_ = html_.size();
  }

  void Start(const Tag& tag) {
    const std::string& name = tag.name;
    if (skipped_) {
      if (*skipped_ == "head" && !(TraitsOf(name) & kBelongsInHead)) {
        skipped_.reset();  // <head> left open: this element starts the body
      } else {
        if (name == *skipped_) ++skip_depth_;
        return;
      }
    }
    if (tag.hidden && (TraitsOf(name) & kVoid)) return;
    if (name == "head" || name == "template" || tag.hidden) {
      skipped_ = name;
      skip_depth_ = 1;
      return;
    }
    if (name == "br") {
      writer_.HardBreak();
    } else if (name == "img") {
      writer_.AddSpace();
      Text(tag.alt);
      writer_.AddSpace();
    } else if (name == "a") {
      EndLink();
      if (!tag.href.empty()) link_ = Link{.href = tag.href};
    } else if (name == "li") {
      StartListItem();
    } else if (name == "ul" || name == "ol") {
      ListBreak();
      lists_.push_back({.ordered = name == "ol", .indent = writer_.indent()});
    } else if (name == "td" || name == "th") {
      writer_.AddSpace();
    } else {
      Block(name);
    }
  }

  void End(const std::string& name) {
    if (skipped_) {
      if (name == *skipped_ && --skip_depth_ == 0) skipped_.reset();
      return;
    }
    if (name == "a") {
      EndLink();
    } else if (name == "li") {
      writer_.LineBreak();
      writer_.SetMarker("");
      writer_.SetIndent(lists_.empty() ? 0 : lists_.back().indent);
    } else if ((name == "ul" || name == "ol") && !lists_.empty()) {
      writer_.SetMarker("");
      writer_.SetIndent(lists_.back().indent);
      lists_.pop_back();
      ListBreak();
    } else if (name == "td" || name == "th") {
      writer_.AddSpace();
    } else {
      Block(name);
    }
  }

  void Block(std::string_view name) {
    const uint8_t traits = TraitsOf(name);
    if (traits & kParagraph) {
      writer_.ParagraphBreak();
    } else if (traits & kLineBlock) {
      writer_.LineBreak();
    }
  }

  // A list stands apart like a paragraph; a nested one just starts on its own line.
  void ListBreak() {
    if (lists_.empty()) {
      writer_.ParagraphBreak();
    } else {
      writer_.LineBreak();
    }
  }

  void StartListItem() {
    if (lists_.empty()) lists_.push_back({.indent = writer_.indent()});  // an <li> outside any list
    List& list = lists_.back();
    std::string marker = list.ordered ? std::to_string(list.next_number++) + ". " : "- ";
    writer_.LineBreak();
    writer_.SetIndent(list.indent + marker.size());
    writer_.SetMarker(std::move(marker));
  }

  void Text(std::string_view text) {
    if (skipped_ || text.empty()) return;
    if (text.find('&') != std::string_view::npos) {  // most text has no entity to decode
      decoded_.clear();
      AppendDecodingEntities(text, decoded_);
      text = decoded_;
    }
    writer_.AddText(text);
    if (link_) link_->text += text;
  }

  // "text (url)", unless the text says the URL already; a link without text shows its URL.
  void EndLink() {
    if (!link_) return;
    const Link link = std::move(*link_);
    link_.reset();
    const std::string href = Collapsed(link.href);
    const std::string text = Collapsed(link.text);
    if (href.empty() || href.front() == '#' || Lowered(href).starts_with("javascript:")) return;
    if (text == href || (Lowered(href).starts_with("mailto:") && text == href.substr(7))) return;
    writer_.AddSpace();
    writer_.AddText(text.empty() ? href : "(" + href + ")");  // what follows without a space stays attached
  }

  const std::string_view html_;
  size_t pos_ = 0;
  PlainTextWriter writer_;
  std::string decoded_;
  std::optional<std::string> skipped_;  // the element whose content is being dropped
  size_t skip_depth_ = 0;               // how many of it are open
  std::vector<List> lists_;
  std::optional<Link> link_;
};

}  // namespace

std::string HtmlToText(std::string_view html) { return Converter(html).Run(); }

}  // namespace herald::templates
