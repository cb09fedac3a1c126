// Messages and their events: the records every layer speaks of (DESIGN §1, §2a).
//
// A message is one rendered e-mail to one recipient. Its status moves
//   queued → (deferred →)* delivered | failed | bounced | cancelled
// (cancelled: withdrawn on request between attempts) and every step is an Event appended to its
// timeline; nothing rewrites an event.
//
// Thread-safety: plain values. Untrusted input: fields hold validated caller data.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace herald::core {

enum class MessageStatus {
  kQueued, kDeferred, kSent, kDelivered, kBounced, kFailed, kSuppressed, kRejected, kCancelled,
};

std::string_view ToString(MessageStatus status);
std::optional<MessageStatus> ParseMessageStatus(std::string_view text);
// True when no further delivery attempt will be made.
bool IsFinal(MessageStatus status);

enum class EventType {
  kQueued, kSent, kDelivered, kDeferred, kBounced, kFailed,
  kOpened, kClicked, kComplained, kSuppressed, kRejected, kCancelled,
};

std::string_view ToString(EventType type);
std::optional<EventType> ParseEventType(std::string_view text);

// A reply from a remote SMTP server, as recorded on delivery events.
struct RemoteReply {
  std::string host;           // "127.0.0.1:2526" or an MX name
  int code = 0;               // 250, 451, 550, …
  std::string enhanced_code;  // "5.1.1", or empty when the server gave none
  std::string text;           // the reply text, cleaned and cut

  nlohmann::json ToJson() const;
};

struct Event {
  EventType type = EventType::kQueued;
  TimePoint at;
  nlohmann::json details = nlohmann::json::object();  // type-specific: "remote", "attempt", "reason", …
};

// The stored description of one message (its MIME bytes are kept beside it).
struct MessageRecord {
  std::string id;
  std::string account_id;
  MessageStatus status = MessageStatus::kQueued;
  std::string campaign;     // empty for inline content
  std::string mail_from;    // envelope sender (addr-spec)
  std::string rcpt_to;      // envelope recipient (addr-spec)
  std::string from_header;  // as shown: "Shop <orders@shop.example>"
  std::string to_header;
  std::string subject;
  std::vector<std::string> tags;
  nlohmann::json metadata = nlohmann::json::object();  // string → string
  std::string idempotency_key;                         // empty when none was given
  TimePoint created_at;
  TimePoint updated_at;
  int attempts = 0;
  std::optional<TimePoint> next_attempt_at;  // set while the message waits in the queue
  bool smtputf8 = false;                     // the envelope needs SMTPUTF8
  std::string pool;                          // the IP pool it leaves through; empty: the default
  std::optional<int> campaign_version;       // the version of `campaign` it was rendered from
  std::string sender_domain;                 // the From: address's domain, lowercased (statistics group by it)
};

}  // namespace herald::core
