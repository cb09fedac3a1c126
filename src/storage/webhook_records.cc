#include "storage/webhook_records.h"

#include "core/enum_names.h"

namespace herald::storage {
namespace {

constexpr core::EnumNames<WebhookAttemptOutcome, 3> kOutcomeNames = {{
    {WebhookAttemptOutcome::kDelivered, "delivered"},
    {WebhookAttemptOutcome::kRetrying, "retrying"},
    {WebhookAttemptOutcome::kGaveUp, "gave_up"},
}};

}  // namespace

std::string_view ToString(WebhookAttemptOutcome outcome) { return core::NameOf(kOutcomeNames, outcome); }

std::optional<WebhookAttemptOutcome> ParseWebhookAttemptOutcome(std::string_view text) {
  return core::ValueOf(kOutcomeNames, text);
}

}  // namespace herald::storage
