#include "mime/header_writer.h"

#include <algorithm>
#include <vector>

#include "mime/gmime_support.h"
#include "mime/text_checks.h"

namespace herald::mime {
namespace {

constexpr std::string_view kEncodedWordStart = "=?UTF-8?Q?";
constexpr std::string_view kEncodedWordEnd = "?=";
constexpr size_t kMaxEncodedWord = 75;  // RFC 2047 §2
constexpr char kHex[] = "0123456789ABCDEF";

// Written as they are in a "Q" encoded word: the characters RFC 2047 §5 (3) allows in one that stands
// for a phrase, so that one rule serves display names and unstructured text alike.
bool IsQLiteral(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' || c == '*' ||
         c == '+' || c == '-' || c == '/';
}

// Characters the byte takes in a "Q" encoded word: itself, '_' for a space, or "=XX".
size_t QLength(unsigned char c) { return IsQLiteral(c) || c == ' ' ? 1 : 3; }

void AppendQ(std::string_view bytes, std::string& out) {
  for (unsigned char c : bytes) {
    if (IsQLiteral(c)) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '_';
    } else {
      out += '=';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// How many bytes at the start of `utf8` go into a "Q" encoded word of at most `room` characters of text,
// whole characters only (RFC 2047 §5: a character is never split between two encoded words).
size_t WholeCharactersWithin(std::string_view utf8, size_t room) {
  size_t taken = 0;
  size_t used = 0;
  while (taken < utf8.size()) {
    size_t end = taken + 1;
    while (end < utf8.size() && (static_cast<unsigned char>(utf8[end]) & 0xc0) == 0x80) ++end;
    size_t length = 0;
    for (size_t i = taken; i < end; ++i) length += QLength(static_cast<unsigned char>(utf8[i]));
    if (used + length > room) break;
    used += length;
    taken = end;
  }
  return taken;
}

// A word that cannot go into unstructured text as it is.
bool NeedsEncoding(std::string_view word) {
  return !IsAscii(word) || word.find("=?") != std::string_view::npos || word.size() + 1 > kFoldColumn;
}

// RFC 5322 phrase of atoms separated by single spaces: written as it is, read back the same.
bool IsPlainPhrase(std::string_view name) {
  if (name.empty() || name.front() == ' ' || name.back() == ' ' ||
      name.find("  ") != std::string_view::npos || name.find("=?") != std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c == ' ' || IsAtext(static_cast<unsigned char>(c)); });
}

std::string QuotedString(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// The domain as A-labels; ASCII domains as they are. GMime's conversion (libidn2), so that Herald writes
// the same A-labels as it always has.
std::string AsciiAddrSpec(const core::EmailAddress& address) {
  std::string addr_spec = address.AddrSpec();
  if (IsAscii(address.domain)) return addr_spec;
  EnsureGMimeInitialized();
  GObjectPtr<InternetAddress> mailbox(internet_address_mailbox_new("", addr_spec.c_str()));
  const char* idn = internet_address_mailbox_get_idn_addr(INTERNET_ADDRESS_MAILBOX(mailbox.get()));
  return idn != nullptr ? std::string(idn) : addr_spec;
}

// RFC 2231 attribute-char (RFC 5987's attr-char): written as it is in an extended value.
bool IsAttributeChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

FieldWriter::FieldWriter(std::string& out, std::string_view name) : out_(out), column_(name.size() + 1) {
  out_.append(name);
  out_ += ':';
}

void FieldWriter::Fold() {
  out_.append("\r\n", 2);
  column_ = 0;
  line_has_text_ = false;
}

void FieldWriter::Append(std::string_view space, std::string_view text) {
  if (!space.empty() && !text.empty() && line_has_text_ &&
      column_ + space.size() + text.size() > kFoldColumn) {
    Fold();
  }
  if (!started_) {
    out_ += ' ';
    ++column_;
    started_ = true;
  }
  out_.append(space);
  out_.append(text);
  column_ += space.size() + text.size();
  line_has_text_ = line_has_text_ || !text.empty();
}

void FieldWriter::AppendEncoded(std::string_view space, std::string_view utf8) {
  constexpr size_t kOverhead = kEncodedWordStart.size() + kEncodedWordEnd.size();
  // Characters of encoded text that fit in a word on the current line after `separator`.
  auto room = [&](std::string_view separator) {
    const size_t used = column_ + (started_ ? 0 : 1) + separator.size() + kOverhead;
    return used >= kFoldColumn ? 0 : std::min(kMaxEncodedWord - kOverhead, kFoldColumn - used);
  };
  std::string_view separator = space;
  std::string word;
  while (!utf8.empty()) {
    size_t take = WholeCharactersWithin(utf8, room(separator));
    if (take == 0 && line_has_text_) {
      Fold();
      take = WholeCharactersWithin(utf8, room(separator));
    }
    // A line without text yet takes a whole word, even past column 78 (after a long field name).
    if (take == 0) take = WholeCharactersWithin(utf8, kMaxEncodedWord - kOverhead);
    word.assign(kEncodedWordStart);
    AppendQ(utf8.substr(0, take), word);
    word.append(kEncodedWordEnd);
    Append(separator, word);
    utf8.remove_prefix(take);
    separator = " ";
  }
}

void FieldWriter::Finish() { out_.append("\r\n", 2); }

void AppendUnstructured(FieldWriter& field, std::string_view text) {
  struct Word {
    size_t space;  // where the whitespace before it starts
    size_t start;  // where the word starts (== end for whitespace that ends the text)
    size_t end;
    bool encode;
  };
  std::vector<Word> words;
  for (size_t i = 0; i < text.size();) {
    Word word{i, i, i, false};
    while (i < text.size() && IsSpace(text[i])) ++i;
    word.start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    word.end = i;
    word.encode = NeedsEncoding(text.substr(word.start, word.end - word.start));
    words.push_back(word);
  }
  if (words.empty()) return;
  // Readers drop whitespace at either end of a field's value: keep it inside encoded words.
  if (words.front().start > 0) words.front().encode = true;
  if (words.back().start == words.back().end) {
    words.back().encode = true;
    if (words.size() > 1) words[words.size() - 2].encode = true;
  }
  for (size_t k = 0; k < words.size();) {
    const Word& word = words[k];
    if (!word.encode) {
      field.Append(text.substr(word.space, word.start - word.space),
                   text.substr(word.start, word.end - word.start));
      ++k;
      continue;
    }
    // A run of words to encode goes into encoded words as a whole, the whitespace between them included
    // (whitespace between two encoded words is dropped by readers). One space before the run stays
    // outside, to separate it from the word before; the rest of that whitespace goes in.
    size_t last = k;
    while (last + 1 < words.size() && words[last + 1].encode) ++last;
    const size_t start = k == 0 ? 0 : word.space + 1;
    field.AppendEncoded(text.substr(word.space, start - word.space),
                        text.substr(start, words[last].end - start));
    k = last + 1;
  }
}

void AppendMailbox(FieldWriter& field, const core::EmailAddress& address) {
  const std::string addr_spec = AsciiAddrSpec(address);
  const std::string& name = address.display_name;
  if (name.empty()) {
    field.Append("", addr_spec);
    return;
  }
  // Atoms and quoted strings are never folded inside: GMime's reader keeps such a fold in the name.
  if (IsPlainPhrase(name)) {
    field.Append("", name);
  } else if (IsAscii(name) && name.find("=?") == std::string::npos) {
    field.Append("", QuotedString(name));
  } else {
    field.AppendEncoded("", name);
  }
  field.Append(" ", "<" + addr_spec + ">");
}

void AppendParameter(FieldWriter& field, std::string_view name, std::string_view value) {
  // Each "name=value" goes on a line of its own if need be: " " before, ";" after, 78 in all.
  constexpr size_t kMaxPiece = kFoldColumn - 2;
  auto append = [&](std::string_view piece) {
    field.Append("", ";");
    field.Append(" ", piece);
  };
  if (IsAscii(value)) {
    const std::string simple =
        std::string(name) + "=" + (IsMimeToken(value) ? std::string(value) : QuotedString(value));
    if (simple.size() <= kMaxPiece) {
      append(simple);
      return;
    }
  }
  std::string encoded;
  encoded.reserve(value.size() * 3);
  for (unsigned char c : value) {
    if (IsAttributeChar(c)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  const std::string whole = std::string(name) + "*=UTF-8''" + encoded;
  if (whole.size() <= kMaxPiece) {
    append(whole);
    return;
  }
  std::string_view rest = encoded;
  for (size_t section = 0; !rest.empty(); ++section) {
    std::string piece =
        std::string(name) + "*" + std::to_string(section) + "*=" + (section == 0 ? "UTF-8''" : "");
    size_t take = std::min(rest.size(), kMaxPiece - piece.size());
    // Never cut a %XX apart.
    if (take < rest.size()) {
      const size_t percent = rest.substr(0, take).rfind('%');
      if (percent != std::string_view::npos && percent + 3 > take) take = percent;
    }
    piece.append(rest.substr(0, take));
    append(piece);
    rest.remove_prefix(take);
  }
}

bool IsMimeToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c > 0x20 && c < 0x7f && std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
  });
}

}  // namespace herald::mime
