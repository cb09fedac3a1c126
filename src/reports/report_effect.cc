#include "reports/report_effect.h"

#include "bounces/text_scan.h"

namespace herald::reports {
namespace {

nlohmann::json ReportDetails(const bounces::RecipientOutcome& outcome) {
  nlohmann::json details = nlohmann::json::object();
  if (!outcome.recipient.empty()) details["recipient"] = outcome.recipient;
  if (!outcome.action.empty()) details["action"] = outcome.action;
  if (!outcome.status.empty()) details["status"] = outcome.status;
  if (outcome.reply_code != 0) details["code"] = outcome.reply_code;
  if (!outcome.diagnostic.empty()) details["diagnostic"] = outcome.diagnostic;
  return details;
}

// The outcome about the message's recipient, as the header explains.
const bounces::RecipientOutcome* OutcomeFor(const bounces::Report& report, const core::MessageRecord& message,
                                            bool named_by_envelope) {
  for (const bounces::RecipientOutcome& outcome : report.recipients) {
    if (bounces::SameAddress(outcome.recipient, message.rcpt_to)) return &outcome;
  }
  const bounces::RecipientOutcome* only_failed = nullptr;
  for (const bounces::RecipientOutcome& outcome : report.recipients) {
    if (outcome.disposition != smtp::Disposition::kBounced) continue;
    if (only_failed != nullptr) return nullptr;
    only_failed = &outcome;
  }
  return named_by_envelope ? only_failed : nullptr;
}

ReportEffect Nothing(std::string why) { return ReportEffect{std::nullopt, std::move(why)}; }

}  // namespace

ReportEffect EffectOf(const bounces::Report& report, const core::MessageRecord& message, bool named_by_envelope,
                      TimePoint now) {
  storage::ReportRecord record;
  record.message_id = message.id;
  switch (report.kind) {
    case bounces::ReportKind::kBounce: {
      const bounces::RecipientOutcome* outcome = OutcomeFor(report, message, named_by_envelope);
      if (outcome == nullptr) return Nothing("the bounce names no failure of the message's recipient");
      if (outcome->disposition != smtp::Disposition::kBounced || !outcome->type)
        return Nothing("the message's recipient did not fail (" + std::string(smtp::ToString(outcome->disposition)) + ")");
      const bool hard = *outcome->type == smtp::BounceType::kHard;
      const std::string reason(smtp::ToString(outcome->reason));
      record.event = {core::EventType::kBounced, now,
                      {{"bounce", {{"type", smtp::ToString(*outcome->type)}, {"reason", reason}}},
                       {"report", ReportDetails(*outcome)}}};
      record.hard_bounce = hard;
      if (hard) {
        record.suppress_reason = reason;
        record.suppress_source = "bounce";
      }
      return ReportEffect{std::move(record), ""};
    }
    case bounces::ReportKind::kComplaint: {
      const std::string feedback_type = report.feedback_type.empty() ? "abuse" : report.feedback_type;
      nlohmann::json details = {{"complaint", {{"feedback_type", feedback_type}}}};
      const bounces::RecipientOutcome* outcome = OutcomeFor(report, message, true);
      if (outcome == nullptr && !report.recipients.empty()) outcome = &report.recipients.front();
      if (outcome != nullptr) details["report"] = ReportDetails(*outcome);
      record.event = {core::EventType::kComplained, now, std::move(details)};
      record.suppress_reason = feedback_type;
      record.suppress_source = "complaint";
      return ReportEffect{std::move(record), ""};
    }
    case bounces::ReportKind::kDelay:
      return Nothing("a delay warning: delivery is still being tried");
    case bounces::ReportKind::kDelivered:
      return Nothing("a delivery notice");
    case bounces::ReportKind::kAutoReply:
      return Nothing("an automatic reply");
    case bounces::ReportKind::kNotAReport:
      break;
  }
  return Nothing("not a report");
}

}  // namespace herald::reports
