// Writing the header fields of the messages BuildMessage makes, straight into the message: CRLF line
// ends, folded before whitespace so that lines keep within 78 characters where the words allow and
// never pass 998; RFC 2047 encoded words (UTF-8, Q encoding) for text that cannot go as it is; RFC 2231
// parameters for file names that are not short ASCII.
//
// Thread-safety: FieldWriter is used by one thread; the functions are pure (but for the IDN conversion
// of a non-ASCII domain, which asks GMime and may run on many threads at once).
// Untrusted input: the values are caller data, but validated before they come here: valid UTF-8 without
// CR, LF, NUL or other controls but TAB; a subject or caller header of at most 998 bytes, a display name
// of at most 256, a file name of at most 255. Under those limits no line written here passes 998 bytes,
// and nothing in a value can end a field or start another.
#pragma once

#include <string>
#include <string_view>

#include "core/address.h"

namespace herald::mime {

inline constexpr size_t kFoldColumn = 78;  // RFC 5322 §2.1.1's "SHOULD"

// One field, "Name: value" CRLF, appended to a string piece by piece.
class FieldWriter {
 public:
  // Writes "Name:" at the end of `out`.
  FieldWriter(std::string& out, std::string_view name);

  // Appends `space` (a run of SP and HTAB, may be empty) and then `text` (no line breaks). When both are
  // not empty and the line would pass 78 columns, folds before `space`, unless the line holds no text
  // of this field yet (a fold never leaves a line of whitespace only). The first piece of the field
  // gets the space after the colon.
  void Append(std::string_view space, std::string_view text);

  // Appends `space`, then `utf8` (not empty) as encoded words "=?UTF-8?Q?…?=" of at most 75 characters,
  // each holding whole characters, separated by folds or single spaces (which decoders drop), the
  // first filling what is left of the line. Decoders give back `utf8` exactly, spaces included. ("Q",
  // not "B": decoders that join adjacent "B" words before decoding them, as GMime does, lose what
  // follows a word that ends in base64 padding.)
  void AppendEncoded(std::string_view space, std::string_view utf8);

  // Ends the field with CRLF.
  void Finish();

 private:
  void Fold();

  std::string& out_;
  size_t column_;               // characters on the current line
  bool started_ = false;        // the space after the colon is written
  bool line_has_text_ = false;  // the current line holds some of the value
};

// Unstructured text (a subject, a caller's non-ASCII header value; RFC 5322 §3.2.5): words that are
// printable ASCII written as they are, with their spacing; encoded words (RFC 2047 §5 (1)) for the runs of
// words that are not ASCII, contain "=?", are too long for a line, or start or end the text next to
// whitespace (which decoders would drop). Reading it back gives `text` exactly.
void AppendUnstructured(FieldWriter& field, std::string_view text);

// A mailbox (From, To, Reply-To): the display name as atoms, a quoted string, or encoded words (RFC 2047
// §5 (3)) when it is not ASCII (or holds "=?"), then "<local@domain>"; the bare address without a name.
// Reading it back gives the name exactly, but that readers trim spaces at either end of it. The domain is
// written as A-labels (IDNA, as GMime converts it); a UTF-8 local part stays UTF-8 (RFC 6532).
void AppendMailbox(FieldWriter& field, const core::EmailAddress& address);

// "; name=value" for a Content-Type or Content-Disposition field: a token or quoted string when `value`
// (UTF-8) is ASCII and short; otherwise RFC 2231's name*=UTF-8''%XX… form, cut into numbered sections
// (name*0*, name*1*, …) that each fit a line.
void AppendParameter(FieldWriter& field, std::string_view name, std::string_view value);

// RFC 2045 token: printable ASCII but space and tspecials, not empty.
bool IsMimeToken(std::string_view text);

}  // namespace herald::mime
