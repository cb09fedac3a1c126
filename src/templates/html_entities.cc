#include "templates/html_entities.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <optional>

namespace herald::templates {
namespace {

// U+00A0 to U+00FF, in order.
constexpr std::array<std::string_view, 96> kLatin1 = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",    "copy",
    "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",
    "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12",
    "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil",
    "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde",
    "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",
    "Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",
    "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",
    "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

struct NamedReference {
  std::string_view name;
  char32_t code_point;
};
// The first four are also read without their ';', as the Latin-1 ones are.
constexpr NamedReference kOther[] = {
    {"amp", 38},      {"lt", 60},       {"gt", 62},       {"quot", 34},     {"apos", 39},
    {"OElig", 338},   {"oelig", 339},   {"Scaron", 352},  {"scaron", 353},  {"Yuml", 376},
    {"fnof", 402},    {"circ", 710},    {"tilde", 732},   {"ensp", 8194},   {"emsp", 8195},
    {"thinsp", 8201}, {"zwnj", 8204},   {"zwj", 8205},    {"lrm", 8206},    {"rlm", 8207},
    {"ndash", 8211},  {"mdash", 8212},  {"lsquo", 8216},  {"rsquo", 8217},  {"sbquo", 8218},
    {"ldquo", 8220},  {"rdquo", 8221},  {"bdquo", 8222},  {"dagger", 8224}, {"Dagger", 8225},
    {"bull", 8226},   {"hellip", 8230}, {"permil", 8240}, {"prime", 8242},  {"Prime", 8243},
    {"lsaquo", 8249}, {"rsaquo", 8250}, {"euro", 8364},   {"trade", 8482},  {"larr", 8592},
    {"uarr", 8593},   {"rarr", 8594},   {"darr", 8595},   {"harr", 8596},   {"minus", 8722},
    {"ne", 8800},     {"le", 8804},     {"ge", 8805},     {"infin", 8734},  {"star", 9734},
    {"hearts", 9829}, {"check", 10003},
};
constexpr size_t kReadWithoutSemicolon = 4;

// HTML5: &#128; to &#159; name Windows-1252's characters (0 where that code page has none).
constexpr std::array<char16_t, 32> kWindows1252 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::optional<char32_t> Named(std::string_view name, bool with_semicolon) {
  for (size_t i = 0; i < kLatin1.size(); ++i) {
    if (kLatin1[i] == name) return static_cast<char32_t>(0xA0 + i);
  }
  for (size_t i = 0; i < std::size(kOther); ++i) {
    if (kOther[i].name == name && (with_semicolon || i < kReadWithoutSemicolon)) return kOther[i].code_point;
  }
  return std::nullopt;
}

int DigitValue(char c, bool hex) {
  if (c >= '0' && c <= '9') return c - '0';
  if (hex && c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (hex && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Decodes the reference at the start of `text` (which starts with '&') into `out`; the bytes it took, or
// 0 when there is none.
size_t DecodeReference(std::string_view text, std::string& out) {
  size_t at = 1;
  if (text.size() > 1 && text[1] == '#') {
    const bool hex = text.size() > 2 && (text[2] == 'x' || text[2] == 'X');
    at = hex ? 3 : 2;
    const size_t digits = at;
    uint32_t value = 0;
    for (int digit; at < text.size() && (digit = DigitValue(text[at], hex)) >= 0; ++at) {
      value = std::min<uint32_t>(value * (hex ? 16 : 10) + static_cast<uint32_t>(digit), 0x110000);
    }
    if (at == digits) return 0;
    if (at < text.size() && text[at] == ';') ++at;
    char32_t code_point = value;
    if (value >= 0x80 && value <= 0x9F && kWindows1252[value - 0x80] != 0)
      code_point = kWindows1252[value - 0x80];
    AppendUtf8(code_point == 0 ? 0xFFFD : code_point, out);
    return at;
  }
  while (at < text.size() && at <= 32 && IsAsciiAlnum(text[at])) ++at;
  const bool semicolon = at < text.size() && text[at] == ';';
  std::optional<char32_t> code_point = Named(text.substr(1, at - 1), semicolon);
  if (!code_point) return 0;
  AppendUtf8(*code_point, out);
  return semicolon ? at + 1 : at;
}

}  // namespace

void AppendUtf8(char32_t code_point, std::string& out) {
  if ((code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF) code_point = 0xFFFD;
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

void AppendDecodingEntities(std::string_view text, std::string& out) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t amp = text.find('&', pos);
    out.append(text.substr(pos, amp - pos));
    if (amp == std::string_view::npos) return;
    const size_t taken = DecodeReference(text.substr(amp), out);
    if (taken == 0) out += '&';
    pos = amp + (taken == 0 ? 1 : taken);
  }
}

}  // namespace herald::templates
