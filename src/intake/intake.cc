#include "intake/intake.h"

#include "base/random.h"
#include "core/address.h"
#include "intake/sending_identity.h"

namespace herald::intake {
namespace {

std::string HeaderAddress(const core::EmailAddress& address) {
  return address.display_name.empty() ? address.AddrSpec()
                                      : address.display_name + " <" + address.AddrSpec() + ">";
}

}  // namespace

Intake::Intake(storage::Store& store, queue::ScheduledQueue& queue, const domains::DomainDirectory& domains,
               const Clock& clock, IntakeOptions options)
    : store_(store), queue_(queue), domains_(domains), clock_(clock), options_(options) {}

Result<storage::NewMessage> Intake::Build(SendRequest& request, TimePoint now, std::string id) const {
  if (id.empty()) id = NewId("msg", now);

  mime::MessageContent content;
  content.from = request.from;
  content.to = request.to;
  content.reply_to = request.reply_to;
  content.subject = request.subject;
  content.html = std::move(request.html);
  content.text = std::move(request.text);
  content.headers = std::move(request.headers);
  content.attachments = std::move(request.attachments);
  content.message_id = id + "@" + request.from.domain;
  content.date = now;
  Result<mime::BuiltMessage> built = mime::BuildMessage(content);
  if (!built.ok()) return built.status();
  if (built->wire.size() > options_.max_message_bytes)
    return Status::InvalidArgument("the message is " + std::to_string(built->wire.size()) +
                                   " bytes; the limit is " + std::to_string(options_.max_message_bytes));

  storage::NewMessage message;
  core::MessageRecord& record = message.record;
  record.id = std::move(id);
  record.account_id = request.account_id;
  record.status = core::MessageStatus::kQueued;
  record.mail_from = request.from.AddrSpec();
  record.rcpt_to = request.to.AddrSpec();
  record.from_header = HeaderAddress(request.from);
  record.sender_domain = core::AsciiLower(request.from.domain);
  record.to_header = HeaderAddress(request.to);
  record.subject = std::move(request.subject);
  record.tags = std::move(request.tags);
  record.metadata = std::move(request.metadata);
  record.idempotency_key = std::move(request.idempotency_key);
  record.created_at = now;
  record.updated_at = now;
  record.next_attempt_at = now;
  record.smtputf8 = request.from.needs_smtputf8 || request.to.needs_smtputf8;
  record.pool = request.pool.empty() ? std::string(core::kDefaultPool) : std::move(request.pool);
  message.raw = std::move(built->wire);
  // The store keeps an attachment once however many of the account's messages carry it.
  for (const mime::ByteRange& body : built->attachment_bodies) {
    message.shared_parts.push_back(
        {body.offset, body.size,
         attachment_digests_.Digest(request.account_id, std::string_view(message.raw).substr(body.offset, body.size))});
  }
  message.queued_event = core::Event{core::EventType::kQueued, now, nlohmann::json::object()};
  return message;
}

void Intake::Submit(SendRequest request, storage::ResultCallback<Accepted> done) {
  TimePoint now = clock_.Now();
  Result<domains::SendingIdentity> identity = domains_.ForSending(request.account_id, request.from.domain);
  if (!identity.ok()) return done(identity.status());
  auto built = Build(request, now);
  if (!built.ok()) return done(built.status());
  SignAndStore(*identity, std::move(*built), now, std::move(done));
}

void Intake::SignAndStore(const domains::SendingIdentity& identity, storage::NewMessage message, TimePoint now,
                          storage::ResultCallback<Accepted> done) {
  const size_t unsigned_size = message.raw.size();
  if (Status signed_ok = Sign(identity, message.raw, now); !signed_ok.ok()) return done(signed_ok);
  // The signatures went on top, so the shared parts moved down by their length.
  for (storage::SharedPart& part : message.shared_parts) part.offset += message.raw.size() - unsigned_size;
  ApplyEnvelope(identity, message.record);
  queue::QueuedMessage queued{message.record.id, now, 0, now, core::DomainOf(message.record.rcpt_to),
                              message.record.pool};
  store_.InsertMessage(std::move(message), now - options_.idempotency_window,
                       [this, queued = std::move(queued), done = std::move(done)](
                           Result<storage::InsertOutcome> outcome) mutable {
                         if (!outcome.ok()) {
                           done(outcome.status());
                           return;
                         }
                         // A message to a suppressed recipient is recorded, never scheduled.
                         if (!outcome->duplicate && outcome->status == core::MessageStatus::kQueued)
                           queue_.Schedule(std::move(queued));
                         done(Accepted{outcome->message_id, outcome->status, outcome->duplicate});
                       });
}

}  // namespace herald::intake
