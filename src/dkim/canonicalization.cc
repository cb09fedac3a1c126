#include "dkim/canonicalization.h"

namespace herald::dkim {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }
// Text that relaxed canonicalisation writes as it stands: neither whitespace nor CR.
bool IsPlain(char c) { return c != ' ' && c != '\t' && c != '\r'; }

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

void BodyCanonicalizer::Update(std::string_view chunk, std::string& out) {
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
        AppendText("\r", out);  // a bare CR is text; `c` is looked at again
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
    // The longest run that is already canonical: up to the next CR, and for relaxed up to the next
    // whitespace that is not a single SP between two pieces of text.
    size_t end = i + 1;
    if (!relaxed) {
      end = chunk.find('\r', i);
      if (end == std::string_view::npos) end = chunk.size();
    } else {
      while (end < chunk.size()) {
        char e = chunk[end];
        if (IsPlain(e)) {
          ++end;
        } else if (e == ' ' && end + 1 < chunk.size() && IsPlain(chunk[end + 1])) {
          end += 2;
        } else {
          break;
        }
      }
    }
    AppendText(chunk.substr(i, end - i), out);
    i = end;
  }
}

void BodyCanonicalizer::AppendText(std::string_view text, std::string& out) {
  for (; held_line_ends_ > 0; --held_line_ends_) out += "\r\n";
  if (held_space_) out += ' ';
  held_space_ = false;
  out.append(text);
  wrote_text_ = true;
}

void BodyCanonicalizer::Finish(std::string& out) {
  if (held_cr_) AppendText("\r", out);
  held_cr_ = false;
  held_space_ = false;
  held_line_ends_ = 0;
  // simple: the body ends in exactly one CRLF, even when it is empty; relaxed: an empty body stays empty.
  if (canonicalization_ == Canonicalization::kSimple || wrote_text_) out += "\r\n";
}

std::string CanonicalizeBody(Canonicalization canonicalization, std::string_view body) {
  BodyCanonicalizer canonicalizer(canonicalization);
  std::string out;
  out.reserve(body.size() + 2);
  canonicalizer.Update(body, out);
  canonicalizer.Finish(out);
  return out;
}

}  // namespace herald::dkim
