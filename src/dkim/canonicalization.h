// DKIM canonicalisation (RFC 6376 §3.4): the forms of header fields and body that signatures cover.
//
// "simple" keeps the bytes; "relaxed" lowercases field names, unfolds and squeezes whitespace, and drops
// whitespace at line ends. Both drop the empty lines at the end of the body (§3.4.3, §3.4.4), and both end
// a non-empty body that lacks a final CRLF with one; "simple" also turns an empty body into one CRLF,
// "relaxed" keeps it empty. BodyCanonicalizer works on a body given in chunks of any size (a CRLF may be
// split between two), so a body is canonicalised in one pass without being copied.
//
// On the last line of a body without a final CRLF, relaxed drops the trailing whitespace as on every other
// line ("abc  " becomes "abc\r\n"), as Mail::DKIM 1.2023 does; dkimpy 1.1 keeps one SP there.
//
// Thread-safety: the functions are pure; a BodyCanonicalizer belongs to one thread at a time.
// Untrusted input: yes (message text). Every byte is accepted; work and output are linear in the input.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace herald::dkim {

enum class Canonicalization { kSimple, kRelaxed };

std::string_view ToString(Canonicalization canonicalization);  // "simple", "relaxed"

// The header and body algorithms of a c= value: "relaxed/simple"; "relaxed" alone means relaxed/simple and
// an absent c= means simple/simple (§3.5). nullopt for an unknown algorithm.
struct CanonicalizationPair {
  Canonicalization header = Canonicalization::kSimple;
  Canonicalization body = Canonicalization::kSimple;
};
std::optional<CanonicalizationPair> ParseCanonicalization(std::string_view c_value);

// Appends the canonical form of one header field to `out`. `field` is the field as it stands in the
// message: name, ':', value with any folded lines, and its final CRLF (a missing final CRLF is
// supplied). simple appends it unchanged; relaxed appends "name:value\r\n" (§3.4.2).
void AppendCanonicalHeader(Canonicalization canonicalization, std::string_view field, std::string& out);

// Canonicalises a body given in consecutive chunks and hands the canonical body to a sink, piece by piece
// (trailing line ends are held back until more text follows or Finish). Text that canonicalisation leaves
// as it is — most of a body — goes to the sink straight from the chunk, many lines at a time, so that
// hashing a body costs little more than hashing its bytes.
class BodyCanonicalizer {
 public:
  using Sink = std::function<void(std::string_view)>;

  BodyCanonicalizer(Canonicalization canonicalization, Sink sink)
      : canonicalization_(canonicalization), sink_(std::move(sink)) {}

  void Update(std::string_view chunk);
  // Writes what the end of the body decides (one CRLF, or for an empty relaxed body nothing). Call once.
  void Finish();

 private:
  // Writes the held line ends and space, then `text`.
  void Write(std::string_view text);

  Canonicalization canonicalization_;
  Sink sink_;
  size_t held_line_ends_ = 0;  // CRLFs seen but not yet written: trailing empty lines are dropped
  bool held_cr_ = false;       // the chunk ended in CR, which may begin a CRLF
  bool held_space_ = false;    // relaxed: whitespace seen inside a line, written as one SP before text
  bool wrote_text_ = false;    // anything but line ends has been written
};

// The canonical form of a whole body; for tests and small bodies.
std::string CanonicalizeBody(Canonicalization canonicalization, std::string_view body);

}  // namespace herald::dkim
