// HTML character references decoded to UTF-8, for HtmlToText: the named ones e-mail HTML uses (all of
// Latin-1, the typographic ones, arrows and a few symbols) and numeric ones (&#233; &#xE9;), with the
// HTML5 rules that matter in practice: Latin-1 names and &amp; &lt; &gt; &quot; without the ';'
// (&copy 2026), numeric references without it too, &#128;–&#159; read as Windows-1252 (&#146; is ’), and
// U+FFFD for a number that is no character.
//
// Thread-safety: pure functions. Untrusted input: yes, any bytes; an unknown reference is kept as written.
#pragma once

#include <string>
#include <string_view>

namespace herald::templates {

// Appends `text` to `out` with its character references decoded.
void AppendDecodingEntities(std::string_view text, std::string& out);

// Appends code point `code_point` as UTF-8 (U+FFFD for a surrogate or a value past U+10FFFF).
void AppendUtf8(char32_t code_point, std::string& out);

}  // namespace herald::templates
