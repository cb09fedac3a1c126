// The signs that tell what kind of message a report that is not an RFC 3464 or RFC 5965 report is:
// a bounce (the sender is a mailer daemon, the subject or text says mail was not delivered), a delay
// warning, an automatic reply, or a provider's complaint.
//
// Thread-safety: pure functions over constant tables. Untrusted input: yes, any text.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "bounces/fields.h"
#include "smtp/bounce_classification.h"

namespace herald::bounces {

// RFC 3834 Auto-Submitted: auto-replied, X-Autoreply / X-Autorespond, Precedence: auto_reply,
// Apple's X-Apple-Action: VACATION, or a vacation or out-of-office subject ("Automatic reply:",
// "Out of Office", "Abwesenheitsnotiz", …).
bool IsAutoReply(const std::vector<Field>& header, std::string_view subject);

// A mail system's own address or name: MAILER-DAEMON, postmaster, "Mail Delivery System", …
bool IsBounceSender(std::string_view from_field);

// "Undelivered Mail Returned to Sender", "Delivery Status Notification (Failure)", "failure notice", …
bool IsBounceSubject(std::string_view subject);

// Text that says mail could not be delivered ("could not be delivered", "permanent error", …).
bool HasBouncePhrase(std::string_view text);

// A delay warning, not a failure: "Delivery Status Notification (Delay)", "will retry", "This is a
// warning message only" — and nothing that says delivery was given up.
bool SaysDelayed(std::string_view subject, std::string_view text);

// The reason a known system's own notice gives when it quotes no reply: Google Groups refusing a post
// (the group may not exist or may not take posts from the sender: not evidence of a dead address).
std::optional<smtp::BounceReason> NoticeReason(std::string_view notice);

// A provider's complaint that is not an ARF report: Microsoft's "complaint about message from" with
// an X-HmXmrOriginalRecipient field in the returned message.
bool IsProviderComplaint(std::string_view subject, const std::vector<Field>& original_header);

}  // namespace herald::bounces
