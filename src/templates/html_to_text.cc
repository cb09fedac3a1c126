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

// The elements the converter treats in a way of their own; every other one is kOther.
enum class Kind : uint8_t { kOther, kA, kBr, kHead, kImg, kLi, kOl, kTemplate, kTd, kTh, kUl };

struct Element {
  std::string_view name;
  uint8_t traits;
  Kind kind = Kind::kOther;
};

// Shorter names first, then in alphabetical order: a binary search compares most names by length alone.
constexpr bool ShorterOrBefore(std::string_view a, std::string_view b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

constexpr Element kElements[] = {
    {"a", 0, Kind::kA},
    {"p", kParagraph},
    {"br", kVoid, Kind::kBr},
    {"dd", kLineBlock},
    {"dl", kParagraph},
    {"dt", kLineBlock},
    {"h1", kParagraph},
    {"h2", kParagraph},
    {"h3", kParagraph},
    {"h4", kParagraph},
    {"h5", kParagraph},
    {"h6", kParagraph},
    {"hr", kVoid | kParagraph},
    {"li", 0, Kind::kLi},
    {"ol", 0, Kind::kOl},
    {"td", 0, Kind::kTd},
    {"th", 0, Kind::kTh},
    {"tr", kLineBlock},
    {"ul", 0, Kind::kUl},
    {"col", kVoid},
    {"div", kLineBlock},
    {"img", kVoid, Kind::kImg},
    {"nav", kLineBlock},
    {"pre", kParagraph},
    {"wbr", kVoid},
    {"area", kVoid},
    {"base", kVoid | kBelongsInHead},
    {"body", kLineBlock},
    {"form", kParagraph},
    {"head", 0, Kind::kHead},
    {"html", kLineBlock},
    {"link", kVoid | kBelongsInHead},
    {"main", kLineBlock},
    {"meta", kVoid | kBelongsInHead},
    {"aside", kLineBlock},
    {"embed", kVoid},
    {"input", kVoid},
    {"param", kVoid},
    {"style", kRawText | kBelongsInHead},
    {"table", kParagraph},
    {"title", kRawText | kBelongsInHead},
    {"track", kVoid},
    {"center", kLineBlock},
    {"figure", kParagraph},
    {"footer", kLineBlock},
    {"header", kLineBlock},
    {"script", kRawText | kBelongsInHead},
    {"source", kVoid},
    {"address", kParagraph},
    {"article", kLineBlock},
    {"caption", kLineBlock},
    {"details", kLineBlock},
    {"section", kLineBlock},
    {"summary", kLineBlock},
    {"fieldset", kParagraph},
    {"noscript", kBelongsInHead},
    {"template", kBelongsInHead, Kind::kTemplate},
    {"textarea", kRawText},
    {"blockquote", kParagraph},
    {"figcaption", kLineBlock},
};
static_assert(std::is_sorted(std::begin(kElements), std::end(kElements),
                             [](const Element& a, const Element& b) {
                               return ShorterOrBefore(a.name, b.name);
                             }));

// What the converter knows of the element `name` (lower case): nothing, for one not in kElements.
Element Lookup(std::string_view name) {
  const auto* found = std::lower_bound(
      std::begin(kElements), std::end(kElements), name,
      [](const Element& element, std::string_view n) { return ShorterOrBefore(element.name, n); });
  return found != std::end(kElements) && found->name == name ? *found : Element{};
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

// Whether `text`, lower-cased and without whitespace, starts with `word` (lower case, no whitespace).
bool StartsCompacted(std::string_view text, std::string_view word) {
  size_t matched = 0;
  for (size_t at = 0; at < text.size() && matched < word.size(); ++at) {
    if (IsSpace(text[at])) continue;
    if (AsciiLowerChar(text[at]) != word[matched]) return false;
    ++matched;
  }
  return matched == word.size();
}

// The same for the end of `text`.
bool EndsCompacted(std::string_view text, std::string_view word) {
  size_t matched = 0;
  for (size_t at = text.size(); at > 0 && matched < word.size(); --at) {
    if (IsSpace(text[at - 1])) continue;
    if (AsciiLowerChar(text[at - 1]) != word[word.size() - 1 - matched]) return false;
    ++matched;
  }
  return matched == word.size();
}

// Whether a style attribute hides its element: display:none or mso-hide:all, however spaced or cased
// and whatever entities spell them. Each is looked for around the colons, the one character both have.
bool StyleHides(std::string_view style) {
  std::string decoded;
  if (style.find('&') != std::string_view::npos) {  // rare: most styles are written plainly
    AppendDecodingEntities(style, decoded);
    style = decoded;
  }
  for (size_t colon = style.find(':'); colon != std::string_view::npos; colon = style.find(':', colon + 1)) {
    const std::string_view before = style.substr(0, colon);
    const std::string_view after = style.substr(colon + 1);
    if ((EndsCompacted(before, "display") && StartsCompacted(after, "none")) ||
        (EndsCompacted(before, "mso-hide") && StartsCompacted(after, "all"))) {
      return true;
    }
  }
  return false;
}

struct Tag {
  std::string name;  // lower case
  Element element;   // what the converter knows of it
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
      End(tag);
    } else {
      Start(tag);
      if (tag.element.traits & kRawText) SkipRawText(tag.name);
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
    tag.element = Lookup(tag.name);
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
    const Kind kind = tag.element.kind;
    if (skipped_) {
      if (*skipped_ == "head" && !(tag.element.traits & kBelongsInHead)) {
        skipped_.reset();  // <head> left open: this element starts the body
      } else {
        if (tag.name == *skipped_) ++skip_depth_;
        return;
      }
    }
    if (tag.hidden && (tag.element.traits & kVoid)) return;
    if (kind == Kind::kHead || kind == Kind::kTemplate || tag.hidden) {
      skipped_ = tag.name;
      skip_depth_ = 1;
      return;
    }
    switch (kind) {
      case Kind::kBr:
        writer_.HardBreak();
        break;
      case Kind::kImg:
        writer_.AddSpace();
        Text(tag.alt);
        writer_.AddSpace();
        break;
      case Kind::kA:
        EndLink();
        if (!tag.href.empty()) link_ = Link{.href = tag.href};
        break;
      case Kind::kLi:
        StartListItem();
        break;
      case Kind::kUl:
      case Kind::kOl:
        ListBreak();
        lists_.push_back({.ordered = kind == Kind::kOl, .indent = writer_.indent()});
        break;
      case Kind::kTd:
      case Kind::kTh:
        writer_.AddSpace();
        break;
      default:
        Block(tag.element.traits);
    }
  }

  void End(const Tag& tag) {
    const Kind kind = tag.element.kind;
    if (skipped_) {
      if (tag.name == *skipped_ && --skip_depth_ == 0) skipped_.reset();
      return;
    }
    if (kind == Kind::kA) {
      EndLink();
    } else if (kind == Kind::kLi) {
      writer_.LineBreak();
      writer_.SetMarker("");
      writer_.SetIndent(lists_.empty() ? 0 : lists_.back().indent);
    } else if ((kind == Kind::kUl || kind == Kind::kOl) && !lists_.empty()) {
      writer_.SetMarker("");
      writer_.SetIndent(lists_.back().indent);
      lists_.pop_back();
      ListBreak();
    } else if (kind == Kind::kTd || kind == Kind::kTh) {
      writer_.AddSpace();
    } else {
      Block(tag.element.traits);
    }
  }

  void Block(uint8_t traits) {
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
