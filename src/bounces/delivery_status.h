// RFC 3464 delivery-status fields: the per-recipient groups of a message/delivery-status (or RFC 6533
// message/global-delivery-status) body, or of such fields pasted into a notification's text.
//
// Per recipient: Final-Recipient (else Original-Recipient, else X-Actual-Recipient), Action, Status
// and Diagnostic-Code, each with its type ("rfc822;", "smtp;") taken off. Tolerated variants: fields in
// any case, folded values, blank lines with spaces, no blank line between the per-message fields and
// the first recipient, several recipients in one group (a new Final-Recipient starts the next), a
// Status followed by a comment ("5.0.0 (Remote SMTP server has rejected address)").
//
// Thread-safety: pure function. Untrusted input: yes; fields are bounded by FieldLimits, recipients by
// `max_recipients` (the others counted in `omitted`).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "bounces/fields.h"
#include "bounces/outcome.h"

namespace herald::bounces {

std::vector<RecipientEvidence> ReadDeliveryStatus(std::string_view body, const FieldLimits& limits,
                                                  size_t max_recipients, size_t& omitted);

// True when `name` is a field that only a recipient group has (Final-Recipient, Original-Recipient).
bool IsRecipientFieldName(std::string_view name);

}  // namespace herald::bounces
