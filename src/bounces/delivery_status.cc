#include "bounces/delivery_status.h"

#include <array>
#include <utility>

#include "base/ascii.h"
#include "base/printable.h"
#include "bounces/text_scan.h"
#include "core/address.h"
#include "mime/text_checks.h"

namespace herald::bounces {
namespace {

constexpr size_t kMaxRecipientBytes = 254;

// "rfc822; jane@example.com" → "jane@example.com": the value without its address or diagnostic type
// (a word before ';').
std::string_view WithoutType(std::string_view value) {
  size_t semicolon = value.find(';');
  if (semicolon == std::string_view::npos) return Trim(value);
  std::string_view type = Trim(value.substr(0, semicolon));
  if (type.empty() || type.find(' ') != std::string_view::npos) return Trim(value);
  return Trim(value.substr(semicolon + 1));
}

// RFC 3464's five actions, from what MTAs write ("failed (bad mailbox)", "deliverable" for an
// address verification, "undeliverable", SendGrid's "expired"); "" for anything else.
std::string NormalizedAction(std::string_view value) {
  std::string word = core::AsciiLower(Trim(value).substr(0, Trim(value).find_first_of(" \t(;")));
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kActions = {{
      {"failed", "failed"},
      {"failure", "failed"},
      {"undeliverable", "failed"},
      {"expired", "failed"},
      {"delayed", "delayed"},
      {"delay", "delayed"},
      {"delivered", "delivered"},
      {"deliverable", "delivered"},
      {"relayed", "relayed"},
      {"expanded", "expanded"},
  }};
  for (const auto& [written, action] : kActions) {
    if (word == written) return std::string(action);
  }
  return {};
}

struct RecipientFields {
  std::string_view final_recipient, original_recipient, actual_recipient, action, status, diagnostic;
};

std::string RecipientOf(const RecipientFields& fields) {
  for (std::string_view value :
       {fields.final_recipient, fields.original_recipient, fields.actual_recipient}) {
    if (std::optional<std::string> address = FirstAddress(WithoutType(value))) return *address;
  }
  // Not an address (a pipe, a local name): kept as reported, for the record.
  std::string_view value =
      !fields.final_recipient.empty() ? fields.final_recipient : fields.original_recipient;
  std::string_view bare = WithoutType(value);
  if (bare.size() >= 2 && bare.front() == '<' && bare.back() == '>') bare = bare.substr(1, bare.size() - 2);
  return Printable(bare, kMaxRecipientBytes);
}

RecipientEvidence EvidenceOf(const RecipientFields& fields) {
  RecipientEvidence evidence;
  evidence.recipient = RecipientOf(fields);
  evidence.action = NormalizedAction(fields.action);
  evidence.status = FindCodes(fields.status, "245").status;
  evidence.diagnostic = std::string(WithoutType(fields.diagnostic));
  return evidence;
}

}  // namespace

bool IsRecipientFieldName(std::string_view name) {
  return EqualsIgnoreCase(name, "Final-Recipient") ||
         EqualsIgnoreCase(name, "Original-Recipient");
}

std::vector<RecipientEvidence> ReadDeliveryStatus(std::string_view body, const FieldLimits& limits,
                                                  size_t max_recipients, size_t& omitted) {
  std::vector<RecipientEvidence> recipients;
  std::vector<std::vector<Field>> groups = ReadFieldGroups(body, limits);
  auto emit = [&](const RecipientFields& fields) {
    if (fields.final_recipient.empty() && fields.original_recipient.empty()) return;
    if (recipients.size() >= max_recipients) {
      ++omitted;
      return;
    }
    recipients.push_back(EvidenceOf(fields));
  };
  for (const std::vector<Field>& group : groups) {
    RecipientFields current;
    bool described = false;  // an Action, Status or Diagnostic-Code came after the current Final-Recipient
    for (const Field& field : group) {
      std::string_view name = field.name;
      bool is_final = EqualsIgnoreCase(name, "Final-Recipient");
      bool is_original = EqualsIgnoreCase(name, "Original-Recipient");
      // A second recipient field in one group starts the next recipient; so does an Original-Recipient
      // after a Final-Recipient that has been described (some write Final- before Original-Recipient).
      if ((is_final && !current.final_recipient.empty()) ||
          (is_original && (!current.original_recipient.empty() || described))) {
        emit(current);
        current = {};
        described = false;
      }
      if (is_final) {
        current.final_recipient = field.value;
      } else if (is_original) {
        current.original_recipient = field.value;
      } else if (EqualsIgnoreCase(name, "X-Actual-Recipient")) {
        current.actual_recipient = field.value;
      } else {
        std::string_view* slot = EqualsIgnoreCase(name, "Action")            ? &current.action
                                 : EqualsIgnoreCase(name, "Status")          ? &current.status
                                 : EqualsIgnoreCase(name, "Diagnostic-Code") ? &current.diagnostic
                                                                                   : nullptr;
        if (slot == nullptr) continue;
        *slot = field.value;
        described = described || !current.final_recipient.empty();
      }
    }
    emit(current);
  }
  return recipients;
}

}  // namespace herald::bounces
