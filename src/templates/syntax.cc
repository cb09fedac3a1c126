#include "templates/syntax.h"

#include <cctype>
#include <utility>

namespace herald::templates {
namespace {

constexpr char kIndentationMark = '\x1f';
constexpr char kTextRunMark = '\x1e';

enum class TagType { kVariable, kUnescaped, kSection, kInverted, kClose, kComment, kPartial, kDelimiters };

struct Token {
  enum class Kind { kText, kNewline, kTag };
  Kind kind = Kind::kText;
  size_t begin = 0;  // the source range; a tag's from its opening to the end of its closing delimiter
  size_t end = 0;
  TagType tag = TagType::kVariable;
  std::string_view name;
  std::string open;  // kPartial: the delimiters in force, to write the tag again
  std::string close;
  bool default_delimiters = true;  // kText: {{ }} are in force
};

// kainjow trims tag contents with std::isspace; so does this parser.
bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

bool HasSpaceOrControl(std::string_view text) {
  for (char c : text) {
    if (IsSpace(c) || IsControl(c)) return true;
  }
  return false;
}

// A name looked up in the data: "." or dot-separated non-empty parts.
bool IsDataName(std::string_view name) {
  if (name == ".") return true;
  return !name.empty() && !HasSpaceOrControl(name) && name.front() != '.' && name.back() != '.' &&
         name.find("..") == std::string_view::npos;
}

// "line 3, column 7": columns count characters (UTF-8 sequences), from 1.
std::string Where(std::string_view source, size_t offset) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset && i < source.size(); ++i) {
    if (source[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(source[i]) & 0xc0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Status ErrorAt(std::string_view source, size_t offset, std::string what) {
  return Status::InvalidArgument(std::move(what) + " at " + Where(source, offset));
}

// kainjow's set-delimiter rule: "=open close=", split at the first space, neither part holding '=' or
// whitespace; control characters are refused too (they mark PartialReference names).
bool ReadDelimiters(std::string_view contents, std::string& open, std::string& close) {
  if (contents.size() < 5 || contents.back() != '=') return false;
  std::string_view inner = Trim(contents.substr(1, contents.size() - 2));
  size_t space = inner.find(' ');
  if (space == std::string_view::npos) return false;
  std::string_view first = inner.substr(0, space);
  std::string_view second = inner.substr(inner.find_first_not_of(' ', space + 1));
  for (std::string_view delimiter : {first, second}) {
    if (delimiter.find('=') != std::string_view::npos || HasSpaceOrControl(delimiter)) return false;
  }
  open = first;
  close = second;
  return true;
}

Status CheckName(std::string_view source, const Token& tag) {
  std::string quoted = "\"" + std::string(tag.name) + "\"";
  switch (tag.tag) {
    case TagType::kComment:
    case TagType::kDelimiters:
      return Status::Ok();
    case TagType::kPartial:
      if (!tag.name.empty() && tag.name.front() == '*') {
        if (IsDataName(Trim(tag.name.substr(1)))) return Status::Ok();
      } else if (!tag.name.empty() && !HasSpaceOrControl(tag.name)) {
        return Status::Ok();
      }
      return ErrorAt(source, tag.begin, "bad partial name " + quoted);
    case TagType::kVariable:
      if (!tag.name.empty() && (tag.name.front() == '<' || tag.name.front() == '$')) {
        return ErrorAt(source, tag.begin, "template inheritance ({{<parent}}, {{$block}}) is not supported");
      }
      [[fallthrough]];
    default:
      if (tag.name.empty()) return ErrorAt(source, tag.begin, "empty tag");
      if (!IsDataName(tag.name)) return ErrorAt(source, tag.begin, "bad name " + quoted);
      return Status::Ok();
  }
}

// What the character after the opening delimiter makes a tag.
TagType TypeOf(char sigil) {
  constexpr std::pair<char, TagType> kSigils[] = {{'#', TagType::kSection},   {'^', TagType::kInverted},
                                                  {'/', TagType::kClose},     {'>', TagType::kPartial},
                                                  {'&', TagType::kUnescaped}, {'!', TagType::kComment}};
  for (const auto& [character, type] : kSigils) {
    if (character == sigil) return type;
  }
  return TagType::kVariable;
}

// The tag that starts at `begin` (where `open` was found), as kainjow 4.1's parser reads it.
Result<Token> ReadTag(std::string_view source, size_t begin, std::string& open, std::string& close) {
  size_t contents_begin = begin + open.size();
  const bool triple =
      open == "{{" && close == "}}" && contents_begin < source.size() && source[contents_begin] == '{';
  if (triple) ++contents_begin;
  const std::string_view end_delimiter = triple ? std::string_view("}}}") : std::string_view(close);
  const size_t contents_end = source.find(end_delimiter, contents_begin);
  if (contents_end == std::string_view::npos) return ErrorAt(source, begin, "unclosed tag");

  Token tag{.kind = Token::Kind::kTag, .begin = begin, .end = contents_end + end_delimiter.size()};
  std::string_view contents = Trim(source.substr(contents_begin, contents_end - contents_begin));
  if (!contents.empty() && contents.front() == '=') {
    if (!ReadDelimiters(contents, open, close)) {
      return ErrorAt(source, begin,
                     "bad delimiter change (wanted like {{=<% %>=}}: two delimiters without '=' or spaces)");
    }
    tag.tag = TagType::kDelimiters;
    return tag;
  }
  if (triple || contents.empty()) {
    tag.tag = triple ? TagType::kUnescaped : TagType::kVariable;
    tag.name = contents;
  } else {
    tag.tag = TypeOf(contents.front());
    tag.name = tag.tag == TagType::kVariable ? contents : Trim(contents.substr(1));
  }
  if (tag.tag == TagType::kPartial) {
    tag.open = open;
    tag.close = close;
  }
  HERALD_RETURN_IF_ERROR(CheckName(source, tag));
  return tag;
}

// Text, line ends ("\n", "\r\n") and tags, in order.
Result<std::vector<Token>> Tokenize(std::string_view source) {
  std::vector<Token> tokens;
  std::string open = "{{";
  std::string close = "}}";
  size_t text_begin = 0;
  size_t pos = 0;
  auto end_text = [&](size_t end) {
    if (end > text_begin) {
      tokens.push_back({.kind = Token::Kind::kText, .begin = text_begin, .end = end,
                        .default_delimiters = open == "{{" && close == "}}"});
    }
  };
  while (pos < source.size()) {
    if (source.compare(pos, open.size(), open) == 0) {
      end_text(pos);
      Result<Token> tag = ReadTag(source, pos, open, close);
      if (!tag.ok()) return tag.status();
      pos = tag->end;
      tokens.push_back(std::move(tag.value()));
      text_begin = pos;
      continue;
    }
    size_t newline = source[pos] == '\n' ? 1 : source.compare(pos, 2, "\r\n") == 0 ? 2 : 0;
    if (newline == 0) {
      ++pos;
      continue;
    }
    end_text(pos);
    tokens.push_back({.kind = Token::Kind::kNewline, .begin = pos, .end = pos + newline});
    pos += newline;
    text_begin = pos;
  }
  end_text(source.size());
  return tokens;
}

Result<std::vector<Node>> BuildTree(std::string_view source, const std::vector<Token>& tokens) {
  std::vector<Node> root;
  std::vector<std::pair<Node, size_t>> open_sections;  // with where each was opened
  auto current = [&]() -> std::vector<Node>& {
    return open_sections.empty() ? root : open_sections.back().first.children;
  };
  for (const Token& token : tokens) {
    std::vector<Node>& nodes = current();
    if (token.kind != Token::Kind::kTag) {
      if (nodes.empty() || nodes.back().kind != Node::Kind::kText) nodes.push_back({});
      nodes.back().text_bytes += token.end - token.begin;
      continue;
    }
    std::string name(token.name);
    switch (token.tag) {
      case TagType::kVariable:
      case TagType::kUnescaped:
        nodes.push_back(
            {.kind = Node::Kind::kVariable, .name = name, .escaped = token.tag == TagType::kVariable});
        break;
      case TagType::kSection:
      case TagType::kInverted:
        if (open_sections.size() == kMaxSectionNesting) {
          return ErrorAt(source, token.begin,
                         "sections nested deeper than " + std::to_string(kMaxSectionNesting));
        }
        open_sections.push_back(
            {{.kind = token.tag == TagType::kSection ? Node::Kind::kSection : Node::Kind::kInvertedSection,
              .name = name},
             token.begin});
        break;
      case TagType::kClose: {
        if (open_sections.empty()) {
          return ErrorAt(source, token.begin, "closing tag for \"" + name + "\" without an open section");
        }
        auto& [section, opened_at] = open_sections.back();
        if (section.name != name) {
          return Status::InvalidArgument("closing tag for \"" + name + "\" at " + Where(source, token.begin) +
                                         " does not match the open section \"" + section.name + "\" (" +
                                         Where(source, opened_at) + ")");
        }
        Node closed = std::move(section);
        open_sections.pop_back();
        current().push_back(std::move(closed));
        break;
      }
      case TagType::kPartial: {
        const bool dynamic = name.front() == '*';
        nodes.push_back({.kind = Node::Kind::kPartial,
                         .name = dynamic ? std::string(Trim(token.name.substr(1))) : name,
                         .dynamic = dynamic});
        break;
      }
      case TagType::kComment:
      case TagType::kDelimiters:
        break;
    }
  }
  if (!open_sections.empty()) {
    const auto& [section, opened_at] = open_sections.back();
    return ErrorAt(source, opened_at, "unclosed section \"" + section.name + "\"");
  }
  return root;
}

// Whether kainjow would make more than a few nodes of `text`, and may be handed it as one (TextRuns).
bool WorthARun(std::string_view text) {
  size_t blanks = 0;
  for (char c : text) {
    if (c == '\r') return false;  // a line end to kainjow
    blanks += IsBlank(c) ? 1 : 0;
  }
  return blanks >= 2;
}

// A line's tokens as written, but for its runs of text named (TextRuns::kNamed) when `runs` is given.
void AppendLine(std::string_view source, const Token* first, const Token* last, std::vector<std::string>* runs,
                std::string& out) {
  if (runs == nullptr) {
    out.append(source.substr(first->begin, last->end - first->begin));
    return;
  }
  for (const Token* token = first; token <= last; ++token) {
    const std::string_view text = source.substr(token->begin, token->end - token->begin);
    if (token->kind == Token::Kind::kText && token->default_delimiters && WorthARun(text)) {
      out += "{{&" + TextRunName(runs->size()) + "}}";
      runs->emplace_back(text);
    } else {
      out.append(text);
    }
  }
}

// The source with each standalone comment, set-delimiter and partial line (only blanks around the one
// tag) reduced to its tag; an indented partial's tag renamed to carry the indentation; with `runs`, the
// runs of text named (TextRuns::kNamed).
std::string Rewrite(std::string_view source, const std::vector<Token>& tokens,
                    std::vector<std::string>* runs = nullptr) {
  std::string out;
  out.reserve(source.size());
  size_t line_first = 0;
  while (line_first < tokens.size()) {
    size_t line_end = line_first;  // one past the line's last token (its newline, if any)
    const Token* tag = nullptr;
    bool standalone = true;
    for (; line_end < tokens.size(); ++line_end) {
      const Token& token = tokens[line_end];
      if (token.kind == Token::Kind::kNewline) {
        ++line_end;
        break;
      }
      if (token.kind == Token::Kind::kText) {
        for (size_t i = token.begin; i < token.end; ++i) standalone = standalone && IsBlank(source[i]);
      } else {
        standalone = standalone && tag == nullptr;
        tag = &token;
      }
    }
    const Token& first = tokens[line_first];
    const Token& last = tokens[line_end - 1];
    const size_t line_begin = first.begin;
    line_first = line_end;
    if (tag != nullptr && standalone) {
      if (tag->tag == TagType::kComment || tag->tag == TagType::kDelimiters) {
        out.append(source.substr(tag->begin, tag->end - tag->begin));
        continue;
      }
      if (tag->tag == TagType::kPartial) {
        if (tag->begin == line_begin) {
          out.append(source.substr(tag->begin, tag->end - tag->begin));
        } else {
          out += tag->open + ">" + kIndentationMark;
          out.append(source.substr(line_begin, tag->begin - line_begin));
          out += kIndentationMark;
          out.append(tag->name);
          out += tag->close;
        }
        continue;
      }
    }
    AppendLine(source, &first, &last, runs, out);
  }
  return out;
}

}  // namespace

Result<ParsedTemplate> ParseTemplate(std::string_view source, TextRuns text_runs) {
  Result<std::vector<Token>> tokens = Tokenize(source);
  if (!tokens.ok()) return tokens.status();
  Result<std::vector<Node>> nodes = BuildTree(source, *tokens);
  if (!nodes.ok()) return nodes.status();
  ParsedTemplate parsed{.nodes = std::move(nodes.value())};
  parsed.kainjow_source =
      Rewrite(source, *tokens, text_runs == TextRuns::kNamed ? &parsed.text_runs : nullptr);
  return parsed;
}

std::string TextRunName(size_t index) { return kTextRunMark + std::to_string(index); }

std::optional<size_t> TextRunIndex(std::string_view tag_name) {
  if (tag_name.size() < 2 || tag_name.front() != kTextRunMark) return std::nullopt;
  size_t index = 0;
  for (char c : tag_name.substr(1)) {
    if (c < '0' || c > '9' || index > (SIZE_MAX - 9) / 10) return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return index;
}

Result<std::string> KainjowSource(std::string_view source) {
  Result<std::vector<Token>> tokens = Tokenize(source);
  if (!tokens.ok()) return tokens.status();
  return Rewrite(source, *tokens);
}

PartialReference ReadPartialReference(std::string_view tag_name) {
  PartialReference reference{.name = tag_name};
  if (tag_name.size() > 1 && tag_name.front() == kIndentationMark) {
    size_t mark = tag_name.find(kIndentationMark, 1);
    if (mark != std::string_view::npos) {
      reference.indentation = tag_name.substr(1, mark - 1);
      reference.name = tag_name.substr(mark + 1);
    }
  }
  if (!reference.name.empty() && reference.name.front() == '*') {
    reference.dynamic = true;
    reference.name = Trim(reference.name.substr(1));
  }
  return reference;
}

std::string IndentLines(std::string_view source, std::string_view indentation) {
  std::string out;
  out.reserve(source.size() + indentation.size() * 8);
  bool line_start = true;
  for (char c : source) {
    if (line_start) out.append(indentation);
    out += c;
    line_start = c == '\n';
  }
  return out;
}

}  // namespace herald::templates
