#include "delivery/attempt_outcome.h"

#include "base/time_format.h"
#include "smtp/bounce_classification.h"

namespace herald::delivery {
namespace {

nlohmann::json AttemptDetails(int attempt, const AttemptResult& result) {
  nlohmann::json details = {{"attempt", attempt}};
  if (result.reply.code != 0 || !result.reply.text.empty()) details["remote"] = result.reply.ToJson();
  return details;
}

nlohmann::json BounceOf(const AttemptResult& result) {
  const smtp::BounceClassification classified =
      smtp::ClassifyReply(result.reply.code, result.reply.enhanced_code, result.reply.text, result.command);
  // A permanent failure is a bounce even where the classifier reads the reply otherwise (a 5xx that
  // the session took as permanent always is); without a type from it, the evidence is weak: soft.
  const smtp::BounceType type = classified.type.value_or(smtp::BounceType::kSoft);
  return {{"type", smtp::ToString(type)}, {"reason", smtp::ToString(classified.reason)}};
}

}  // namespace

storage::AttemptRecord AttemptOutcome(const queue::QueuedMessage& message, const AttemptResult& result,
                                      TimePoint started, TimePoint now, const OutcomePolicy& policy) {
  storage::AttemptRecord record;
  record.message_id = message.id;
  record.attempts = message.attempts + 1;
  if (message.attempts == 0)
    record.events.push_back({core::EventType::kSent, started, nlohmann::json::object()});
  nlohmann::json details = AttemptDetails(record.attempts, result);

  switch (result.outcome) {
    case Outcome::kDelivered:
      record.status = core::MessageStatus::kDelivered;
      record.captured = policy.captured;
      record.events.push_back({core::EventType::kDelivered, now, std::move(details)});
      break;
    case Outcome::kTemporaryFailure:
      if (auto next = queue::NextAttemptAt(policy.retry, record.attempts, message.created_at, now)) {
        record.status = core::MessageStatus::kDeferred;
        record.next_attempt_at = *next;
        details["next_attempt_at"] = FormatRfc3339(*next);
        record.events.push_back({core::EventType::kDeferred, now, std::move(details)});
      } else {
        record.status = core::MessageStatus::kFailed;
        details["reason"] = "expired";
        // MX delivery gave up on the recipient's servers: a hard bounce, whose reason is what they
        // said last. It suppresses nothing: the address itself was never refused.
        if (policy.refusals_are_bounces) details["bounce"] = {{"type", "hard"}, {"reason", BounceOf(result)["reason"]}};
        record.events.push_back({core::EventType::kFailed, now, std::move(details)});
      }
      break;
    case Outcome::kPermanentFailure:
      if (policy.refusals_are_bounces) {
        record.status = core::MessageStatus::kBounced;
        details["bounce"] = BounceOf(result);
        if (details["bounce"]["type"] == "hard") record.suppress_reason = details["bounce"]["reason"].get<std::string>();
        record.events.push_back({core::EventType::kBounced, now, std::move(details)});
      } else {
        record.status = core::MessageStatus::kFailed;
        details["reason"] = "rejected";
        record.events.push_back({core::EventType::kFailed, now, std::move(details)});
      }
      break;
  }
  return record;
}

storage::AttemptRecord SuppressedOutcome(const queue::QueuedMessage& message, const core::Suppression& suppression,
                                         TimePoint now) {
  storage::AttemptRecord record;
  record.message_id = message.id;
  record.status = core::MessageStatus::kSuppressed;
  record.attempts = message.attempts;
  record.events.push_back({core::EventType::kSuppressed, now,
                           {{"reason", suppression.reason}, {"source", suppression.source}}});
  return record;
}

}  // namespace herald::delivery
