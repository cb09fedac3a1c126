#include "bounces/plain_bounce.h"

#include <algorithm>
#include <array>
#include <optional>

#include "base/ascii.h"
#include "bounces/fields.h"
#include "bounces/signals.h"
#include "bounces/text_scan.h"
#include "core/address.h"
#include "mime/text_checks.h"
#include "smtp/bounce_classification_text.h"

namespace herald::bounces {
namespace {

constexpr size_t kMaxAddressesScanned = 1000;
constexpr size_t kMaxSeparatorWords = 14;
constexpr size_t kMaxEvidenceBytes = 2 * smtp::kMaxClassifiedTextBytes;

bool IsDecoration(char c) {
  return c == ' ' || c == '\t' || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`' || c == ':' ||
         c == ';' || c == ',' || c == '.' || c == '*' || c == '-' || c == '=' || c == '(' || c == ')' ||
         c == '[' || c == ']' || c == '#' || c == '|' || c == '_' || c == '~';
}

std::string_view StripDecoration(std::string_view text) {
  while (!text.empty() && IsDecoration(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsDecoration(text.back())) text.remove_suffix(1);
  return text;
}

bool EndsWithWord(std::string_view text, std::string_view word) {
  if (text.size() < word.size() || !EqualsIgnoreCase(text.substr(text.size() - word.size()), word))
    return false;
  if (text.size() == word.size()) return true;
  char before = text[text.size() - word.size() - 1];
  return !((before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z') ||
           (before >= '0' && before <= '9'));
}

size_t CountWords(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// ---- Where the returned original starts ------------------------------------------------------------

bool IsSeparatorLine(std::string_view line) {
  static const std::vector<std::string_view> kPhrases = {
      "copy of the message",     "copy of your message", "copy of the original",   "original message",
      "returned message",        "unsent message",       "message headers follow", "header of the original",
      "headers of the original", "below this line",      "message header",         "original mail",
      "message follows",         "headers follow",       "undelivered message",    "rejected message"};
  std::string_view trimmed = Trim(line);
  if (trimmed.size() < 2 || CountWords(trimmed) > kMaxSeparatorWords ||
      !ContainsAnyIgnoreCase(trimmed, kPhrases))
    return false;
  // A separator looks like one: drawn with dashes or stars, or announcing what follows.
  auto is_rule = [](char c) { return c == '-' || c == '=' || c == '*' || c == '_'; };
  bool drawn = (is_rule(trimmed[0]) && is_rule(trimmed[1])) ||
               (is_rule(trimmed[trimmed.size() - 1]) && is_rule(trimmed[trimmed.size() - 2]));
  if (drawn || trimmed.back() == ':') return true;
  std::string_view words = StripDecoration(trimmed);
  return EndsWithWord(words, "follows") || EndsWithWord(words, "follow") ||
         EndsWithWord(words, "following") || EndsWithWord(words, "below");
}

// Fields every message header has.
bool IsOriginalHeaderName(std::string_view name) {
  return EqualsAnyIgnoreCase(name, {"Received", "Return-Path", "Message-ID", "From", "To", "Subject", "Date",
                                    "MIME-Version", "DKIM-Signature", "Delivered-To"});
}

std::string_view FieldNameOf(std::string_view line) {
  std::string_view name = line.substr(0, line.find(':'));
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return name;
}

// Fields a returned header has and a notification's summary of the message ("To: …, Subject: …,
// Date: …") has not.
bool IsTransportHeaderName(std::string_view name) {
  return EqualsAnyIgnoreCase(
      name, {"Received", "Return-Path", "Message-ID", "DKIM-Signature", "MIME-Version", "Delivered-To",
             "Content-Type", "X-Received", "ARC-Seal", "Authentication-Results"});
}

// A header block starts at lines[at]: a field every message header has, then more fields
// (continuations between them): three or more in all, two of them common ones and one of them a
// transport field.
bool StartsHeaderBlock(const std::vector<std::string_view>& lines, size_t at) {
  constexpr size_t kMaxFieldsLooked = 50;
  if (!IsFieldLine(lines[at]) || !IsOriginalHeaderName(FieldNameOf(lines[at]))) return false;
  size_t fields = 0;
  size_t known = 0;
  bool transport = false;
  for (size_t i = at; i < lines.size() && fields < kMaxFieldsLooked; ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !Trim(line).empty()) continue;
    if (!IsFieldLine(line)) break;
    ++fields;
    std::string_view name = FieldNameOf(line);
    known += IsOriginalHeaderName(name);
    transport = transport || IsTransportHeaderName(name);
    if (fields >= 3 && known >= 2 && transport) return true;
  }
  return false;
}

// ---- Recipients ----------------------------------------------------------------------------------

// What precedes an address on its line says who it is.
enum class Role { kNotRecipient, kMentioned, kRecipient };

// `text` without the SMTP reply codes and enhanced status codes it starts with ("554 5.0.0 ").
std::string_view WithoutLeadingCodes(std::string_view text) {
  while (true) {
    text = StripDecoration(text);
    size_t end = 0;
    while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) ++end;
    if (end == 0 || (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != '-'))
      return text;
    text.remove_prefix(end);
  }
}

// `line_names_contact`: the line says "contact" (an address on it is one to write to, not a recipient).
Role RoleOf(std::string_view line, size_t offset, bool line_names_contact) {
  if (line_names_contact) return Role::kNotRecipient;
  std::string_view before = StripDecoration(line.substr(0, offset));
  static constexpr std::array<std::string_view, 8> kSenderLeads = {
      "from", "sender", "reply-to", "return-path", "envelope-from", "contact", "mailto", "sent by"};
  for (std::string_view lead : kSenderLeads) {
    if (EndsWithWord(before, lead)) return Role::kNotRecipient;
  }
  // The line starts with it, maybe after codes: "<x@y>: 550 …", "  x@y", "554 <x@y>... Unavailable".
  if (WithoutLeadingCodes(before).empty()) return Role::kRecipient;
  // A summary of the original ("  To: someone") names who it was sent to, not who failed.
  if (StartsWithIgnoreCase(Trim(line), "to:") || StartsWithIgnoreCase(Trim(line), "cc:"))
    return Role::kMentioned;
  static constexpr std::array<std::string_view, 14> kRecipientLeads = {
      "to",      "recipient", "recipients", "address",   "addresses", "rcpt",      "user",
      "mailbox", "for",       "failed",     "following", "rfc822",    "addressee", "destination"};
  for (std::string_view lead : kRecipientLeads) {
    if (EndsWithWord(before, lead)) return Role::kRecipient;
  }
  return Role::kMentioned;
}

struct Mention {
  std::string address;
  size_t line = 0;
  bool strong = false;
  bool sending_side = false;  // an address of the sending side, standing where a recipient would
};

bool IsSendingSide(std::string_view address, const PlainBounceContext& context) {
  return std::any_of(context.sending_side.begin(), context.sending_side.end(),
                     [&](const std::string& known) { return SameAddress(known, address); });
}

// The mentions of possible recipients. An address seen once as a sender or a contact is never one.
std::vector<Mention> FindMentions(const std::vector<std::string_view>& lines,
                                  const PlainBounceContext& context) {
  std::vector<Mention> mentions;
  std::vector<std::string> excluded;
  size_t scanned = 0;
  for (size_t i = 0; i < lines.size() && scanned < kMaxAddressesScanned; ++i) {
    std::vector<FoundAddress> found_on_line = FindAddresses(lines[i], kMaxAddressesScanned - scanned);
    const bool names_contact = !found_on_line.empty() && ContainsIgnoreCase(lines[i], "contact");
    for (const FoundAddress& found : found_on_line) {
      ++scanned;
      Role role = RoleOf(lines[i], found.offset, names_contact);
      if (role == Role::kNotRecipient) {
        excluded.emplace_back(found.address);
        continue;
      }
      mentions.push_back(
          {std::string(found.address), i, role == Role::kRecipient, IsSendingSide(found.address, context)});
    }
  }
  std::erase_if(mentions, [&](const Mention& mention) {
    return std::any_of(excluded.begin(), excluded.end(),
                       [&](const std::string& address) { return SameAddress(address, mention.address); });
  });
  return mentions;
}

struct Recipient {
  std::string address;
  std::optional<size_t> anchor;  // the line the recipient's evidence starts at
};

std::optional<size_t> FirstLineOf(std::string_view address, const std::vector<Mention>& mentions,
                                  bool strong_only) {
  for (const Mention& mention : mentions) {
    if ((mention.strong || !strong_only) && SameAddress(mention.address, address)) return mention.line;
  }
  return std::nullopt;
}

void AddUnique(std::vector<Recipient>& recipients, std::string_view address, std::optional<size_t> anchor) {
  for (const Recipient& known : recipients) {
    if (SameAddress(known.address, address)) return;
  }
  recipients.push_back({std::string(address), anchor});
}

// Strong mentions, else weak ones, of addresses not of the sending side; else strong mentions of the
// sending side (a message sent to oneself); else the returned original's recipients.
std::vector<Recipient> ChooseRecipients(const std::vector<Mention>& mentions,
                                        const PlainBounceContext& context) {
  std::vector<Recipient> recipients;
  if (!context.failed_recipients.empty()) {
    for (const std::string& address : context.failed_recipients) {
      std::optional<size_t> anchor = FirstLineOf(address, mentions, /*strong_only=*/true);
      AddUnique(recipients, address, anchor ? anchor : FirstLineOf(address, mentions, false));
    }
    return recipients;
  }
  auto choose = [&](bool strong, bool sending_side) {
    for (const Mention& mention : mentions) {
      if ((mention.strong || !strong) && mention.sending_side == sending_side)
        AddUnique(recipients, mention.address, mention.line);
    }
    return !recipients.empty();
  };
  if (choose(true, false) || choose(false, false) || choose(true, true)) return recipients;
  for (const std::string& address : context.original_recipients) {
    if (!IsSendingSide(address, context)) AddUnique(recipients, address, std::nullopt);
  }
  return recipients;
}

// ---- Evidence ------------------------------------------------------------------------------------

// True when the line holds nothing but addresses and decoration.
bool IsAddressOnlyLine(std::string_view line) {
  std::string rest = WithoutAddresses(line);
  std::string_view remaining = StripDecoration(rest);
  return remaining.empty() || EqualsIgnoreCase(remaining, "mailto");
}

struct LineRange {
  size_t begin = 0;
  size_t end = 0;
};

// The lines of `range`, at most kMaxEvidenceBytes of them (ClassifyReply reads less).
std::string JoinLines(const std::vector<std::string_view>& lines, LineRange range) {
  std::string text;
  for (size_t i = range.begin; i < range.end && i < lines.size() && text.size() < kMaxEvidenceBytes; ++i) {
    text.append(lines[i].substr(0, kMaxEvidenceBytes - text.size()));
    text += '\n';
  }
  return text;
}

bool IsIndented(std::string_view line) { return !line.empty() && (line[0] == ' ' || line[0] == '\t'); }

// A line where a recipient is named as one.
struct Anchor {
  size_t line;
  std::string_view address;
};

// The lines about the recipient whose first mention is lines[anchor]: up to the next recipient's. A
// line that names the recipient and says what failed ("<x@y>: host … said: 550 …", Sendmail's "554
// <x@y>... Service unavailable") keeps only its indented continuation lines: what follows is about
// the next one (Sendmail names the next host before the next recipient).
LineRange EvidenceLines(const std::vector<std::string_view>& lines, size_t anchor, std::string_view address,
                        const std::vector<Anchor>& anchors) {
  LineRange range{anchor, lines.size()};
  for (const Anchor& other : anchors) {
    if (other.line > anchor && other.line < range.end && !SameAddress(other.address, address))
      range.end = other.line;
  }
  if (IsAddressOnlyLine(lines[anchor])) {
    ++range.begin;
  } else if (IsInformative(WithoutAddresses(lines[anchor]))) {
    size_t end = anchor + 1;
    while (end < range.end && IsIndented(lines[end]) && !Trim(lines[end]).empty()) ++end;
    range.end = end;
  }
  return range;
}

}  // namespace

SplitNotification SplitAtReturnedMessage(std::string_view text) {
  std::vector<std::string_view> lines = Lines(text);
  auto offset_of = [&](size_t line) { return static_cast<size_t>(lines[line].data() - text.data()); };
  for (size_t i = 0; i < lines.size(); ++i) {
    if (StartsHeaderBlock(lines, i)) return {text.substr(0, offset_of(i)), text.substr(offset_of(i))};
    if (!IsSeparatorLine(lines[i])) continue;
    // The original starts at the first header block after the separator (or right after it).
    for (size_t j = i + 1; j < lines.size(); ++j) {
      if (StartsHeaderBlock(lines, j)) return {text.substr(0, offset_of(i)), text.substr(offset_of(j))};
    }
    size_t next = i + 1;
    while (next < lines.size() && Trim(lines[next]).empty()) ++next;
    return {text.substr(0, offset_of(i)),
            next < lines.size() ? text.substr(offset_of(next)) : std::string_view()};
  }
  return {text, {}};
}

bool IsInformative(std::string_view text) {
  FoundCodes codes = FindCodes(text);
  return codes.reply_code != 0 || !codes.status.empty() || smtp::ReasonFromText(text).has_value();
}

std::vector<RecipientEvidence> ReadPlainBounce(std::string_view notice, const PlainBounceContext& context,
                                               size_t max_recipients, size_t& omitted) {
  std::vector<std::string_view> lines = Lines(notice);
  const std::vector<Mention> mentions = FindMentions(lines, context);
  std::vector<Recipient> recipients = ChooseRecipients(mentions, context);

  // Evidence about a recipient ends where another recipient is named as one.
  std::vector<Anchor> anchors;
  for (const Recipient& recipient : recipients) {
    if (recipient.anchor) anchors.push_back({*recipient.anchor, recipient.address});
  }
  for (const Mention& mention : mentions) {
    bool chosen = std::any_of(recipients.begin(), recipients.end(), [&](const Recipient& recipient) {
      return SameAddress(recipient.address, mention.address);
    });
    if (mention.strong && chosen) anchors.push_back({mention.line, mention.address});
  }
  size_t first_anchor = lines.size();
  for (const Anchor& anchor : anchors) first_anchor = std::min(first_anchor, anchor.line);
  const std::string action = SaysDelayed(context.subject, notice) ? "delayed" : "failed";

  const std::optional<smtp::BounceReason> notice_reason = NoticeReason(notice);
  std::vector<RecipientEvidence> evidence;
  for (const Recipient& recipient : recipients) {
    if (evidence.size() >= max_recipients) {
      ++omitted;
      continue;
    }
    std::string text;
    if (recipient.anchor)
      text = JoinLines(lines, EvidenceLines(lines, *recipient.anchor, recipient.address, anchors));
    if (!IsInformative(text)) text = JoinLines(lines, {0, first_anchor}) + text;
    if (!IsInformative(text) && !recipient.anchor) text = std::string(notice.substr(0, kMaxEvidenceBytes));
    if (!IsInformative(text)) text += std::string(context.subject);
    text.resize(std::min(text.size(), kMaxEvidenceBytes));
    evidence.push_back({recipient.address, action, "", std::move(text), notice_reason});
  }
  return evidence;
}

}  // namespace herald::bounces
