// Intake: the one path that accepts a message (DESIGN §3), whichever door it came through.
//
//   API:  check the sender's domain → build the MIME message → DKIM-sign it → store it and its
//         `queued` event in one durable commit → schedule it
//   SMTP: prepare the submitted MIME message (Message-ID, Date, List-Help, X-Herald-* read and
//         removed) → check its From: domain against the connection's, then the sender's domain →
//         DKIM-sign it → store one record per recipient, sharing the signed bytes, in one durable
//         commit → schedule them
//
// Suppression: a recipient on the account's suppression list is checked inside the commit that
// stores the message (storage::NewMessage): its message is recorded with status `suppressed` and a
// `suppressed` event, never scheduled, and the caller is told that status (Accepted::status).
//
// The sender's domain is checked by the DomainDirectory (domains/directory.h): a message from a
// domain that is not a verified domain of the account is refused; one that passes is signed once,
// here, before the commit (never again at each attempt), leaves with a VERP sender at the domain's
// return-path host, and through the domain's IP pool.
//
// `done` runs once the message is on disk (or with the reason it is not); only then may the caller
// acknowledge it. Intake never delivers: delivery takes messages from the scheduled queue.
// Later steps (quota, rate limits) slot in as further named steps.
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
#include "campaigns/renderer.h"
#include "intake/attachment_digests.h"
#include "core/message.h"
#include "domains/directory.h"
#include "mime/message_builder.h"
#include "tracking/token.h"
#include "queue/scheduled_queue.h"
#include "storage/store.h"

namespace herald::intake {

struct SendRequest {
  std::string account_id;
  std::string pool;  // the account's IP pool; empty: the default
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
  std::vector<mime::Attachment> attachments;
};

// A campaign triggered for one recipient (POST /v1/messages with "campaign"): the recipient's profile
// is created or updated in the campaign's profile table with `attributes`, then the campaign is
// rendered with it and `data`.
struct TriggerRequest {
  std::string account_id;
  std::string pool;      // the account's IP pool; empty: the default
  std::string campaign;  // its key
  std::string email;     // the recipient's address (email campaigns); for a transactional table also its lookup
  std::string name;      // the recipient's display name; may be empty
  std::string gsm;       // the recipient's phone number; may be empty
  nlohmann::json attributes = nlohmann::json::object();  // profile attributes to set (as the caller sent them)
  nlohmann::json data = nlohmann::json::object();        // the template's `data`
  std::vector<mime::Attachment> attachments;
  std::vector<mime::Header> headers;
  std::vector<std::string> tags;
  nlohmann::json metadata = nlohmann::json::object();
  std::string idempotency_key;
  // A test send (POST /v1/campaigns/{key}/test): the campaign need not be active, and the
  // recipient's profile is neither created nor changed (the attributes only feed the rendering).
  bool test = false;
};

// A message submitted over the SMTP relay by an authorised SMTP connection.
struct SmtpSubmission {
  std::string account_id;
  std::string pool;                          // the account's IP pool; empty: the default
  std::vector<std::string> allowed_domains;  // the connection's (lowercase): the From: domain must be one
  std::string list_help_url;                 // empty: no List-Help header is added
  std::string mail_from;                     // envelope sender (addr-spec), already checked against the domains
  std::vector<std::string> rcpt_to;          // envelope recipients (addr-specs), at least one
  bool smtputf8 = false;                     // the envelope asked for SMTPUTF8
  std::string raw;                           // the message as received, dot-stuffing undone, CRLF line ends
};

struct Accepted {
  std::string id;
  // kQueued, or kSuppressed: the recipient is on the account's suppression list and the message was
  // recorded but will not be sent. A duplicate answers the earlier message's current status.
  core::MessageStatus status = core::MessageStatus::kQueued;
  bool duplicate = false;  // an earlier message with the same idempotency key
};

struct IntakeOptions {
  Duration idempotency_window{24 * 3'600'000};
  size_t max_message_bytes = 30 * 1000 * 1000;  // DESIGN §2: 30 MB per message in all
  size_t max_attachment_bytes = 30 * 1000 * 1000;  // a trigger's attachments in all
};

class Intake {
 public:
  // `domains` must outlive the intake, like the store, queue and clock.
  Intake(storage::Store& store, queue::ScheduledQueue& queue, const domains::DomainDirectory& domains,
         const Clock& clock, IntakeOptions options);

  // Accepts `request`. Errors: PermissionDenied (the From: domain may not send; the message names it
  // and why), InvalidArgument (the message cannot be built or is too large), or the store's error
  // (nothing was stored).
  void Submit(SendRequest request, storage::ResultCallback<Accepted> done);

  // Renders `request`'s campaign for its recipient and accepts the message, the profile's change
  // committed with it. Errors, each message starting with the field at fault ("<field>: <why>"):
  //   NotFound            campaign: no such campaign (or its profile table is gone)
  //   FailedPrecondition  campaign: not active
  //   InvalidArgument     to.…: a bad address or attribute; <variable>: missing variable (strict
  //                       campaigns); from/subject/…: what the rendering made is not a valid message
  //   AlreadyExists       to.attributes.<attribute>: a unique value that belongs to another profile
  //   ResourceExhausted   attachments: over max_attachment_bytes in all
  //   PermissionDenied    as Submit (the campaign's From: domain)
  // Nothing is written on any error.
  void Trigger(TriggerRequest request, storage::ResultCallback<Accepted> done);

  // Open and click tracking for campaigns that ask for it: the pixel and links point at
  // `base_url` + "/t/o/<token>" and "/t/c/<token>". Call once, before the first Trigger (the daemon
  // knows the base only once its HTTP server listens). Without it, messages are not tracked.
  void SetTracking(std::string base_url, tracking::TokenCodec codec);

  // What Trigger would send, rendered for the recipient without storing anything (whatever the
  // campaign's status). Errors as Trigger's, but PermissionDenied and the campaign's status.
  Result<campaigns::RenderedContent> Preview(const TriggerRequest& request);

  // Accepts `submission`; `done` gets the new messages in recipient order (each kQueued or
  // kSuppressed). Errors:
  // InvalidArgument (the message cannot be parsed, or its X-Herald-* headers are wrong),
  // PermissionDenied (its From: domain is not one of the connection's, or may not send), or the
  // store's error (nothing was stored).
  void SubmitSmtp(SmtpSubmission submission, storage::ResultCallback<std::vector<Accepted>> done);

 private:
  struct Rendered;  // a trigger's campaign, profile write and rendered content (trigger.cc)

  // The message of `request`, with the id `id` (a new one when empty).
  Result<storage::NewMessage> Build(SendRequest& request, TimePoint now, std::string id = "") const;
  Result<Rendered> Render(const TriggerRequest& request, const std::string& message_id, TimePoint now);
  // Signs `message` for `identity`, stores it and schedules it.
  void SignAndStore(const domains::SendingIdentity& identity, storage::NewMessage message, TimePoint now,
                    storage::ResultCallback<Accepted> done);
  Result<storage::NewMessageGroup> BuildGroup(SmtpSubmission& submission, TimePoint now) const;

  storage::Store& store_;
  queue::ScheduledQueue& queue_;
  const domains::DomainDirectory& domains_;
  campaigns::CampaignRenderer renderer_;
  // 64 MiB of an installation's most used attachments: 470 of 100 KB each.
  mutable AttachmentDigests attachment_digests_{64u << 20};
  std::string tracking_base_;  // empty: no tracking
  std::optional<tracking::TokenCodec> tracking_;
  const Clock& clock_;
  IntakeOptions options_;
};

}  // namespace herald::intake
