// The SQL of each Store write, run by the Writer inside a transaction and a savepoint.
//
// Each function either succeeds or returns the error that makes the Writer undo its savepoint, so a
// write happens whole or not at all. Several of them run in one transaction, in the order they were
// submitted, and each sees the ones before it (two inserts with one idempotency key in one group give
// one message and one duplicate).
//
// Thread-safety: called only on the writer thread. Untrusted input: values are bound, never spliced.
#pragma once

#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "core/account.h"
#include "storage/sqlite/bodies.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace herald::storage::sqlite {

// Appends `event` to the message's timeline and moves the statistics' counters it moves (stats.h), in
// the same commit.
Status InsertEventSql(Connection& db, std::string_view message_id, std::string_view account_id,
                      const core::Event& event);
Status CreateAccountSql(Connection& db, const core::Account& account, const core::ApiKey& first_key);
Status CreateApiKeySql(Connection& db, const core::ApiKey& key);
Status RevokeApiKeySql(Connection& db, std::string_view account_id, std::string_view key_id, TimePoint at);
// `body`: PrepareBody of the message's raw and shared parts (bodies.h). `now` stamps the idempotency key's
// use. A record to a suppressed recipient is stored suppressed (store.h, NewMessage).
Status InsertMessageSql(Connection& db, const NewMessage& message, const StoredBody& body,
                        TimePoint idempotency_since, TimePoint now, InsertOutcome& outcome);
// The first record owns the body (PrepareBody of the group's raw); the others point at it with body_id.
// `statuses`: each record's, in order.
Status InsertMessageGroupSql(Connection& db, const NewMessageGroup& group, const StoredBody& body,
                             std::vector<core::MessageStatus>& statuses);
// `now` becomes updated_at, and captured_at when the attempt captured the message.
// Appends an opened or clicked event to the message's timeline; NotFound when there is no such message.
Status RecordEngagementSql(Connection& db, std::string_view message_id, const core::Event& event);
Status RecordAttemptSql(Connection& db, const AttemptRecord& attempt, TimePoint now);
Status SetAccountPoolSql(Connection& db, const std::string& account_id, const std::string& pool);
// `now` becomes updated_at. Changes only a queued or deferred message; `outcome` says what it found.
Status CancelMessageSql(Connection& db, std::string_view message_id, const core::Event& event, TimePoint now,
                        CancelOutcome& outcome);

}  // namespace herald::storage::sqlite
