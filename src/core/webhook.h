// Webhooks (DESIGN §1): an account's URL that is told, by signed HTTP POSTs, of the events of its
// messages — every event whose type the webhook names.
//
// A webhook's secret signs each delivery (webhooks/signature.h); the store keeps it sealed by the data
// directory's SecretBox, never in clear, and the API shows it once, when the webhook is made.
//
// A webhook is `active` or `disabled`: one that has had no successful delivery for a whole day is
// disabled by the dispatcher (an account event `webhook.disabled` says so) and receives nothing until
// its owner enables it again; its undelivered events wait for that, and events that happen meanwhile
// are delivered then too (its cursor stops where it was).
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "core/message.h"

namespace herald::core {

// The event types a webhook receives: all of them ("*"), or those listed.
struct WebhookEventFilter {
  bool all = false;
  std::vector<EventType> types;  // without duplicates, in the order given; empty when `all`

  bool Matches(EventType type) const;
  // ["*"] or the names of `types`.
  std::vector<std::string> Names() const;
};

struct Webhook {
  std::string id;  // "whk_…"
  std::string account_id;
  std::string url;  // http:// or https:// (webhooks/url.h checked it)
  WebhookEventFilter events;
  std::string sealed_secret;  // SecretBox::Seal of the signing secret
  bool enabled = true;
  // The first failed attempt since the last successful one; unset while deliveries succeed.
  std::optional<TimePoint> failing_since;
  std::optional<TimePoint> disabled_at;  // when the dispatcher (or its owner) disabled it
  TimePoint created_at;
  TimePoint updated_at;
  // The id of the last event of the account the webhook has looked at: later events are still to
  // be matched. Set by the store (the newest event when the webhook is made), moved by the dispatcher.
  int64_t cursor = 0;
};

// The account event (core::AccountEvent::type) recorded when a webhook is disabled for failing.
inline constexpr std::string_view kWebhookDisabledEvent = "webhook.disabled";

}  // namespace herald::core
