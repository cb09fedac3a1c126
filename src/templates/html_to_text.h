// A readable text/plain version of an HTML e-mail body: the text part derived when a campaign gives none.
//
// Block elements (p, div, h1–h6, li, tr, br, hr, table, blockquote, …) become line breaks, paragraphs
// and headings an empty line; list items get "- " (numbered ones "1. "), nested lists are indented;
// table cells are separated by a space; links become "text (url)" unless the text is the URL (or the
// address of a mailto: link), a link without text its URL; images their alt text; script, style, head,
// title and anything styled display:none (hidden preheaders) are dropped, as are comments (Outlook's
// conditional ones too); entities are decoded (html_entities.h); whitespace is collapsed, and lines
// wrapped at 76 characters where words allow, with at most one empty line in a row.
//
// Thread-safety: pure function. Untrusted input: yes, any bytes; malformed HTML (unclosed tags, quotes
// or comments, stray '<') gives best-effort text and never fails; linear in the input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace herald::templates {

inline constexpr size_t kTextWidth = 76;

std::string HtmlToText(std::string_view html);

}  // namespace herald::templates
