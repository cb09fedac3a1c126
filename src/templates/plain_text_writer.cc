#include "templates/plain_text_writer.h"

#include <array>

namespace herald::templates {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The length of the UTF-8 sequence at text[at] if it is a no-break space (U+00A0), else 0.
size_t NoBreakSpaceAt(std::string_view text, size_t at) {
  return text.compare(at, 2, "\xC2\xA0") == 0 ? 2 : 0;
}

// The length of the UTF-8 sequence at text[at] if it is a character nobody sees, else 0: soft hyphen,
// combining grapheme joiner (both used to pad e-mail preheaders), zero-width space, non-joiner and joiner,
// word joiner, byte-order mark.
size_t InvisibleAt(std::string_view text, size_t at) {
  for (std::string_view invisible : {"\xC2\xAD", "\xCD\x8F", "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D",
                                     "\xE2\x81\xA0", "\xEF\xBB\xBF"}) {
    if (text.compare(at, invisible.size(), invisible) == 0) return invisible.size();
  }
  return 0;
}

size_t CharacterCount(std::string_view utf8) {
  size_t count = 0;
  for (char c : utf8) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

// The bytes AddText must look at: ASCII whitespace, and the lead bytes of the no-break space and of the
// invisible characters. Every other byte belongs to the word it stands in.
constexpr std::array<bool, 256> kSpecialBytes = [] {
  std::array<bool, 256> special{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f', '\v'}) special[c] = true;
  for (unsigned char lead : {0xC2, 0xCD, 0xE2, 0xEF}) special[lead] = true;
  return special;
}();

}  // namespace

void PlainTextWriter::AddText(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    if (IsAsciiSpace(text[at])) {  // a run of whitespace is one word boundary (HTML's indentation)
      while (at < text.size() && IsAsciiSpace(text[at])) ++at;
      AddSpace();
      continue;
    }
    if (word_.empty() && line_has_text_) {
      if (size_t taken = PutWordsThatFit(text.substr(at))) {
        at += taken;
        continue;
      }
    }
    size_t end = at;
    unsigned char high_bits = 0;  // of the run's bytes: none set means ASCII, a byte a character
    while (end < text.size() && !kSpecialBytes[static_cast<unsigned char>(text[end])]) {
      high_bits |= static_cast<unsigned char>(text[end]);
      ++end;
    }
    if (end > at) {
      const std::string_view run = text.substr(at, end - at);
      const size_t width = high_bits & 0x80 ? CharacterCount(run) : run.size();
      if (word_.empty() && end < text.size() && IsAsciiSpace(text[end])) {
        PutWord(run, width);  // a whole word: no need to gather it
      } else {
        word_ += run;
        word_width_ += width;
      }
      at = end;
      continue;
    }
    if (size_t space = NoBreakSpaceAt(text, at)) {
      AddSpace();
      at += space;
    } else if (size_t invisible = InvisibleAt(text, at)) {
      at += invisible;
    } else {  // the lead byte of another character
      word_ += text[at];
      ++word_width_;
      ++at;
    }
  }
}

size_t PlainTextWriter::PutWordsThatFit(std::string_view text) {
  size_t taken = 0;                // the bytes of the words that fit, with the single spaces between them
  size_t line_width = line_width_;  // with them
  for (size_t at = 0;;) {
    size_t end = at;
    while (end < text.size() && static_cast<unsigned char>(text[end]) < 0x80 &&
           !kSpecialBytes[static_cast<unsigned char>(text[end])]) {
      ++end;
    }
    // A word ends at whitespace (at the text's end it may go on in the next text), and must fit.
    if (end == at || end == text.size() || !IsAsciiSpace(text[end])) break;
    const size_t space = taken > 0 || space_before_word_ ? 1 : 0;
    if (line_width + space + (end - at) > width_) break;
    line_width += space + (end - at);
    taken = end;
    // Only a single space between two words keeps the run going; other whitespace is AddText's.
    if (text[end] != ' ' || end + 1 == text.size() || IsAsciiSpace(text[end + 1])) break;
    at = end + 1;
  }
  if (taken == 0) return 0;
  if (space_before_word_) out_ += ' ';
  out_.append(text.substr(0, taken));
  line_width_ = line_width;
  space_before_word_ = false;
  return taken;
}

void PlainTextWriter::AddSpace() {
  EndWord();
  space_before_word_ = line_has_text_;
}

void PlainTextWriter::LineBreak() {
  EndWord();
  if (line_has_text_) EndLine();
}

void PlainTextWriter::HardBreak() {
  EndWord();
  if (line_has_text_) {
    EndLine();
  } else {
    empty_line_wanted_ = true;
  }
}

void PlainTextWriter::ParagraphBreak() {
  LineBreak();
  empty_line_wanted_ = true;
}

std::string PlainTextWriter::Finish() {
  LineBreak();
  return std::move(out_);
}

void PlainTextWriter::EndWord() {
  if (word_.empty()) return;
  PutWord(word_, word_width_);
  word_.clear();
  word_width_ = 0;
}

void PlainTextWriter::PutWord(std::string_view word, size_t width) {
  if (!line_has_text_) {
    StartLine();
  } else if (line_width_ + (space_before_word_ ? 1 : 0) + width > width_) {
    EndLine();
    StartLine();
  } else if (space_before_word_) {
    out_ += ' ';
    ++line_width_;
  }
  out_ += word;
  line_width_ += width;
  line_has_text_ = true;
  space_before_word_ = false;
}

void PlainTextWriter::StartLine() {
  if (empty_line_wanted_ && !out_.empty()) out_ += '\n';
  empty_line_wanted_ = false;
  const size_t marker_width = marker_.size() < indent_ ? marker_.size() : indent_;
  out_.append(indent_ - marker_width, ' ');
  out_ += marker_;
  line_width_ = indent_ - marker_width + marker_.size();
  marker_.clear();
}

void PlainTextWriter::EndLine() {
  out_ += '\n';
  line_width_ = 0;
  line_has_text_ = false;
  space_before_word_ = false;
}

}  // namespace herald::templates
