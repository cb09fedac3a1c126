#include "smtp/bounce_classification.h"

#include <array>
#include <charconv>
#include <utility>

#include "smtp/bounce_classification_text.h"

namespace herald::smtp {
namespace {

using R = BounceReason;

constexpr std::array<std::pair<Disposition, std::string_view>, 3> kDispositionNames = {{
    {Disposition::kDelivered, "delivered"},
    {Disposition::kDeferred, "deferred"},
    {Disposition::kBounced, "bounced"},
}};

constexpr std::array<std::pair<BounceType, std::string_view>, 2> kTypeNames = {{
    {BounceType::kHard, "hard"},
    {BounceType::kSoft, "soft"},
}};

struct ReasonInfo {
  BounceReason reason;
  std::string_view name;
  BounceType type_when_bounced;
};

// Hard: the recipient address itself cannot receive mail, so sending to it again cannot help.
constexpr std::array<ReasonInfo, 13> kReasons = {{
    {R::kUserUnknown, "user_unknown", BounceType::kHard},
    {R::kMailboxFull, "mailbox_full", BounceType::kSoft},
    {R::kDomainNotFound, "domain_not_found", BounceType::kHard},
    {R::kPolicyBlocked, "policy_blocked", BounceType::kSoft},
    {R::kMessageTooLarge, "message_too_large", BounceType::kSoft},
    {R::kRelayDenied, "relay_denied", BounceType::kSoft},
    {R::kRateLimited, "rate_limited", BounceType::kSoft},
    {R::kMailboxDisabled, "mailbox_disabled", BounceType::kHard},
    {R::kContentRejected, "content_rejected", BounceType::kSoft},
    {R::kBadDestination, "bad_destination", BounceType::kHard},
    {R::kSystem, "system", BounceType::kSoft},
    {R::kTemporary, "temporary", BounceType::kSoft},
    {R::kUnknown, "unknown", BounceType::kSoft},
}};

template <typename Table>
constexpr bool InEnumOrder(const Table& table) {
  for (size_t i = 0; i < table.size(); ++i) {
    if (static_cast<size_t>(table[i].first) != i) return false;
  }
  return true;
}
constexpr bool ReasonsInEnumOrder() {
  for (size_t i = 0; i < kReasons.size(); ++i) {
    if (static_cast<size_t>(kReasons[i].reason) != i) return false;
  }
  return kReasons.back().reason == R::kUnknown;
}
static_assert(InEnumOrder(kDispositionNames) && InEnumOrder(kTypeNames) && ReasonsInEnumOrder(),
              "name tables are indexed by the enum");

// RFC 3463 (and RFC 3886, 4954, 5248, 7293, 7372, 7505) subject.detail → reason. "Firm" codes say
// exactly what happened and decide; the others are defaults the reply text may refine. Detail -1
// is the subject's default for details not listed.
enum class Strength { kFirm, kDefault };
struct StatusRule {
  int subject;
  int detail;
  Strength strength;
  BounceReason permanent;  // in a 5xx (or a 5.x.x status)
  BounceReason transient;  // in a 4xx
};

constexpr StatusRule kStatusRules[] = {
    // X.0.x other or undefined status
    {0, -1, Strength::kDefault, R::kUnknown, R::kTemporary},
    // X.1.x addressing
    {1, 0, Strength::kDefault, R::kBadDestination, R::kTemporary},
    {1, 1, Strength::kFirm, R::kUserUnknown, R::kUserUnknown},        // bad destination mailbox address
    {1, 2, Strength::kFirm, R::kDomainNotFound, R::kDomainNotFound},  // bad destination system address
    {1, 3, Strength::kFirm, R::kBadDestination, R::kBadDestination},  // bad destination address syntax
    {1, 4, Strength::kFirm, R::kBadDestination, R::kBadDestination},  // destination address ambiguous
    {1, 6, Strength::kFirm, R::kUserUnknown, R::kUserUnknown},        // mailbox moved, no forwarding
    {1, 7, Strength::kFirm, R::kPolicyBlocked, R::kPolicyBlocked},    // bad sender's mailbox syntax
    {1, 8, Strength::kFirm, R::kPolicyBlocked, R::kPolicyBlocked},    // bad sender's system address
    // null MX (RFC 7505); Microsoft uses it for an unknown recipient, which the text tells
    {1, 10, Strength::kDefault, R::kDomainNotFound, R::kDomainNotFound},
    {1, -1, Strength::kDefault, R::kBadDestination, R::kTemporary},
    // X.2.x mailbox status
    {2, 0, Strength::kDefault, R::kUnknown, R::kTemporary},
    {2, 1, Strength::kDefault, R::kMailboxDisabled, R::kMailboxDisabled},  // mailbox disabled
    {2, 2, Strength::kFirm, R::kMailboxFull, R::kMailboxFull},             // mailbox full
    {2, 3, Strength::kFirm, R::kMessageTooLarge, R::kMessageTooLarge},     // over the mailbox's size limit
    {2, -1, Strength::kDefault, R::kSystem, R::kTemporary},
    // X.3.x mail system status
    {3, 4, Strength::kFirm, R::kMessageTooLarge, R::kMessageTooLarge},  // message too big for system
    {3, -1, Strength::kDefault, R::kSystem, R::kTemporary},
    // X.4.x network and routing
    {4, 4, Strength::kFirm, R::kDomainNotFound, R::kDomainNotFound},  // unable to route
    {4, 5, Strength::kDefault, R::kSystem, R::kRateLimited},          // mail system congestion
    {4, 7, Strength::kDefault, R::kTemporary, R::kTemporary},         // delivery time expired
    {4, -1, Strength::kDefault, R::kSystem, R::kTemporary},
    // X.5.x mail delivery protocol
    {5, 3, Strength::kDefault, R::kRateLimited, R::kRateLimited},  // too many recipients
    {5, -1, Strength::kDefault, R::kSystem, R::kTemporary},
    // X.6.x message content or media
    {6, -1, Strength::kDefault, R::kContentRejected, R::kContentRejected},
    // X.7.x security or policy; in a deferral, a bare 4.7.x is throttling for volume or reputation
    {7, 0, Strength::kDefault, R::kPolicyBlocked, R::kRateLimited},
    {7, 1, Strength::kDefault, R::kPolicyBlocked, R::kRateLimited},
    {7, 16, Strength::kFirm, R::kMessageTooLarge, R::kMessageTooLarge},  // too big for its priority
    {7, 17, Strength::kFirm, R::kUserUnknown, R::kUserUnknown},          // mailbox owner has changed
    {7, 18, Strength::kFirm, R::kBadDestination, R::kBadDestination},    // domain owner has changed
    {7, 27, Strength::kFirm, R::kPolicyBlocked, R::kPolicyBlocked},      // sender address has null MX
    {7, -1, Strength::kDefault, R::kPolicyBlocked, R::kPolicyBlocked},
};

// Reply codes with a meaning of their own (RFC 5321 §4.2.2), used when nothing else tells.
struct ReplyCodeRule {
  int code;
  BounceReason reason;
};
constexpr ReplyCodeRule kReplyCodeRules[] = {
    {521, R::kDomainNotFound},  // host does not accept mail (RFC 7504)
    {551, R::kBadDestination},  // user not local; please try <forward-path>
    {552, R::kMailboxFull},     // exceeded storage allocation
    {556, R::kDomainNotFound},  // domain does not accept mail (RFC 7504)
};

struct EnhancedStatus {
  int klass = 0;
  int subject = 0;
  int detail = 0;
};

// "5.1.10" → {5, 1, 10}; nullopt unless the whole text is class.subject.detail with a 2, 4 or 5
// class and one to three digits in each other part.
std::optional<EnhancedStatus> ParseEnhancedStatus(std::string_view text) {
  EnhancedStatus status;
  int* parts[] = {&status.klass, &status.subject, &status.detail};
  const char* at = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (at == end || *at != '.') return std::nullopt;
      ++at;
    }
    auto [next, error] = std::from_chars(at, end, *parts[i]);
    if (error != std::errc() || next - at > 3 || (i == 0 && next - at != 1)) return std::nullopt;
    at = next;
  }
  if (at != end || (status.klass != 2 && status.klass != 4 && status.klass != 5)) return std::nullopt;
  return status;
}

// qmail and others end their text with "(#5.1.1)" instead of leading with the code.
std::optional<EnhancedStatus> StatusInText(std::string_view text) {
  text = text.substr(0, kMaxClassifiedTextBytes);
  for (size_t hash = text.find('#'); hash != std::string_view::npos; hash = text.find('#', hash + 1)) {
    size_t end = hash + 1;
    while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) ++end;
    if (auto status = ParseEnhancedStatus(text.substr(hash + 1, end - hash - 1))) return status;
  }
  return std::nullopt;
}

const StatusRule* FindStatusRule(const EnhancedStatus& status) {
  const StatusRule* subject_default = nullptr;
  for (const StatusRule& rule : kStatusRules) {
    if (rule.subject != status.subject) continue;
    if (rule.detail == status.detail) return &rule;
    if (rule.detail == -1) subject_default = &rule;
  }
  return subject_default;
}

// Rules 2 to 4 of the header.
BounceReason Reason(int code, bool permanent, const std::optional<EnhancedStatus>& status,
                    std::string_view text) {
  const StatusRule* rule = status ? FindStatusRule(*status) : nullptr;
  auto from_rule = [&] { return permanent ? rule->permanent : rule->transient; };
  std::optional<TextReason> from_text = ReasonFromText(text);
  if (rule != nullptr && rule->strength == Strength::kFirm) {
    return from_text && from_text->overrides_status_code ? from_text->reason : from_rule();
  }
  if (from_text) return from_text->reason;
  for (const ReplyCodeRule& code_rule : kReplyCodeRules) {
    if (code_rule.code == code) return code_rule.reason;
  }
  if (rule != nullptr) return from_rule();
  return permanent ? R::kUnknown : R::kTemporary;
}

// A refusal of HELO/EHLO or MAIL FROM is about the sending side, whatever words it uses.
BounceReason ForCommand(BounceReason reason, RepliedCommand command) {
  if (command != RepliedCommand::kHelo && command != RepliedCommand::kMailFrom) return reason;
  switch (reason) {
    case R::kUserUnknown:
    case R::kMailboxFull:
    case R::kMailboxDisabled:
    case R::kDomainNotFound:
    case R::kBadDestination:
      return R::kPolicyBlocked;
    default:
      return reason;
  }
}

template <typename Enum, size_t N>
std::optional<Enum> ParseName(const std::array<std::pair<Enum, std::string_view>, N>& names,
                              std::string_view text) {
  for (const auto& [value, name] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ToString(Disposition disposition) {
  return kDispositionNames[static_cast<size_t>(disposition)].second;
}
std::optional<Disposition> ParseDisposition(std::string_view text) {
  return ParseName(kDispositionNames, text);
}

std::string_view ToString(BounceType type) { return kTypeNames[static_cast<size_t>(type)].second; }
std::optional<BounceType> ParseBounceType(std::string_view text) { return ParseName(kTypeNames, text); }

std::string_view ToString(BounceReason reason) { return kReasons[static_cast<size_t>(reason)].name; }
std::optional<BounceReason> ParseBounceReason(std::string_view text) {
  for (const ReasonInfo& info : kReasons) {
    if (info.name == text) return info.reason;
  }
  return std::nullopt;
}

BounceType TypeOfBounce(BounceReason reason) {
  return kReasons[static_cast<size_t>(reason)].type_when_bounced;
}

BounceClassification ClassifyReply(int code, std::string_view enhanced_code, std::string_view text,
                                   RepliedCommand command) {
  std::optional<EnhancedStatus> status =
      enhanced_code.empty() ? StatusInText(text) : ParseEnhancedStatus(enhanced_code);
  int klass = code >= 200 && code <= 599 ? code / 100 : 0;
  if (klass != 2 && klass != 4 && klass != 5) klass = status ? status->klass : 0;

  BounceClassification result;
  switch (klass) {
    case 2:
      result.disposition = Disposition::kDelivered;
      return result;
    case 5:
      result.disposition = Disposition::kBounced;
      result.reason = ForCommand(Reason(code, /*permanent=*/true, status, text), command);
      result.type = TypeOfBounce(result.reason);
      return result;
    case 4:
      result.disposition = Disposition::kDeferred;
      result.reason = ForCommand(Reason(code, /*permanent=*/false, status, text), command);
      if (result.reason == R::kSystem || result.reason == R::kUnknown) result.reason = R::kTemporary;
      return result;
    default:  // no usable code: nothing says the failure is final
      result.disposition = Disposition::kDeferred;
      return result;
  }
}

BounceClassification ClassifyReply(const Reply& reply, RepliedCommand command) {
  return ClassifyReply(reply.code, reply.enhanced_code, reply.Text(), command);
}

}  // namespace herald::smtp
