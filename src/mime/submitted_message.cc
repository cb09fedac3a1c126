#include "mime/submitted_message.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <utility>

#include "base/ascii.h"
#include "base/printable.h"
#include "core/message_labels.h"
#include "mime/gmime_support.h"
#include "mime/submitted_message_fields.h"
#include "mime/text_checks.h"
#include "mime/wire_format.h"

namespace herald::mime {
namespace {

constexpr std::string_view kHeraldPrefix = "X-Herald-";
constexpr std::string_view kTagField = "X-Herald-Tag";
constexpr std::string_view kMetadataPrefix = "X-Herald-Metadata-";
constexpr size_t kMaxShownBytes = 998;           // subject, to_header, message_id
constexpr size_t kMaxDisplayNameBytes = 256;     // as core::ValidateDisplayName
constexpr size_t kMaxDecodedInputBytes = 16384;  // of a Subject or To value: more cannot fit in 998 bytes
constexpr size_t kMaxAddedMessageIdBytes = 250;

// ---- Text ----

// `text` as valid UTF-8 (what is not becomes U+FFFD), TAB as a space, other control characters
// dropped, trimmed of spaces, cut at a character boundary to at most `max_bytes`.
std::string CleanText(std::string_view text, size_t max_bytes) {
  constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD
  std::string out;
  out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      if (c == '\t') c = ' ';
      if (c < 0x20 || c == 0x7f || (c == ' ' && out.empty())) continue;
      if (out.size() + 1 > max_bytes) break;
      out += static_cast<char>(c);
      continue;
    }
    size_t length = Utf8SequenceLength(text, i);
    std::string_view character = length == 0 ? kReplacement : text.substr(i, length);
    i += length == 0 ? 1 : length;
    if (out.size() + character.size() > max_bytes) break;
    out.append(character);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string GString(GCharPtr text) { return text ? std::string(text.get()) : std::string(); }

// RFC 2047 words, raw UTF-8 and legacy 8-bit text decoded to UTF-8 by GMime; plain ASCII as it is.
std::string DecodeText(const std::string& unfolded) {
  if (IsAscii(unfolded) && unfolded.find("=?") == std::string::npos) return unfolded;
  return GString(GCharPtr(g_mime_utils_header_decode_text(nullptr, unfolded.c_str())));
}

std::string CutForDecoding(std::string value) {
  if (value.size() > kMaxDecodedInputBytes) value.resize(kMaxDecodedInputBytes);
  return value;
}

// "Tue, 25 Nov 2026 14:53:03 +0000" (RFC 5322 §3.3), in UTC.
std::string FormatDate(TimePoint now) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%s, %d %s %d %02d:%02d:%02d +0000", kDays[utc.tm_wday], utc.tm_mday,
                kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return text;
}

// ---- Edits (Herald's own values) ----

// RFC 5322 dot-atom-text, with UTF-8 as atext (RFC 6532 §3.2): an envelope sender's domain may be UTF-8.
bool IsDotAtomText(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t length = Utf8SequenceLength(text, i);
      if (length == 0) return false;
      i += length - 1;
    } else if (c == '.' ? text[i - 1] == '.' : !IsAtext(c)) {
      return false;
    }
  }
  return true;
}

Status ValidateEdits(const SubmissionEdits& edits) {
  const std::string& id = edits.message_id;
  size_t at = id.find('@');
  if (id.size() > kMaxAddedMessageIdBytes || at == std::string::npos || !IsDotAtomText(id.substr(0, at)) ||
      !IsDotAtomText(id.substr(at + 1))) {
    return Status::Internal(
        "submission edits: message_id is not \"left@right\" of at most 250 bytes of atext");
  }
  const std::string& url = edits.list_help_url;
  constexpr size_t kListHelpOverhead = std::string_view("List-Help: <>").size();
  if (url.size() + kListHelpOverhead > kMaxLineBytes) {
    return Status::Internal("submission edits: list_help_url is too long for one header line");
  }
  for (unsigned char c : url) {
    if (c <= 32 || c >= 127 || c == '<' || c == '>') {
      return Status::Internal("submission edits: list_help_url must be printable ASCII without spaces or <>");
    }
  }
  return Status::Ok();
}

// ---- Addresses ----

using AddressListPtr = GObjectPtr<InternetAddressList>;

AddressListPtr ParseAddressList(const std::string& unfolded) {
  return AddressListPtr(internet_address_list_parse(nullptr, unfolded.c_str()));
}

std::string MailboxName(InternetAddress* address) {
  const char* name = internet_address_get_name(address);
  return name == nullptr ? std::string() : CleanText(name, kMaxDisplayNameBytes);
}

std::string Shown(const std::string& name, std::string_view addr_spec) {
  return name.empty() ? std::string(addr_spec) : name + " <" + std::string(addr_spec) + ">";
}

// "Name <addr>, addr, Group: addr, addr;" stopping once `out` passes `max_bytes`.
void AppendShownList(InternetAddressList* list, std::string& out, size_t max_bytes, bool in_group = false) {
  int count = internet_address_list_length(list);
  bool first = true;
  for (int i = 0; i < count && out.size() <= max_bytes; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    std::string shown;
    if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address));
      shown = Shown(MailboxName(address), addr == nullptr ? "" : addr);
    } else if (INTERNET_ADDRESS_IS_GROUP(address) && !in_group) {  // groups do not nest
      shown = MailboxName(address) + ":";
      std::string members;
      AppendShownList(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), members, max_bytes,
                      true);
      shown += (members.empty() ? "" : " ") + members + ";";
    } else {
      continue;
    }
    if (!first) out += ", ";
    out += shown;
    first = false;
  }
}

Status ReadFrom(const RawField& field, SubmittedMessage& message) {
  AddressListPtr list = ParseAddressList(UnfoldValue(field.value));
  if (!list || internet_address_list_length(list.get()) != 1 ||
      !INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(list.get(), 0))) {
    return Status::InvalidArgument("From: must hold exactly one mailbox");
  }
  InternetAddress* mailbox = internet_address_list_get_address(list.get(), 0);
  const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(mailbox));
  Result<core::EmailAddress> address = core::ParseAddrSpec(addr == nullptr ? "" : addr);
  if (!address.ok()) return Status::InvalidArgument("From: " + address.status().message());
  address->display_name = MailboxName(mailbox);
  message.from_header = Shown(address->display_name, address->AddrSpec());
  message.from = std::move(*address);
  return Status::Ok();
}

std::string ReadTo(const std::vector<const RawField*>& fields) {
  std::string joined;
  for (const RawField* field : fields) {
    if (!joined.empty()) joined += ", ";
    joined += UnfoldValue(field->value);
    if (joined.size() >= kMaxDecodedInputBytes) break;
  }
  joined = CutForDecoding(std::move(joined));
  if (joined.empty()) return {};
  std::string shown;
  AddressListPtr list = ParseAddressList(joined);
  if (list) AppendShownList(list.get(), shown, kMaxShownBytes);
  if (shown.empty()) shown = DecodeText(joined);
  return CleanText(shown, kMaxShownBytes);
}

std::string ReadMessageId(const RawField& field) {
  std::string unfolded = UnfoldValue(field.value);
  std::string id = GString(GCharPtr(g_mime_utils_decode_message_id(unfolded.c_str())));
  if (id.empty()) {  // GMime found nothing it could read: report the text without its brackets
    id = unfolded;
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  }
  return CleanText(id, kMaxShownBytes);
}

// ---- X-Herald-* fields ----

class LabelReader {
 public:
  Status Read(const RawField& field) {
    if (EqualsIgnoreCase(field.name, kTagField)) return ReadTags(field);
    if (StartsWithIgnoreCase(field.name, kMetadataPrefix)) return ReadMetadata(field);
    return Status::InvalidArgument("unknown Herald header " + Printable(field.name, 80));
  }

  std::vector<std::string> TakeTags() { return std::move(tags_); }
  nlohmann::json TakeMetadata() { return std::move(metadata_); }

 private:
  static std::string Decoded(const RawField& field) {
    std::string text = DecodeText(UnfoldValue(field.value));
    return IsValidUtf8(text)
               ? text
               : GString(GCharPtr(g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()))));
  }

  Status ReadTags(const RawField& field) {
    std::string value = Decoded(field);
    std::string_view rest = value;
    while (true) {
      size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (Status valid = core::ValidateTag(item); !valid.ok()) {
        return Status::InvalidArgument(std::string(kTagField) + ": " + valid.message());
      }
      bool seen = false;
      for (const std::string& tag : tags_) seen = seen || tag == item;
      if (!seen) tags_.emplace_back(item);
      if (tags_.size() > core::kMaxTags) {
        return Status::InvalidArgument(std::string(kTagField) + ": more than " +
                                       std::to_string(core::kMaxTags) + " tags");
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return Status::Ok();
  }

  Status ReadMetadata(const RawField& field) {
    auto error = [&field](std::string_view problem) {
      return Status::InvalidArgument(Printable(field.name, 100) + ": " + std::string(problem));
    };
    std::string key(field.name.substr(kMetadataPrefix.size()));
    std::string value = Decoded(field);
    if (Status valid = core::ValidateMetadataEntry(key, value); !valid.ok()) return error(valid.message());
    for (const auto& [existing, ignored] : metadata_.items()) {
      if (EqualsIgnoreCase(existing, key)) return error("metadata key given twice");
    }
    if (metadata_.size() >= core::kMaxMetadataKeys) {
      return error("more than " + std::to_string(core::kMaxMetadataKeys) + " metadata keys");
    }
    metadata_[key] = std::move(value);
    return Status::Ok();
  }

  std::vector<std::string> tags_;
  nlohmann::json metadata_ = nlohmann::json::object();
};

// ---- The edit ----

bool IsBlank(std::string_view value) {
  for (char c : value) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

bool Is(const RawField& field, std::string_view name) { return EqualsIgnoreCase(field.name, name); }

}  // namespace

Result<SubmittedMessage> PrepareSubmittedMessage(std::string_view raw, const SubmissionEdits& edits) {
  HERALD_RETURN_IF_ERROR(ValidateEdits(edits));
  Result<RawHeaderSection> scanned = ScanHeaderSection(raw, kMaxSubmittedHeaderSectionBytes);
  if (!scanned.ok()) return scanned.status();
  const RawHeaderSection& section = *scanned;
  EnsureGMimeInitialized();

  SubmittedMessage message;
  LabelReader labels;
  const RawField* from = nullptr;
  const RawField* subject = nullptr;
  const RawField* message_id = nullptr;
  std::vector<const RawField*> to;
  bool has_date = false;
  std::vector<bool> removed(section.fields.size(), false);
  for (size_t i = 0; i < section.fields.size(); ++i) {
    const RawField& field = section.fields[i];
    if (StartsWithIgnoreCase(field.name, kHeraldPrefix)) {
      removed[i] = true;
      HERALD_RETURN_IF_ERROR(labels.Read(field));
    } else if (Is(field, "From")) {
      if (from != nullptr) return Status::InvalidArgument("the message has several From: fields");
      from = &field;
    } else if (Is(field, "To")) {
      to.push_back(&field);
    } else if (Is(field, "Subject")) {
      if (subject == nullptr) subject = &field;
    } else if (Is(field, "Message-ID")) {
      if (IsBlank(field.value)) {
        removed[i] = true;
      } else if (message_id == nullptr) {
        message_id = &field;
      }
    } else if (Is(field, "Date")) {
      removed[i] = IsBlank(field.value);
      has_date = has_date || !removed[i];
    } else if (Is(field, "List-Help")) {
      removed[i] = !edits.list_help_url.empty();
    }
  }
  if (from == nullptr) return Status::InvalidArgument("the message has no From: field");
  HERALD_RETURN_IF_ERROR(ReadFrom(*from, message));
  message.to_header = ReadTo(to);
  if (subject != nullptr) {
    message.subject = CleanText(DecodeText(CutForDecoding(UnfoldValue(subject->value))), kMaxShownBytes);
  }
  message.message_id = message_id != nullptr ? ReadMessageId(*message_id) : edits.message_id;
  message.tags = labels.TakeTags();
  message.metadata = labels.TakeMetadata();

  // The header section without the removed fields, the added fields, then the rest unchanged.
  std::string& out = message.raw;
  out.reserve(raw.size() + 128 + edits.message_id.size() + edits.list_help_url.size());
  size_t copied = 0;
  for (size_t i = 0; i < section.fields.size(); ++i) {
    if (!removed[i]) continue;
    out.append(raw.substr(copied, section.fields[i].begin - copied));
    copied = section.fields[i].end;
  }
  out.append(raw.substr(copied, section.end - copied));
  if (section.last_line_unended && !out.ends_with("\r\n")) out += "\r\n";
  if (!has_date) out += "Date: " + FormatDate(edits.now) + "\r\n";
  if (message_id == nullptr) out += "Message-ID: <" + edits.message_id + ">\r\n";
  if (!edits.list_help_url.empty()) out += "List-Help: <" + edits.list_help_url + ">\r\n";
  out.append(raw.substr(section.end));
  return message;
}

}  // namespace herald::mime
