// The Mustache syntax as Herald reads it, beside kainjow's own parser. kainjow keeps its parse tree to
// itself, reports errors as byte offsets and leaves some of the spec's whitespace rules undone, so each
// template is parsed here first. This parser
//  - finds tags exactly as kainjow 4.1 does (delimiters, {{{ }}} only with braces, set-delimiter tags,
//    the same trimming), so both see the same tags;
//  - reports a template that does not parse as InvalidArgument: what, and where (line, column);
//  - builds the tree of text, variables, sections and partials that Template walks (variables(), the
//    context keys a render needs, strict mode);
//  - rewrites the source handed to kainjow where kainjow departs from the spec: a standalone comment,
//    set-delimiter or partial tag takes its line's indentation and line end with it (kainjow does this
//    for section tags only, and those it keeps), and an indented standalone partial is renamed to carry
//    its indentation (PartialReference), since kainjow does not indent partials;
//  - optionally hands kainjow each run of text as one node (TextRuns::kNamed, below).
//
// Thread-safety: pure functions. Untrusted input: yes, templates come from account users; section
// nesting is bounded by kMaxSectionNesting, names may not hold whitespace or control characters.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "templates/template.h"

namespace herald::templates {

struct Node {
  enum class Kind { kText, kVariable, kSection, kInvertedSection, kPartial };
  Kind kind = Kind::kText;
  std::string name;            // as written, trimmed; a dynamic partial's without the '*'
  bool escaped = false;        // kVariable: written {{name}}, not {{{name}}} or {{&name}}
  bool dynamic = false;        // kPartial: written {{>*name}}, the partial's name is looked up in the data
  size_t text_bytes = 0;       // kText
  std::vector<Node> children;  // sections
};

struct ParsedTemplate {
  std::vector<Node> nodes;
  std::string kainjow_source;          // the source as kainjow is to see it (see above)
  std::vector<std::string> text_runs;  // TextRuns::kNamed: the texts kainjow_source names, by index
};

// How the text between tags reaches kainjow. kainjow makes a node of every word and of every whitespace
// character and renders them one by one through std::function calls: some 6,000 nodes for a 20 KB HTML
// campaign. kNamed writes each run of text that holds whitespace, within a line and under the default
// delimiters, as one unescaped variable instead, named TextRunName(i) for text_runs[i], which the render
// context resolves (render_context.h). The output is the same: the run is appended where its words would
// have been, before kainjow decides whether its line was a standalone section line, and kainjow's line
// ends ("\n", "\r\n", a lone "\r") are never part of a run.
enum class TextRuns { kAsWritten, kNamed };

Result<ParsedTemplate> ParseTemplate(std::string_view source, TextRuns text_runs = TextRuns::kAsWritten);

// "\x1e" and the run's index: names cannot hold control characters, so no real name looks like it.
std::string TextRunName(size_t index);
// The index a TextRunName names, or nullopt for any other name.
std::optional<size_t> TextRunIndex(std::string_view tag_name);

// Just the kainjow_source of a template that ParseTemplate accepted.
Result<std::string> KainjowSource(std::string_view source);

// What a partial tag names, as kainjow hands it to the context: an indented standalone partial's name is
// "\x1f" indentation "\x1f" name (names cannot hold control characters, so no real name looks like it).
struct PartialReference {
  std::string_view indentation;
  std::string_view name;  // a dynamic partial's without the '*'
  bool dynamic = false;
};
PartialReference ReadPartialReference(std::string_view tag_name);

// `source` with `indentation` before each of its lines (the spec's standalone partials).
std::string IndentLines(std::string_view source, std::string_view indentation);

}  // namespace herald::templates
