// What an asynchronous report read by bounces::ReadReport does to the one message it is about
// (DESIGN §4): a pure function, for ReportRecorder.
//
//   a bounce naming the message's recipient as failed
//        → `bounced` {"bounce": {"type", "reason"}, "report": {…}}; a hard one also makes the message
//          `bounced` and puts its recipient on the account's suppression list (source "bounce")
//   a complaint
//        → `complained` {"complaint": {"feedback_type"}, "report": {…}}, and the recipient on the
//          suppression list (source "complaint", the feedback type as reason, "abuse" when none)
//   a delay warning, a delivery notice, an automatic reply, anything else → nothing
// "report" holds what the report said about the recipient: {"recipient", "action", "status", "code",
// "diagnostic"}, the empty ones left out.
//
// Which recipient: a Herald message has one. The report's outcome for the same address is used;
// failing that, a report the message's VERP address received (`named_by_envelope`) that lists one
// failed recipient only is about the message's recipient whatever address it gives (a forward, a
// rewritten or redacted address). A complaint is always about the recipient of the message it names:
// that is who complained (feedback loops often redact the address).
//
// Thread-safety: a pure function. Untrusted input: the report's text is already cleaned and cut.
#pragma once

#include <optional>
#include <string>

#include "base/clock.h"
#include "bounces/report.h"
#include "core/message.h"
#include "storage/store.h"

namespace herald::reports {

struct ReportEffect {
  std::optional<storage::ReportRecord> record;  // unset: the report changes nothing
  std::string why_not;                          // when unset: why, for the log
};

ReportEffect EffectOf(const bounces::Report& report, const core::MessageRecord& message, bool named_by_envelope,
                      TimePoint now);

}  // namespace herald::reports
