#include "templates/plain_text_writer.h"

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

bool StartsCharacter(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

}  // namespace

void PlainTextWriter::AddText(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    const char c = text[at];
    if (IsAsciiSpace(c)) {
      AddSpace();
      ++at;
    } else if (size_t space = static_cast<unsigned char>(c) == 0xC2 ? NoBreakSpaceAt(text, at) : 0) {
      AddSpace();
      at += space;
    } else if (size_t invisible = static_cast<unsigned char>(c) >= 0xC2 ? InvisibleAt(text, at) : 0) {
      at += invisible;
    } else {
      word_ += c;
      word_width_ += StartsCharacter(c) ? 1 : 0;
      ++at;
    }
  }
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
  if (!line_has_text_) {
    StartLine();
  } else if (line_width_ + (space_before_word_ ? 1 : 0) + word_width_ > width_) {
    EndLine();
    StartLine();
  } else if (space_before_word_) {
    line_ += ' ';
    ++line_width_;
  }
  line_ += word_;
  line_width_ += word_width_;
  line_has_text_ = true;
  word_.clear();
  word_width_ = 0;
  space_before_word_ = false;
}

void PlainTextWriter::StartLine() {
  if (empty_line_wanted_ && !out_.empty()) out_ += '\n';
  empty_line_wanted_ = false;
  const size_t marker_width = marker_.size() < indent_ ? marker_.size() : indent_;
  line_.assign(indent_ - marker_width, ' ');
  line_ += marker_;
  line_width_ = indent_ - marker_width + marker_.size();
  marker_.clear();
}

void PlainTextWriter::EndLine() {
  out_ += line_;
  out_ += '\n';
  line_.clear();
  line_width_ = 0;
  line_has_text_ = false;
  space_before_word_ = false;
}

}  // namespace herald::templates
