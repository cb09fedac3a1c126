// Amazon SES event notifications received by e-mail (an SNS e-mail subscription): a JSON object with a
// notificationType of "Bounce", "Complaint" or "Delivery", the recipients concerned, and the sent
// message's headers — the shape a relay through SES (delivery.mode = relay) reports in.
//
// Thread-safety: pure function. Untrusted input: yes; parsed without exceptions (nlohmann's
// non-throwing parse), at most `max_recipients` recipients kept, text values cut.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounces/fields.h"
#include "bounces/outcome.h"
#include "bounces/report.h"

namespace herald::bounces {

struct SesNotification {
  ReportKind kind = ReportKind::kNotAReport;  // kBounce, kComplaint or kDelivered
  std::vector<RecipientEvidence> bounced;     // kBounce: as a DSN would give them
  std::vector<std::string> recipients;        // kComplaint, kDelivered
  std::string feedback_type;                  // kComplaint: complaintFeedbackType, "abuse" when absent
  std::vector<Field> original_header;         // the sent message's headers (Message-ID …) as SES lists them
};

// The notification in `text` (a body that is one JSON object), or nullopt when it is not one.
std::optional<SesNotification> ReadSesNotification(std::string_view text, size_t max_recipients,
                                                   size_t& omitted);

}  // namespace herald::bounces
