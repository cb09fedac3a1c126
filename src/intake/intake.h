// Intake: the one path that accepts a message (DESIGN §3), whichever door it came through.
//
//   build the MIME message → store it and its `queued` event in one durable commit → schedule it
//
// `done` runs once the message is on disk (or with the reason it is not); only then may the caller
// acknowledge it. Intake never delivers: delivery takes messages from the scheduled queue.
// Later steps (campaign and profile, suppression, quota, rendering, DKIM) slot in as further named
// steps of Submit's pipeline.
//
// Thread-safety: Submit may be called concurrently from any thread; `done` runs on a storage thread
// and must be quick. Untrusted input: a SendRequest's fields are already validated by the caller
// (api/ checks shapes and addresses); intake checks what only it can: the built message's size.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "core/address.h"
#include "core/message.h"
#include "mime/message_builder.h"
#include "queue/scheduled_queue.h"
#include "storage/store.h"

namespace herald::intake {

struct SendRequest {
  std::string account_id;
  core::EmailAddress from;
  core::EmailAddress to;
  std::optional<core::EmailAddress> reply_to;
  std::string subject;
  std::string html;
  std::string text;
  std::vector<mime::Header> headers;
  std::vector<std::string> tags;
  nlohmann::json metadata = nlohmann::json::object();
  std::string idempotency_key;
};

struct Accepted {
  std::string id;
  core::MessageStatus status = core::MessageStatus::kQueued;
  bool duplicate = false;  // an earlier message with the same idempotency key
};

struct IntakeOptions {
  Duration idempotency_window{24 * 3'600'000};
  size_t max_message_bytes = 30 * 1000 * 1000;  // DESIGN §2: 30 MB per message in all
};

class Intake {
 public:
  Intake(storage::Store& store, queue::ScheduledQueue& queue, const Clock& clock, IntakeOptions options);

  // Accepts `request`. Errors: InvalidArgument (the message cannot be built or is too large),
  // or the store's error (nothing was stored).
  void Submit(SendRequest request, storage::ResultCallback<Accepted> done);

 private:
  Result<storage::NewMessage> Build(SendRequest& request, TimePoint now) const;

  storage::Store& store_;
  queue::ScheduledQueue& queue_;
  const Clock& clock_;
  IntakeOptions options_;
};

}  // namespace herald::intake
