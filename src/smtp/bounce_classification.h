// Bounce classification: what a remote server's answer about one recipient means for the message
// (DESIGN §4): delivered, deferred (try again later) or bounced, and for a bounce whether it is hard
// (the address is dead: suppress it) or soft (it may pass later), with a reason from a small fixed
// vocabulary. Used by delivery for every reply to RCPT TO or to the end of DATA, and by DSN parsing
// for the Status and Diagnostic-Code of each failed recipient.
//
// The rules, in order:
//   1. Disposition by the reply code's class: 2xx delivered, 4xx deferred, 5xx bounced. Without a
//      reply code (a DSN may give only a status), the enhanced status code's class decides; with
//      neither, deferred (nothing says the failure is final).
//   2. Reason by the RFC 3463 enhanced status code (subject and detail, e.g. X.1.1) when it is
//      specific ("firm": X.1.1 user unknown, X.2.2 mailbox full, X.3.4 too big …), unless the text
//      says the server is throttling ("too many recipients this hour" under a 5.1.1), names a
//      blocklist ("553 5.1.3 …spamhaus…"), says the mailbox is full ("over quota (#5.1.1)") or that a
//      name server did not answer ("Host not found, try again" under a 5.4.4): none of these says the
//      address is dead, whatever code came with it.
//   3. Otherwise by phrases in the reply text ("no such user", "over quota", "blocked using", …),
//      matched case-insensitively as whole words, in a fixed order (volume, sender and relay phrases
//      before recipient phrases, so "Sender address rejected: Domain not found" is not a bad
//      recipient). A generic enhanced code (X.0.0, X.7.1, X.2.1, X.1.10 …) lets the text refine it.
//   4. Otherwise the reply code's own meaning (521 and 556 no mail accepted, 551 user not local,
//      552 storage exceeded), then the enhanced code's default for its subject, then `temporary`
//      for 4xx and `unknown` for 5xx.
//   In a deferral, reasons that only describe a permanent state (system, unknown) become
//   `temporary`, and a bare 4.7.0/4.7.1 becomes `rate_limited` (providers defer for volume or
//   reputation). When the reply answered HELO/EHLO or MAIL FROM, it is about the sending side:
//   a reason about the recipient (user_unknown, domain_not_found, …) becomes `policy_blocked`.
//   A 5xx at the end of DATA that names an unknown user stays user_unknown (Sisimai would say
//   "filtered", soft); a per-recipient refusal after DATA means the same as one at RCPT TO.
//   5. Type, for a bounce only, by the reason: hard for user_unknown, mailbox_disabled,
//      domain_not_found and bad_destination (problems of the recipient address itself: sending
//      again cannot help); soft for everything else. Decisions worth knowing:
//        - 5.2.2 mailbox full is soft (the owner may clear it);
//        - 5.2.1 / "account disabled" is hard (a disabled mailbox rarely comes back, and mail to it
//          hurts the sender's reputation like mail to an unknown one);
//        - 5.3.4 / 5.2.3 message too large is soft: the address is fine, a smaller message passes;
//        - 5.7.x policy, spam, blocklists, DMARC/SPF/DKIM failures are soft: they concern the
//          sender or the content, not the recipient;
//        - relay_denied is soft (usually a DNS or routing mistake on either side);
//        - a 5xx with nothing recognisable is soft `unknown`: suppressing an address needs evidence.
//
// SECURITY: the reply text comes from a remote server and is untrusted. Only its first
// kMaxClassifiedTextBytes are read; nothing from it is kept in the result.
//
// Thread-safety: pure functions over immutable tables.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "smtp/reply.h"

namespace herald::smtp {

inline constexpr size_t kMaxClassifiedTextBytes = 4096;

enum class Disposition { kDelivered, kDeferred, kBounced };

enum class BounceType { kHard, kSoft };

// Stable names (stored, shown in the API and webhooks) are in the comments.
enum class BounceReason {
  kUserUnknown,      // "user_unknown": no such mailbox (5.1.1, 5.1.6)
  kMailboxFull,      // "mailbox_full": over quota (5.2.2)
  kDomainNotFound,   // "domain_not_found": the domain does not exist or takes no mail (5.1.2, 5.1.10, 5.4.4)
  kPolicyBlocked,    // "policy_blocked": spam, policy, blocklist, sender rejected, SPF/DKIM/DMARC (5.7.x)
  kMessageTooLarge,  // "message_too_large": (5.2.3, 5.3.4)
  kRelayDenied,      // "relay_denied": the server does not accept mail for this domain from us
  kRateLimited,      // "rate_limited": too many messages or connections, slow down (4.7.x deferrals)
  kMailboxDisabled,  // "mailbox_disabled": the mailbox exists but is disabled or suspended (5.2.1)
  kContentRejected,  // "content_rejected": virus, malformed or unsupported content (5.6.x)
  kBadDestination,   // "bad_destination": an unusable recipient address (5.1.3 syntax, 5.1.0, 551)
  kSystem,           // "system": other permanent failures of the remote system (5.3.x, 5.4.x, 5.5.x)
  kTemporary,        // "temporary": other transient failures, greylisting
  kUnknown,          // "unknown": nothing recognisable (and the reason of every delivery)
};

std::string_view ToString(Disposition disposition);
std::optional<Disposition> ParseDisposition(std::string_view text);
std::string_view ToString(BounceType type);
std::optional<BounceType> ParseBounceType(std::string_view text);
std::string_view ToString(BounceReason reason);
std::optional<BounceReason> ParseBounceReason(std::string_view text);

struct BounceClassification {
  Disposition disposition = Disposition::kDeferred;
  std::optional<BounceType> type;  // set when, and only when, bounced
  BounceReason reason = BounceReason::kUnknown;

  bool operator==(const BounceClassification&) const = default;
};

// The type of a bounce for `reason` (rule 5 above): hard for user_unknown, mailbox_disabled,
// domain_not_found and bad_destination, soft for the others. For callers that learn a message bounced
// from elsewhere than a reply code (a DSN saying a recipient failed after transient errors).
BounceType TypeOfBounce(BounceReason reason);

// The command a reply answered, when the caller knows it (delivery always does; a DSN often says).
enum class RepliedCommand { kUnknown, kGreeting, kHelo, kMailFrom, kRcptTo, kData };

// `code`: the reply code (0 when none); `enhanced_code`: "5.1.1" or empty (when empty, a qmail-style
// "(#5.1.1)" in the text is used); `text`: the reply text without the codes.
BounceClassification ClassifyReply(int code, std::string_view enhanced_code, std::string_view text,
                                   RepliedCommand command = RepliedCommand::kUnknown);
BounceClassification ClassifyReply(const Reply& reply, RepliedCommand command = RepliedCommand::kUnknown);

}  // namespace herald::smtp
