// The JSON body of a webhook delivery: one event of one message.
//
//   {"id": "evt_1234", "type": "delivered", "at": "2026-11-25T11:36:13.123Z",
//    "message_id": "msg_…", "campaign": "order-confirmation" | null, "recipient": "jane@example.com",
//    "tags": [...], "metadata": {...}, "details": {...}}
//
// `id` names the event (the same for every webhook and every attempt), so a receiver can drop the
// duplicates that at-least-once delivery may bring. `details` is the event's own (the remote reply of
// a delivery attempt, a bounce's classification, a click's URL, …), as GET /v1/messages/{id} shows it.
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include "storage/webhook_records.h"

namespace herald::webhooks {

// Compact JSON text; invalid UTF-8 in stored text is replaced, never thrown on.
std::string EventPayload(const storage::WebhookEvent& event);

}  // namespace herald::webhooks
