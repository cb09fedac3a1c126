// AttemptOutcome: what the result of one delivery attempt makes of a message — its new status and
// the events that say why — as one storage::AttemptRecord for the dispatcher to commit (DESIGN §2a,
// §4). Pure: no I/O, no clock of its own.
//
//   delivered          → `delivered` {attempt, remote}
//   temporary failure  → `deferred` {attempt, remote, next_attempt_at}, due again after the backoff
//                        (queue/backoff.h); past the maximum age, `failed` {reason: "expired"},
//                        in MX delivery with bounce {type: "hard", reason of the last reply}
//   permanent failure  → with `refusals_are_bounces` (MX delivery: the recipient's own servers, or
//                        its domain's DNS, said so): `bounced` {attempt, remote, bounce: {type,
//                        reason}}, classified by smtp::ClassifyReply from the reply code, enhanced
//                        status code, text and the command answered; a hard one also suppresses
//                        the recipient (suppress_reason). Otherwise (a smarthost's
//                        refusal, which need not concern the recipient): `failed` {reason: "rejected"}.
// The first attempt also records `sent` (the message left the queue), at the time it began.
// `remote` is left out when there is neither a code nor a text.
//
// Thread-safety: pure function.
#pragma once

#include "base/clock.h"
#include "core/suppression.h"
#include "delivery/smtp_connection.h"
#include "queue/backoff.h"
#include "queue/scheduled_queue.h"
#include "storage/store.h"

namespace herald::delivery {

struct OutcomePolicy {
  queue::RetryPolicy retry;
  bool captured = false;              // a delivered message goes to the sandbox (capture mode)
  bool refusals_are_bounces = false;  // a permanent failure is a bounce (MX delivery)
};

storage::AttemptRecord AttemptOutcome(const queue::QueuedMessage& message, const AttemptResult& result,
                                      TimePoint started, TimePoint now, const OutcomePolicy& policy);

// A message whose recipient was put on the suppression list after it was queued (a hard bounce or a
// complaint of another message, an operator): not tried, `suppressed` {reason, source} at `now`, done.
storage::AttemptRecord SuppressedOutcome(const queue::QueuedMessage& message, const core::Suppression& suppression,
                                         TimePoint now);

}  // namespace herald::delivery
