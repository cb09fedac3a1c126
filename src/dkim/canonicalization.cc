#include "dkim/canonicalization.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace herald::dkim {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

// How much of `text` relaxed body canonicalisation leaves as it is, whatever follows: the length of the
// prefix without HTAB, without a SP that a SP, HTAB or CR follows, and not ending in SP. (CRLFs inside it
// stay as they are; the caller holds back the ones at its end.) 16 bytes at a time where SSE2 exists.
size_t RelaxedCanonicalPrefix(std::string_view text) {
  const size_t size = text.size();
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i cr = _mm_set1_epi8('\r');
  for (; i + 17 <= size; i += 16) {
    __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i + 1));
    __m128i next_is_special = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(next, space), _mm_cmpeq_epi8(next, tab)), _mm_cmpeq_epi8(next, cr));
    __m128i stop =
        _mm_or_si128(_mm_cmpeq_epi8(here, tab), _mm_and_si128(_mm_cmpeq_epi8(here, space), next_is_special));
    if (int mask = _mm_movemask_epi8(stop); mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  for (; i < size; ++i) {
    char c = text[i];
    if (c == '\t') break;
    if (c == ' ' && (i + 1 == size || IsWsp(text[i + 1]) || text[i + 1] == '\r')) break;
  }
  return i;
}

std::optional<Canonicalization> ParseOne(std::string_view name) {
  if (name == "simple") return Canonicalization::kSimple;
  if (name == "relaxed") return Canonicalization::kRelaxed;
  return std::nullopt;
}

void AppendRelaxedHeader(std::string_view field, std::string& out) {
  size_t colon = field.find(':');
  std::string_view name = field.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : field.substr(colon + 1);
  while (!name.empty() && IsWsp(name.back())) name.remove_suffix(1);
  for (char c : name) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  out += ':';
  // Unfold (drop every CRLF), squeeze whitespace runs to one SP, drop whitespace at both ends.
  bool space_held = false;
  bool wrote_value = false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
      ++i;
    } else if (IsWsp(c)) {
      space_held = wrote_value;
    } else {
      if (space_held) out += ' ';
      space_held = false;
      out += c;
      wrote_value = true;
    }
  }
  out += "\r\n";
}

}  // namespace

std::string_view ToString(Canonicalization canonicalization) {
  return canonicalization == Canonicalization::kSimple ? "simple" : "relaxed";
}

std::optional<CanonicalizationPair> ParseCanonicalization(std::string_view c_value) {
  size_t slash = c_value.find('/');
  std::optional<Canonicalization> header = ParseOne(c_value.substr(0, slash));
  std::optional<Canonicalization> body =
      slash == std::string_view::npos ? Canonicalization::kSimple : ParseOne(c_value.substr(slash + 1));
  if (!header || !body) return std::nullopt;
  return CanonicalizationPair{*header, *body};
}

void AppendCanonicalHeader(Canonicalization canonicalization, std::string_view field, std::string& out) {
  if (canonicalization == Canonicalization::kRelaxed) return AppendRelaxedHeader(field, out);
  out.append(field);
  if (!field.ends_with("\r\n")) out += "\r\n";
}

void BodyCanonicalizer::Update(std::string_view chunk) {
  const bool relaxed = canonicalization_ == Canonicalization::kRelaxed;
  size_t i = 0;
  while (i < chunk.size()) {
    char c = chunk[i];
    if (held_cr_) {
      held_cr_ = false;
      if (c == '\n') {
        ++held_line_ends_;
        held_space_ = false;  // whitespace at the end of a line is dropped
        ++i;
      } else {
        Write("\r");  // a bare CR is text; `c` is looked at again
      }
      continue;
    }
    if (c == '\r') {
      held_cr_ = true;
      ++i;
      continue;
    }
    if (relaxed && IsWsp(c)) {
      held_space_ = true;
      ++i;
      continue;
    }
    // `c` is text: write the longest run from here that is canonical as it stands, line ends included,
    // but for the line ends (and a CR) at its end, which the next chunk may show to be trailing: those go
    // through the state machine above. (A relaxed run never ends in SP; see RelaxedCanonicalPrefix.)
    std::string_view rest = chunk.substr(i);
    size_t run = relaxed ? RelaxedCanonicalPrefix(rest) : rest.size();
    if (run >= 2 && rest[run - 1] == '\r') --run;
    while (run >= 3 && rest[run - 2] == '\r' && rest[run - 1] == '\n') run -= 2;
    Write(rest.substr(0, run));
    i += run;
  }
}

void BodyCanonicalizer::Write(std::string_view text) {
  for (; held_line_ends_ > 0; --held_line_ends_) sink_("\r\n");
  if (held_space_) sink_(" ");
  held_space_ = false;
  sink_(text);
  wrote_text_ = true;
}

void BodyCanonicalizer::Finish() {
  if (held_cr_) Write("\r");
  held_cr_ = false;
  held_space_ = false;
  held_line_ends_ = 0;
  // simple: the body ends in exactly one CRLF, even when it is empty; relaxed: an empty body stays empty.
  if (canonicalization_ == Canonicalization::kSimple || wrote_text_) sink_("\r\n");
}

std::string CanonicalizeBody(Canonicalization canonicalization, std::string_view body) {
  std::string out;
  out.reserve(body.size() + 2);
  BodyCanonicalizer canonicalizer(canonicalization, [&out](std::string_view text) { out += text; });
  canonicalizer.Update(body);
  canonicalizer.Finish();
  return out;
}

}  // namespace herald::dkim
