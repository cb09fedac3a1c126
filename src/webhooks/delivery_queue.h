// DeliveryQueue: one webhook's waiting deliveries, in the order they may be made — I/O-free, so the
// rules are tested without sockets or a clock.
//
// Per message, deliveries go one at a time in event order: the next event of a message is not offered
// until the one before it is done (delivered or given up), so a receiver never sees a message's
// `delivered` before its `sent`. Across messages nothing waits: a message whose delivery keeps failing
// holds back its own later events only. Among the deliveries that may go, the one due earliest goes
// first (the older event on a tie).
//
//   Add ─▶ [message's line] ─(first of its line, due)─▶ Take ─▶ in flight ─▶ Finish(done | retry at t)
//
// Thread-safety: none; one owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "base/clock.h"
#include "storage/webhook_records.h"

namespace herald::webhooks {

class DeliveryQueue {
 public:
  // Deliveries of one message must be added in event order (the outbox and the events are read so).
  void Add(storage::WebhookDelivery delivery);

  // The delivery that may go now, due at or before `now`; it is in flight until Finish.
  std::optional<storage::WebhookDelivery> Take(TimePoint now);
  // When the earliest delivery that is not held back becomes due; nullopt when none waits.
  std::optional<TimePoint> NextDue() const;

  // Ends the in-flight delivery of `message_id`. `retry` set: it stays first of its message, as
  // given (attempts, first attempt and due time updated); unset: it is done and the message's next
  // delivery, if any, may go.
  void Finish(const std::string& message_id, std::optional<storage::WebhookDelivery> retry);

  void Clear();
  size_t size() const { return size_; }  // waiting and in flight
  size_t in_flight() const { return in_flight_; }

 private:
  // (due, event id, message id) of each message's first delivery, unless it is in flight.
  using Head = std::tuple<TimePoint, int64_t, std::string>;
  void Offer(const std::string& message_id);

  std::unordered_map<std::string, std::deque<storage::WebhookDelivery>> lines_;  // message id → in event order
  std::unordered_set<std::string> busy_;  // messages whose first delivery is in flight
  std::set<Head> heads_;
  size_t size_ = 0;
  size_t in_flight_ = 0;
};

}  // namespace herald::webhooks
