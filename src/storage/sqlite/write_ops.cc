#include "storage/sqlite/write_ops.h"

#include <string>

#include "storage/sqlite/bodies.h"
#include "storage/sqlite/profiles.h"
#include "storage/sqlite/reads.h"
#include "storage/sqlite/rows.h"
#include "storage/sqlite/stats.h"
#include "storage/sqlite/suppressions.h"

namespace herald::storage::sqlite {
namespace {

// Keeps the code of `status` and says which write it belongs to.
Status Explain(const Status& status, const std::string& what) {
  if (status.ok()) return status;
  return Status(status.code(), what + ": " + status.message());
}

std::optional<int64_t> OptionalMillis(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return ToUnixMillis(*t);
}

// The message an unexpired idempotency key points at, if any.
Result<std::optional<InsertOutcome>> FindIdempotent(Connection& db, const core::MessageRecord& record,
                                                    TimePoint since) {
  Result<Statement> find = db.Prepare(
      "SELECT i.message_id, i.created_at, m.status FROM idempotency_keys i"
      " JOIN messages m ON m.id = i.message_id WHERE i.account_id = ?1 AND i.key = ?2");
  if (!find.ok()) return find.status();
  find->Bind(1, record.account_id).Bind(2, record.idempotency_key);
  Result<bool> row = find->Step();
  if (!row.ok()) return row.status();
  if (!*row || find->Int(1) < ToUnixMillis(since)) return std::optional<InsertOutcome>();
  std::optional<core::MessageStatus> status = core::ParseMessageStatus(find->Text(2));
  if (!status) return Status::Corruption("message " + std::string(find->Text(0)) + " has an unknown status");
  return std::optional<InsertOutcome>(InsertOutcome{std::string(find->Text(0)), true, *status});
}

// Inserts the message row; a non-empty `body_id` names the message whose body it shares.
// A message of a group names the group's body (`body_id`); a single message may name its recipient's
// profile (`profile_id`). Empty: NULL.
Status InsertRecord(Connection& db, const core::MessageRecord& r, std::string_view body_id = {},
                    std::string_view profile_id = {}) {
  // Two SQL texts: the group's and the single message's.
  Result<Statement> insert = db.Prepare(
      body_id.empty()
          ? "INSERT INTO messages (id, account_id, status, campaign, mail_from, rcpt_to, from_header, "
            "to_header,"
            " subject, tags, metadata, idempotency_key, created_at, updated_at, attempts, next_attempt_at,"
            " smtputf8, pool, campaign_version, sender_domain, profile_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
            " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?19, ?20, ?21, ?22)"
          : "INSERT INTO messages (id, account_id, status, campaign, mail_from, rcpt_to, from_header, "
            "to_header,"
            " subject, tags, metadata, idempotency_key, created_at, updated_at, attempts, next_attempt_at,"
            " smtputf8, body_id, pool, campaign_version, sender_domain) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
            " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)");
  if (!insert.ok()) return insert.status();
  if (!body_id.empty()) {
    insert->Bind(18, body_id);
  } else if (profile_id.empty()) {
    insert->Bind(22, nullptr);
  } else {
    insert->Bind(22, profile_id);
  }
  insert->Bind(1, r.id)
      .Bind(2, r.account_id)
      .Bind(3, core::ToString(r.status))
      .Bind(4, r.campaign)
      .Bind(5, r.mail_from)
      .Bind(6, r.rcpt_to)
      .Bind(7, r.from_header)
      .Bind(8, r.to_header)
      .Bind(9, r.subject)
      .Bind(10, TagsJson(r.tags))
      .Bind(11, CompactJson(r.metadata.is_null() ? nlohmann::json::object() : r.metadata))
      .Bind(12, r.idempotency_key)
      .Bind(13, ToUnixMillis(r.created_at))
      .Bind(14, ToUnixMillis(r.updated_at))
      .Bind(15, static_cast<int64_t>(r.attempts))
      .Bind(16, OptionalMillis(r.next_attempt_at))
      .Bind(17, static_cast<int64_t>(r.smtputf8 ? 1 : 0))
      .Bind(19, r.pool.empty() ? core::kDefaultPool : std::string_view(r.pool))
      .Bind(20, r.campaign_version ? std::optional<int64_t>(*r.campaign_version) : std::nullopt)
      .Bind(21, r.sender_domain);
  Status status = insert->Run();
  if (status.code() == Code::kNotFound) return Status::NotFound("no account " + r.account_id);
  if (status.code() == Code::kAlreadyExists)
    return Status::AlreadyExists("message " + r.id + " already exists");
  return status;
}

// The record as it is to be stored: suppressed, with its `suppressed` event, when its recipient is on
// the account's suppression list; otherwise as given, with `queued`.
struct Admitted {
  core::MessageRecord record;
  core::Event first_event;
};

Result<Admitted> Admit(Connection& db, const core::MessageRecord& record, const core::Event& queued) {
  Result<std::optional<core::Suppression>> suppressed = FindSuppressionSql(db, record.account_id, record.rcpt_to);
  if (!suppressed.ok()) return suppressed.status();
  if (!*suppressed) return Admitted{record, queued};
  Admitted admitted{record, {core::EventType::kSuppressed, queued.at,
                             {{"reason", (*suppressed)->reason}, {"source", (*suppressed)->source}}}};
  admitted.record.status = core::MessageStatus::kSuppressed;
  admitted.record.next_attempt_at.reset();
  return admitted;
}

}  // namespace

Status InsertEventSql(Connection& db, std::string_view message_id, std::string_view account_id,
                      const core::Event& event) {
  HERALD_RETURN_IF_ERROR(CountEventSql(db, message_id, event));
  Result<Statement> insert = db.Prepare(
      "INSERT INTO events (message_id, account_id, type, at, details) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, message_id)
      .Bind(2, account_id)
      .Bind(3, core::ToString(event.type))
      .Bind(4, ToUnixMillis(event.at))
      .Bind(5, CompactJson(event.details.is_null() ? nlohmann::json::object() : event.details));
  return insert->Run();
}

Status CreateAccountSql(Connection& db, const core::Account& account, const core::ApiKey& first_key) {
  if (account.id.empty()) return Status::InvalidArgument("an account needs an id");
  if (first_key.account_id != account.id) {
    return Status::InvalidArgument("the first API key must belong to the new account");
  }
  Result<Statement> insert =
      db.Prepare("INSERT INTO accounts (id, name, is_operator, created_at, pool) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, account.id)
      .Bind(2, account.name)
      .Bind(3, static_cast<int64_t>(account.is_operator ? 1 : 0))
      .Bind(4, ToUnixMillis(account.created_at))
      .Bind(5, account.pool);
  Status status = insert->Run();
  if (status.code() == Code::kAlreadyExists)
    return Status::AlreadyExists("account " + account.id + " exists");
  HERALD_RETURN_IF_ERROR(status);
  return CreateApiKeySql(db, first_key);
}

Status CreateApiKeySql(Connection& db, const core::ApiKey& key) {
  if (key.id.empty() || key.key_hash.empty())
    return Status::InvalidArgument("an API key needs an id and a hash");
  Result<Statement> insert = db.Prepare(
      "INSERT INTO api_keys (id, account_id, name, scope, key_hash, prefix, created_at, revoked_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, key.id)
      .Bind(2, key.account_id)
      .Bind(3, key.name)
      .Bind(4, core::ToString(key.scope))
      .Bind(5, key.key_hash)
      .Bind(6, key.prefix)
      .Bind(7, ToUnixMillis(key.created_at))
      .Bind(8, OptionalMillis(key.revoked_at));
  Status status = insert->Run();
  if (status.code() == Code::kNotFound) return Status::NotFound("no account " + key.account_id);
  // Which of id and hash collided is not said: the hash is a secret's fingerprint.
  if (status.code() == Code::kAlreadyExists) return Status::AlreadyExists("the API key already exists");
  return status;
}

Status RevokeApiKeySql(Connection& db, std::string_view account_id, std::string_view key_id, TimePoint at) {
  Result<Statement> revoke = db.Prepare(
      "UPDATE api_keys SET revoked_at = ?3 WHERE id = ?1 AND account_id = ?2 AND revoked_at IS NULL");
  if (!revoke.ok()) return revoke.status();
  revoke->Bind(1, key_id).Bind(2, account_id).Bind(3, ToUnixMillis(at));
  HERALD_RETURN_IF_ERROR(revoke->Run());
  if (db.Changes() == 0) return Status::NotFound("no active API key " + std::string(key_id));
  return Status::Ok();
}

Status InsertMessageSql(Connection& db, const NewMessage& message, const StoredBody& body,
                        TimePoint idempotency_since, TimePoint now, InsertOutcome& outcome) {
  const core::MessageRecord& r = message.record;
  if (r.id.empty() || r.account_id.empty())
    return Status::InvalidArgument("a message needs an id and an account");
  if (!r.idempotency_key.empty()) {
    Result<std::optional<InsertOutcome>> earlier = FindIdempotent(db, r, idempotency_since);
    if (!earlier.ok()) return earlier.status();
    if (*earlier) {
      outcome = std::move(**earlier);
      return Status::Ok();
    }
  }
  Result<Admitted> admitted = Admit(db, r, message.queued_event);
  if (!admitted.ok()) return admitted.status();
  // The profile first, so that the message row is written once, naming it.
  ProfileWriteOutcome written;
  if (message.profile) HERALD_RETURN_IF_ERROR(UpsertProfileSql(db, *message.profile, written));
  HERALD_RETURN_IF_ERROR(InsertRecord(db, admitted->record, {}, written.profile.id));

  HERALD_RETURN_IF_ERROR(
      Explain(InsertBodySql(db, r.id, r.account_id, body), "storing the body of " + r.id));
  HERALD_RETURN_IF_ERROR(
      Explain(InsertEventSql(db, r.id, r.account_id, admitted->first_event), "event of " + r.id));

  if (!r.idempotency_key.empty()) {
    // An expired key (older than the window) is taken over by the new message.
    Result<Statement> key = db.Prepare(
        "INSERT INTO idempotency_keys (account_id, key, message_id, created_at) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (account_id, key) DO UPDATE SET message_id = excluded.message_id,"
        " created_at = excluded.created_at");
    if (!key.ok()) return key.status();
    key->Bind(1, r.account_id).Bind(2, r.idempotency_key).Bind(3, r.id).Bind(4, ToUnixMillis(now));
    HERALD_RETURN_IF_ERROR(Explain(key->Run(), "idempotency key of " + r.id));
  }
  outcome = InsertOutcome{r.id, false, admitted->record.status};
  return Status::Ok();
}

Status InsertMessageGroupSql(Connection& db, const NewMessageGroup& group, const StoredBody& body,
                             std::vector<core::MessageStatus>& statuses) {
  if (group.records.empty()) return Status::InvalidArgument("a message group needs at least one record");
  const core::MessageRecord& owner = group.records.front();
  for (const core::MessageRecord& r : group.records) {
    if (r.id.empty() || r.account_id.empty())
      return Status::InvalidArgument("a message needs an id and an account");
    // A shared body must never be readable from another account.
    if (r.account_id != owner.account_id)
      return Status::InvalidArgument("the messages of a group must belong to one account");
  }
  const core::Event queued{core::EventType::kQueued, group.queued_at, nlohmann::json::object()};
  statuses.clear();
  for (const core::MessageRecord& r : group.records) {
    const bool owns_body = &r == &owner;
    Result<Admitted> admitted = Admit(db, r, queued);
    if (!admitted.ok()) return admitted.status();
    HERALD_RETURN_IF_ERROR(
        InsertRecord(db, admitted->record, owns_body ? std::string_view() : std::string_view(owner.id)));
    statuses.push_back(admitted->record.status);
    if (owns_body) {
      HERALD_RETURN_IF_ERROR(Explain(InsertBodySql(db, r.id, r.account_id, body), "storing the body of " + r.id));
    }
    HERALD_RETURN_IF_ERROR(
        Explain(InsertEventSql(db, r.id, r.account_id, admitted->first_event), "event of " + r.id));
  }
  return Status::Ok();
}

Status RecordEngagementSql(Connection& db, std::string_view message_id, const core::Event& event) {
  Result<MessageRecipient> message = FindMessageRecipientSql(db, message_id);
  if (!message.ok()) return message.status();
  return InsertEventSql(db, message_id, message->account_id, event);
}

Status RecordAttemptSql(Connection& db, const AttemptRecord& attempt, TimePoint now) {
  core::Suppression suppression;
  {
    // captured_at is set once, by the first captured delivery.
    Result<Statement> update = db.Prepare(
        "UPDATE messages SET status = ?2, attempts = ?3, next_attempt_at = ?4, updated_at = ?5,"
        " captured_at = coalesce(captured_at, ?6) WHERE id = ?1 RETURNING account_id, rcpt_to");
    if (!update.ok()) return update.status();
    update->Bind(1, attempt.message_id)
        .Bind(2, core::ToString(attempt.status))
        .Bind(3, static_cast<int64_t>(attempt.attempts))
        .Bind(4, OptionalMillis(attempt.next_attempt_at))
        .Bind(5, ToUnixMillis(now))
        .Bind(6, attempt.captured ? std::optional<int64_t>(ToUnixMillis(now)) : std::nullopt);
    Result<bool> row = update->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no message " + attempt.message_id);
    suppression.account_id = update->Text(0);
    suppression.address = update->Text(1);
    HERALD_RETURN_IF_ERROR(update->Run());  // finishes the statement
  }
  if (attempt.suppress_reason) {
    suppression.reason = *attempt.suppress_reason;
    suppression.source = "bounce";
    suppression.message_id = attempt.message_id;
    suppression.created_at = now;
    Result<bool> added = SuppressSql(db, suppression);
    HERALD_RETURN_IF_ERROR(Explain(added.status(), "suppression of " + attempt.message_id));
  }
  for (const core::Event& event : attempt.events) {
    HERALD_RETURN_IF_ERROR(Explain(InsertEventSql(db, attempt.message_id, suppression.account_id, event),
                                   "event of " + attempt.message_id));
  }
  return Status::Ok();
}

Status CancelMessageSql(Connection& db, std::string_view message_id, const core::Event& event, TimePoint now,
                        CancelOutcome& outcome) {
  std::string account_id;
  {
    // Conditional, so that a message an attempt has just finished is never overwritten.
    Result<Statement> update = db.Prepare(
        "UPDATE messages SET status = 'cancelled', next_attempt_at = NULL, updated_at = ?2"
        " WHERE id = ?1 AND status IN ('queued', 'deferred') RETURNING account_id");
    if (!update.ok()) return update.status();
    update->Bind(1, message_id).Bind(2, ToUnixMillis(now));
    Result<bool> row = update->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      account_id = update->Text(0);
      HERALD_RETURN_IF_ERROR(update->Run());  // finishes the statement
    }
  }
  if (account_id.empty()) {
    Result<Statement> find = db.Prepare("SELECT status FROM messages WHERE id = ?1");
    if (!find.ok()) return find.status();
    find->Bind(1, message_id);
    Result<bool> row = find->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no message " + std::string(message_id));
    std::optional<core::MessageStatus> status = core::ParseMessageStatus(find->Text(0));
    if (!status) return Status::Corruption("message " + std::string(message_id) + " has an unknown status");
    outcome = CancelOutcome{false, *status};
    return Status::Ok();
  }
  HERALD_RETURN_IF_ERROR(
      Explain(InsertEventSql(db, message_id, account_id, event), "event of " + std::string(message_id)));
  outcome = CancelOutcome{true, core::MessageStatus::kCancelled};
  return Status::Ok();
}

Status SetAccountPoolSql(Connection& db, const std::string& account_id, const std::string& pool) {
  Result<Statement> update = db.Prepare("UPDATE accounts SET pool = ?2 WHERE id = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, account_id).Bind(2, pool);
  HERALD_RETURN_IF_ERROR(update->Run());
  if (db.Changes() == 0) return Status::NotFound("no account " + account_id);
  return Status::Ok();
}

}  // namespace herald::storage::sqlite
