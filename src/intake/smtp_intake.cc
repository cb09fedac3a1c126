// Intake's SMTP door: Intake::SubmitSmtp (see intake.h).
#include <algorithm>

#include "base/random.h"
#include "core/address.h"
#include "intake/intake.h"
#include "intake/sending_identity.h"
#include "mime/submitted_message.h"

namespace herald::intake {

Result<storage::NewMessageGroup> Intake::BuildGroup(SmtpSubmission& submission, TimePoint now) const {
  if (submission.rcpt_to.empty()) return Status::InvalidArgument("a message needs at least one recipient");
  Result<core::EmailAddress> sender = core::ParseAddrSpec(submission.mail_from);
  if (!sender.ok()) return Status::InvalidArgument("envelope sender: " + sender.status().message());

  std::string first_id = NewId("msg", now);
  mime::SubmissionEdits edits;
  edits.message_id = first_id + "@" + core::AsciiLower(sender->domain);
  edits.now = now;
  edits.list_help_url = submission.list_help_url;
  Result<mime::SubmittedMessage> prepared = mime::PrepareSubmittedMessage(submission.raw, edits);
  if (!prepared.ok()) return prepared.status();
  if (prepared->raw.size() > options_.max_message_bytes) {
    return Status::InvalidArgument("the message is " + std::to_string(prepared->raw.size()) +
                                   " bytes; the limit is " + std::to_string(options_.max_message_bytes));
  }
  std::string from_domain = core::AsciiLower(prepared->from.domain);
  if (std::find(submission.allowed_domains.begin(), submission.allowed_domains.end(), from_domain) ==
      submission.allowed_domains.end()) {
    return Status::PermissionDenied("the From: header's domain " + from_domain +
                                    " is not one of this SMTP connection's domains");
  }
  Result<domains::SendingIdentity> identity = domains_.ForSending(submission.account_id, prepared->from.domain);
  if (!identity.ok()) return identity.status();
  HERALD_RETURN_IF_ERROR(Sign(*identity, prepared->raw, now));

  storage::NewMessageGroup group;
  group.queued_at = now;
  group.records.reserve(submission.rcpt_to.size());
  for (size_t i = 0; i < submission.rcpt_to.size(); ++i) {
    core::MessageRecord record;
    record.id = i == 0 ? first_id : NewId("msg", now);
    record.account_id = submission.account_id;
    record.status = core::MessageStatus::kQueued;
    record.mail_from = submission.mail_from;
    record.rcpt_to = std::move(submission.rcpt_to[i]);
    record.from_header = prepared->from_header;
    record.sender_domain = core::AsciiLower(prepared->from.domain);
    record.to_header = prepared->to_header;
    record.subject = prepared->subject;
    record.tags = prepared->tags;
    record.metadata = prepared->metadata;
    record.created_at = now;
    record.updated_at = now;
    record.next_attempt_at = now;
    record.smtputf8 = submission.smtputf8;
    record.pool = submission.pool.empty() ? std::string(core::kDefaultPool) : submission.pool;
    ApplyEnvelope(*identity, record);
    group.records.push_back(std::move(record));
  }
  group.raw = std::move(prepared->raw);
  return group;
}

void Intake::SubmitSmtp(SmtpSubmission submission, storage::ResultCallback<std::vector<Accepted>> done) {
  TimePoint now = clock_.Now();
  auto built = BuildGroup(submission, now);
  if (!built.ok()) return done(built.status());
  std::vector<queue::QueuedMessage> queued;
  queued.reserve(built->records.size());
  for (const core::MessageRecord& record : built->records)
    queued.push_back({record.id, now, 0, now, core::DomainOf(record.rcpt_to), record.pool});
  store_.InsertMessageGroup(std::move(*built), [this, queued = std::move(queued), done = std::move(done)](
                                                   Result<std::vector<core::MessageStatus>> stored) mutable {
    if (!stored.ok()) {
      done(stored.status());
      return;
    }
    std::vector<Accepted> accepted;
    accepted.reserve(queued.size());
    for (size_t i = 0; i < queued.size(); ++i) {
      const core::MessageStatus status = i < stored->size() ? (*stored)[i] : core::MessageStatus::kQueued;
      accepted.push_back({queued[i].id, status, false});
      // A suppressed recipient's record is kept, never sent.
      if (status == core::MessageStatus::kQueued) queue_.Schedule(std::move(queued[i]));
    }
    done(std::move(accepted));
  });
}

}  // namespace herald::intake
