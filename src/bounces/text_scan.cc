#include "bounces/text_scan.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/ascii.h"
#include "core/address.h"
#include "mime/text_checks.h"

namespace herald::bounces {
namespace {

constexpr size_t kMaxAddressesRemoved = 1000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

bool IsLocalPartByte(char c) {
  auto byte = static_cast<unsigned char>(c);
  return mime::IsAtext(byte) || c == '.' || byte >= 0x80;
}
bool IsDomainByte(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
}

// Digits from `at`: how many (at most `max`) and their value.
std::pair<size_t, int> Digits(std::string_view text, size_t at, size_t max) {
  size_t count = 0;
  int value = 0;
  while (at + count < text.size() && count < max && IsDigit(text[at + count])) {
    value = value * 10 + (text[at + count] - '0');
    ++count;
  }
  return {count, value};
}

// The length of an enhanced status code ("5.1.1", "4.7.26") starting at `at`, or 0.
size_t StatusLengthAt(std::string_view text, size_t at) {
  size_t length = 1;
  for (int part = 0; part < 2; ++part) {
    if (at + length >= text.size() || text[at + length] != '.') return 0;
    auto [count, value] = Digits(text, at + length + 1, 3);
    if (count == 0) return 0;
    length += 1 + count;
  }
  size_t end = at + length;
  if (end < text.size() && (IsDigit(text[end]) || IsAlpha(text[end]))) return 0;      // "5.1.10000", "5.1.1b"
  if (end + 1 < text.size() && text[end] == '.' && IsDigit(text[end + 1])) return 0;  // "4.16.55.1"
  return length;
}

bool IsReplyCodeAt(std::string_view text, size_t at) {
  if (at + 3 > text.size() || !IsDigit(text[at + 1]) || !IsDigit(text[at + 2])) return false;
  if (text[at + 1] > '5') return false;  // RFC 5321 reply codes: x0z to x5z
  if (at > 0) {
    char before = text[at - 1];
    if (IsDigit(before) || IsAlpha(before) || before == '.' || before == '-' || before == '#' ||
        before == '/' || before == '=' || before == '_')
      return false;
  }
  if (at + 3 == text.size()) return true;
  char after = text[at + 3];
  return !(IsDigit(after) || IsAlpha(after) || after == '.' || after == '_' || after == '/' || after == '@');
}

struct CommandWord {
  std::string_view word;
  smtp::RepliedCommand command;
};
// What reports write after "in reply to", "after" or "our": longer forms first, so "end of data"
// wins over "data".
constexpr std::array<CommandWord, 9> kCommandWords = {{
    {"rcpt to", smtp::RepliedCommand::kRcptTo},
    {"mail from", smtp::RepliedCommand::kMailFrom},
    {"end of data", smtp::RepliedCommand::kData},
    {"final data", smtp::RepliedCommand::kData},
    {"data", smtp::RepliedCommand::kData},
    {"rcpt", smtp::RepliedCommand::kRcptTo},
    {"helo", smtp::RepliedCommand::kHelo},
    {"ehlo", smtp::RepliedCommand::kHelo},
    {"initial connection", smtp::RepliedCommand::kGreeting},
}};
// The commands of a transcript (">>> RCPT TO:<x>", "SMTP:RCPT host …"), written in upper case.
constexpr std::array<CommandWord, 5> kTranscriptWords = {{
    {"RCPT", smtp::RepliedCommand::kRcptTo},
    {"MAIL FROM", smtp::RepliedCommand::kMailFrom},
    {"DATA", smtp::RepliedCommand::kData},
    {"HELO", smtp::RepliedCommand::kHelo},
    {"EHLO", smtp::RepliedCommand::kHelo},
}};

// The command whose word starts at `at` and ends there too (not "database", "rcptx"), in any case
// or, for a transcript, only as written.
template <size_t N>
std::optional<smtp::RepliedCommand> CommandAt(std::string_view text, size_t at,
                                              const std::array<CommandWord, N>& words, bool any_case) {
  std::string_view rest = text.substr(at);
  for (const CommandWord& entry : words) {
    bool starts = any_case ? StartsWithIgnoreCase(rest, entry.word) : rest.starts_with(entry.word);
    size_t end = at + entry.word.size();
    if (starts && (end >= text.size() || !IsAlpha(text[end]))) return entry.command;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

bool EqualsAnyIgnoreCase(std::string_view text, std::initializer_list<std::string_view> candidates) {
  return std::any_of(candidates.begin(), candidates.end(),
                     [&](std::string_view candidate) { return EqualsIgnoreCase(text, candidate); });
}

bool ContainsAnyIgnoreCase(std::string_view text, const std::vector<std::string_view>& needles) {
  for (std::string_view needle : needles) {
    if (ContainsIgnoreCase(text, needle)) return true;
  }
  return false;
}

std::string OneLine(std::string_view text) {
  std::string line;
  line.reserve(text.size());
  for (char c : Trim(text)) {
    if (IsSpace(c)) {
      if (line.back() != ' ') line += ' ';
    } else {
      line += c;
    }
  }
  return line;
}

std::vector<FoundAddress> FindAddresses(std::string_view text, size_t max_count) {
  std::vector<FoundAddress> found;
  size_t at = text.find('@');
  while (at != std::string_view::npos && found.size() < max_count) {
    size_t begin = at;
    while (begin > 0 && IsLocalPartByte(text[begin - 1])) --begin;
    while (begin < at && text[begin] == '.') ++begin;
    size_t end = at + 1;
    while (end < text.size() && IsDomainByte(text[end])) ++end;
    while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
    std::string_view candidate = text.substr(begin, end - begin);
    if (begin < at && end > at + 1 && core::ParseAddrSpec(candidate).ok())
      found.push_back({candidate, begin});
    at = text.find('@', std::max(end, at + 1));
  }
  return found;
}

std::optional<std::string> FirstAddress(std::string_view text) {
  std::vector<FoundAddress> found = FindAddresses(text, 1);
  if (found.empty()) return std::nullopt;
  return std::string(found.front().address);
}

std::string WithoutAddresses(std::string_view text) {
  std::string rest;
  size_t end = 0;
  for (const FoundAddress& found : FindAddresses(text, kMaxAddressesRemoved)) {
    rest.append(text.substr(end, found.offset - end));
    end = found.offset + found.address.size();
  }
  rest.append(text.substr(std::min(end, text.size())));
  return rest;
}

bool SameAddress(std::string_view a, std::string_view b) { return EqualsIgnoreCase(a, b); }

FoundCodes FindCodes(std::string_view text, std::string_view classes) {
  FoundCodes codes;
  for (size_t i = 0; i < text.size(); ++i) {
    if (classes.find(text[i]) == std::string_view::npos) continue;
    bool apart = i == 0 || (!IsDigit(text[i - 1]) && !IsAlpha(text[i - 1]) && text[i - 1] != '.');
    if (codes.status.empty() && apart) {
      if (size_t length = StatusLengthAt(text, i)) {
        codes.status = std::string(text.substr(i, length));
        i += length - 1;
        if (codes.reply_code != 0) break;
        continue;
      }
    }
    if (codes.reply_code == 0 && IsReplyCodeAt(text, i)) {
      codes.reply_code = Digits(text, i, 3).second;
      codes.reply_offset = i;
      if (!codes.status.empty()) break;
      i += 2;
    }
  }
  // The remote server's own enhanced code is the one written with its reply code.
  if (codes.reply_code != 0) {
    size_t after_reply = codes.reply_offset + 4;
    bool separated =
        after_reply < text.size() && (text[after_reply - 1] == ' ' || text[after_reply - 1] == '-');
    if (size_t length = separated ? StatusLengthAt(text, after_reply) : 0) {
      codes.status = std::string(text.substr(after_reply, length));
      codes.status_follows_reply = true;
    }
  }
  return codes;
}

bool IsGenericStatus(std::string_view status) { return status.size() == 5 && status.substr(1) == ".0.0"; }

smtp::RepliedCommand FindRepliedCommand(std::string_view text, size_t reply_offset) {
  // What the report says in words: "in reply to RCPT TO command", "after end of data".
  constexpr std::array<std::string_view, 4> kLeads = {"in reply to ", "after pipelined ", "after ", "our "};
  for (std::string_view lead : kLeads) {
    for (size_t at = FindIgnoreCase(text, lead); at != std::string_view::npos;
         at = FindIgnoreCase(text, lead, at + 1)) {
      if (auto command = CommandAt(text, at + lead.size(), kCommandWords, /*any_case=*/true)) return *command;
    }
  }
  // A transcript: the last command sent before the failing reply.
  size_t end = std::min(reply_offset, text.size());
  std::optional<smtp::RepliedCommand> last;
  std::string_view before_reply = text.substr(0, end);
  for (size_t at = 0; at < end; ++at) {
    if (at > 0 && IsAlpha(text[at - 1])) continue;
    if (auto command = CommandAt(before_reply, at, kTranscriptWords, /*any_case=*/false)) last = command;
  }
  return last.value_or(smtp::RepliedCommand::kUnknown);
}

std::string HtmlToText(std::string_view html, size_t max_bytes) {
  static constexpr std::array<std::string_view, 6> kBreaks = {"br", "/p", "/div", "/tr", "/li", "p"};
  static constexpr std::array<std::pair<std::string_view, char>, 6> kEntities = {{
      {"&lt;", '<'},
      {"&gt;", '>'},
      {"&amp;", '&'},
      {"&nbsp;", ' '},
      {"&quot;", '"'},
      {"&#39;", '\''},
  }};
  std::string text;
  for (size_t i = 0; i < html.size() && text.size() < max_bytes;) {
    if (html[i] == '<') {
      size_t close = html.find('>', i);
      if (close == std::string_view::npos) break;
      std::string_view tag = html.substr(i + 1, close - i - 1);
      for (std::string_view line_break : kBreaks) {
        if (StartsWithIgnoreCase(tag, line_break) &&
            (tag.size() == line_break.size() || !IsAlpha(tag[line_break.size()]))) {
          text += '\n';
          break;
        }
      }
      i = close + 1;
      continue;
    }
    if (html[i] == '&') {
      auto entity = std::find_if(kEntities.begin(), kEntities.end(), [&](const auto& known) {
        return StartsWithIgnoreCase(html.substr(i), known.first);
      });
      if (entity != kEntities.end()) {
        text += entity->second;
        i += entity->first.size();
        continue;
      }
    }
    text += html[i++];
  }
  return text;
}

}  // namespace herald::bounces
