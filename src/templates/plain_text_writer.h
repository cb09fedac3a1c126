// The output side of HtmlToText: text in, collapsed and wrapped lines out. Whitespace runs become one
// space, lines are wrapped at a width (in characters) where a space allows — a longer word stands alone
// on its line — and at most one empty line stands between two lines of text, none at the start or end.
// Lines start at an indentation, and the first line of a list item with its marker ("- ", "3. ").
//
// Thread-safety: one writer per conversion. Untrusted input: any bytes; UTF-8 is counted per character.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace herald::templates {

class PlainTextWriter {
 public:
  explicit PlainTextWriter(size_t width) : width_(width) {}

  // Text as it stands in the document: whitespace (and no-break spaces) separate words; invisible
  // format characters (zero-width spaces and joiners, soft hyphens, byte-order marks) are dropped.
  void AddText(std::string_view text);
  // A word boundary, as whitespace would make (table cells, images).
  void AddSpace();
  // Ends the current line, if it has text.
  void LineBreak();
  // Ends the current line; on an empty one asks for an empty line (<br><br>).
  void HardBreak();
  // An empty line before the next text (paragraphs, headings).
  void ParagraphBreak();

  // Lines started from now on begin with `indent` spaces.
  void SetIndent(size_t indent) { indent_ = indent; }
  size_t indent() const { return indent_; }
  // The next line started begins with `marker`, right-aligned to the indentation; "" cancels it.
  void SetMarker(std::string marker) { marker_ = std::move(marker); }

  // The text, each line ended by "\n".
  std::string Finish();

 private:
  void EndWord();
  void PutWord(std::string_view word, size_t width);  // onto the line, or the next one if it is full
  // On a line with text, PutWord's result for the ASCII words at the start of `text` that fit on it,
  // each followed by whitespace and one space apart, with one append; the bytes taken (0: none).
  size_t PutWordsThatFit(std::string_view text);
  void StartLine();
  void EndLine();

  const size_t width_;
  size_t indent_ = 0;
  std::string marker_;
  std::string out_;  // the lines so far, the current one included
  size_t line_width_ = 0;
  bool line_has_text_ = false;
  std::string word_;
  size_t word_width_ = 0;
  bool space_before_word_ = false;
  bool empty_line_wanted_ = false;
};

}  // namespace herald::templates
