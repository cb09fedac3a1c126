// What the Store keeps for webhooks besides the webhooks themselves (core/webhook.h): the events a
// webhook is shown, the deliveries waiting to be made (an outbox per webhook), and the delivery log.
//
//   events (append-only, increasing ids) ──match──▶ webhook_deliveries (pending) ──POST──▶ receiver
//                      ▲ webhook cursor                          │ each attempt
//                                                                 ▼
//                                                        webhook_attempts (the delivery log)
//
// A webhook's cursor and the deliveries its events became move in one commit (WebhookFanOut), so an
// event is matched once; a delivery leaves the outbox in the commit that logs its successful (or last)
// attempt, so a crash before that commit delivers it again: at least once.
//
// Thread-safety: plain values.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "core/message.h"

namespace herald::storage {

// An event of a message, with what a webhook tells of its message.
struct WebhookEvent {
  int64_t id = 0;  // the events row: increasing in commit order
  std::string message_id;
  core::EventType type = core::EventType::kQueued;
  TimePoint at;
  nlohmann::json details = nlohmann::json::object();
  std::string campaign;  // empty for inline content
  std::string recipient;  // the envelope recipient
  std::vector<std::string> tags;
  nlohmann::json metadata = nlohmann::json::object();
};

// One event waiting to be delivered to one webhook.
struct WebhookDelivery {
  std::string webhook_id;
  int64_t event_id = 0;
  std::string message_id;  // a message's deliveries are made in event order
  core::EventType event_type = core::EventType::kQueued;
  std::string payload;  // the JSON body, made once when the event was matched (webhooks/payload.h)
  int attempts = 0;     // attempts made so far
  std::optional<TimePoint> first_attempt_at;
  TimePoint next_attempt_at;  // due from then on
};

// A webhook's cursor moved from `from` to `to` (events in (from, to] looked at) and the deliveries
// those of its events became, in one commit. `to` is at least `from`.
struct WebhookFanOut {
  std::string webhook_id;
  int64_t from = 0;
  int64_t to = 0;
  std::vector<WebhookDelivery> deliveries;  // event ids within (from, to]
};

enum class WebhookAttemptOutcome {
  kDelivered,  // the receiver answered 2xx: the delivery leaves the outbox
  kRetrying,   // failed; tried again at `next_attempt_at`
  kGaveUp,     // failed, and its time is up: the delivery leaves the outbox undelivered
};

std::string_view ToString(WebhookAttemptOutcome outcome);
std::optional<WebhookAttemptOutcome> ParseWebhookAttemptOutcome(std::string_view text);

// One delivery attempt, as the delivery log keeps it and as it changes the outbox.
struct WebhookAttempt {
  int64_t id = 0;  // the log row; set by the store
  std::string webhook_id;
  int64_t event_id = 0;
  core::EventType event_type = core::EventType::kQueued;
  std::string message_id;
  int attempt = 1;  // 1 for the first
  TimePoint at;     // when it started
  Duration duration{0};
  int http_status = 0;  // 0 when no HTTP answer came
  std::string error;    // empty when delivered; otherwise cleaned, short text ("timed out", "HTTP 500")
  WebhookAttemptOutcome outcome = WebhookAttemptOutcome::kDelivered;
  std::optional<TimePoint> first_attempt_at;  // with kRetrying: the delivery's first attempt
  std::optional<TimePoint> next_attempt_at;   // with kRetrying
};

struct WebhookAttemptPage {
  std::vector<WebhookAttempt> attempts;  // newest first
  std::string next_cursor;               // empty on the last page
};

}  // namespace herald::storage
