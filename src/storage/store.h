// Store: everything Herald keeps, behind one interface (DESIGN §6).
//
// Backends: SQLite (storage/sqlite/, the embedded default) and, later, PostgreSQL. Nothing above this
// folder knows which one it talks to; `sqlite3.h` and `libpq-fe.h` never appear outside storage/.
//
// Writes are asynchronous and durable: `done` runs only after the change is committed and on disk
// (fsync), and concurrent writes share one commit, so durability costs no throughput (STYLE habit 6).
// `done` runs on a backend thread: it must be quick and must not call back into a Store write and
// wait for it. Each write either happens whole or not at all.
//
// Reads are synchronous and may be called from any thread; a read started after a write's `done`
// has run sees that write. Every read of tenant data takes the caller's account id and never returns
// another account's rows (NotFound instead).
//
// Thread-safety: all methods may be called concurrently from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "core/account.h"
#include "core/campaign.h"
#include "core/interaction_table.h"
#include "core/message.h"
#include "core/profile.h"
#include "core/sending_domain.h"
#include "core/smtp_connection.h"
#include "core/stats.h"
#include "core/suppression.h"
#include "core/webhook.h"
#include "storage/webhook_records.h"

namespace herald::storage {

using StatusCallback = std::function<void(Status)>;
template <typename T>
using ResultCallback = std::function<void(Result<T>)>;

// Creates or changes the profile of `table` whose attribute `lookup_attribute` has the value
// `lookup_value` (core::IndexText of the canonical value): the key attribute of a custom table,
// emailAddress or gsmNumber of a transactional one. `changes` (canonical values; null removes) are
// merged into it (core::MergeAttributes); a new profile gets `new_id` and the lookup value too.
struct ProfileWrite {
  core::ProfileTable table;
  std::string lookup_attribute;
  std::string lookup_value;
  nlohmann::json changes = nlohmann::json::object();
  std::string new_id;
  TimePoint now;
};

struct ProfileWriteOutcome {
  core::Profile profile;  // as stored
  bool created = false;
};

struct ProfilePage {
  std::vector<core::Profile> profiles;  // oldest first
  std::string next_cursor;              // empty on the last page
};

// A new row of `table`, for the profile of the linked profile table whose `profile_attribute` has the
// value `profile_value` (core::IndexText; profiles::LookupForKey says which attribute a key names).
// `values` are canonical (null members are left out) and get `table`'s required columns checked
// (core::MergeRowValues). The row's `row.created` event is written in the same commit.
struct NewRow {
  core::InteractionTable table;
  std::string id;
  std::string profile_attribute;
  std::string profile_value;
  nlohmann::json values = nlohmann::json::object();
  TimePoint now;
};

// A change of the row `row_id` of `table`: `changes` (canonical; null removes) merged into its values
// (core::MergeRowValues). A change that changes a value is written with its `row.updated` event
// naming exactly the changed columns; one that changes nothing writes nothing.
struct RowChange {
  core::InteractionTable table;
  std::string row_id;
  nlohmann::json changes = nlohmann::json::object();
  TimePoint now;
};

struct RowWriteOutcome {
  core::Row row;                        // as stored
  std::optional<core::RowEvent> event;  // the event written; none when nothing changed
};

struct RowPage {
  std::vector<core::Row> rows;  // oldest first
  std::string next_cursor;      // empty on the last page
};

struct RowEventPage {
  std::vector<core::RowEvent> events;  // in the order they were written
  bool more = false;                   // more events follow the last one
};

// A message to store with its MIME bytes and its first event, in one commit.
//
// Suppression (DESIGN §1, §3): a message whose recipient is on its account's suppression list when the
// commit runs is stored with status `suppressed`, no next attempt, and a `suppressed` event
// {"reason", "source"} (the suppression's) at the time of `queued_event` instead of that event; the
// outcome says so, and the caller does not schedule it. Checked inside the commit, so a suppression
// added a moment before is never missed.
// Bytes of a message that many messages of an account may carry alike (an attachment's base64 lines):
// the store may keep them once for the account and have each message's body refer to them. Reading a
// message back gives its bytes whole either way.
struct SharedPart {
  size_t offset = 0;   // where the bytes lie in the message
  size_t size = 0;
  std::string digest;  // SHA-256 of the bytes (32 bytes), by which the store finds them again
};

struct NewMessage {
  core::MessageRecord record;  // status kQueued, next_attempt_at set
  std::string raw;             // the complete MIME message, CRLF line ends
  std::vector<SharedPart> shared_parts;  // within raw, in order, not overlapping; may be empty
  core::Event queued_event;
  // The recipient's profile, created or changed in the same commit (campaign triggers); the message
  // remembers it. Unset: a message without a profile.
  std::optional<ProfileWrite> profile;
};

// Messages for several recipients of one submission (the SMTP relay: one record per RCPT), sharing
// one stored copy of their MIME bytes, stored in one commit: all or none. A record to a suppressed
// recipient is stored as suppressed, as for NewMessage.
struct NewMessageGroup {
  std::vector<core::MessageRecord> records;  // each status kQueued, next_attempt_at set; at least one
  std::string raw;                           // the complete MIME message, CRLF line ends
  TimePoint queued_at;                       // the time of each record's `queued` (or `suppressed`) event
};

struct InsertOutcome {
  std::string message_id;   // the new message, or the earlier one that had the same idempotency key
  bool duplicate = false;   // true: nothing was written; `message_id` is the earlier message
  // That message's current status: kQueued, or kSuppressed for a new message to a suppressed recipient.
  core::MessageStatus status = core::MessageStatus::kQueued;
};

// The outcome of one delivery attempt, written in one commit.
struct AttemptRecord {
  std::string message_id;
  core::MessageStatus status = core::MessageStatus::kQueued;  // the message's new status
  int attempts = 0;                                          // attempts made so far, this one included
  std::optional<TimePoint> next_attempt_at;                  // set when the message waits again
  std::vector<core::Event> events;                           // appended in this order
  bool captured = false;                                     // also add the message to the sandbox
  // Set on a hard bounce: the recipient joins the account's suppression list, for this reason, with
  // source "bounce" (an address already on it keeps its first entry).
  std::optional<std::string> suppress_reason;
};

// What an asynchronous report received by the inbound listener (a DSN, a complaint) does to one
// message, written in one commit.
struct ReportRecord {
  std::string message_id;
  core::Event event;  // `bounced` or `complained`, appended to the message's timeline
  // A hard bounce: the message's status becomes `bounced`, unless delivery still has it (queued or
  // deferred: its own attempts decide), or it was cancelled or suppressed.
  bool hard_bounce = false;
  // Set: the message's recipient joins the account's suppression list with this reason and source
  // ("bounce", "complaint"); an address already on it keeps its first entry.
  std::optional<std::string> suppress_reason;
  std::string suppress_source;
};

// A page of an account's suppression list, newest first.
struct SuppressionQuery {
  std::string account_id;
  std::optional<std::string> address;  // only this address (any case)
  std::string cursor;                  // the previous page's next_cursor
  int limit = 50;                      // 1..1000
};

struct SuppressionPage {
  std::vector<core::Suppression> suppressions;  // newest first
  std::string next_cursor;                      // empty on the last page
};

// The suppression list for an export (GET /v1/exports/suppressions), newest first, each entry with
// the event that put it there.
struct SuppressionExportQuery {
  std::string account_id;
  std::vector<std::string> sources;       // only entries of these sources ("bounce", …); empty: every one
  std::optional<std::string> reason;      // only entries with exactly this reason
  std::optional<TimePoint> created_from;  // created at or after
  std::optional<TimePoint> created_to;    // created before
  std::string cursor;                     // the previous page's next_cursor
  int limit = 1000;                       // 1..1000
};

struct SuppressionExportRow {
  core::Suppression suppression;
  // The entry's message's first event of its kind, when the message still has it: `bounced` (a hard
  // one) for source "bounce", `complained` for "complaint"; none for a manual entry.
  std::optional<core::Event> cause;
};

struct SuppressionExportPage {
  std::vector<SuppressionExportRow> rows;  // newest first
  std::string next_cursor;                 // empty on the last page
};

// What a cancellation found.
struct CancelOutcome {
  bool cancelled = false;  // false: the message had already finished and was left as it was
  core::MessageStatus status = core::MessageStatus::kCancelled;  // its status after the write
};

// A message that is not finished, as the queue needs it at start-up.
struct PendingMessage {
  std::string id;
  TimePoint due;  // next_attempt_at
  int attempts = 0;
  TimePoint created_at;
  std::string rcpt_to;  // the envelope recipient: MX delivery routes by its domain
  std::string pool;     // the IP pool it leaves through
};

// What delivery needs to make an attempt.
struct DeliveryItem {
  core::MessageRecord record;
  std::string raw;
};

struct MessageQuery {
  std::string account_id;
  std::optional<std::string> recipient;  // exact envelope recipient (case-insensitive)
  std::optional<core::MessageStatus> status;
  std::optional<std::string> campaign;    // a campaign's key; "" for messages sent without one
  std::optional<TimePoint> created_from;  // created at or after
  std::optional<TimePoint> created_to;    // created before
  std::string cursor;  // return messages older than this id (the previous page's next_cursor)
  int limit = 50;      // 1..1000
};

struct MessagePage {
  std::vector<core::MessageRecord> messages;  // newest first
  std::string next_cursor;                    // empty on the last page
};

struct SandboxEntry {
  core::MessageRecord record;
  TimePoint captured_at;
};

struct SandboxPage {
  std::vector<SandboxEntry> entries;  // newest first
  std::string next_cursor;
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- Writes (durable before `done`) ----

  // AlreadyExists if the account id or the key's hash is taken.
  virtual void CreateAccount(core::Account account, core::ApiKey first_key, StatusCallback done) = 0;
  // Sets the account's IP pool. NotFound if the account does not exist.
  virtual void SetAccountPool(std::string account_id, std::string pool, StatusCallback done) = 0;
  // NotFound if the key's account does not exist.
  virtual void CreateApiKey(core::ApiKey key, StatusCallback done) = 0;
  // Sets revoked_at. NotFound if no unrevoked key `key_id` belongs to `account_id`.
  virtual void RevokeApiKey(std::string account_id, std::string key_id, TimePoint at, StatusCallback done) = 0;
  // Stores the message, its MIME bytes and its queued event. With an idempotency key that this
  // account used at or after `idempotency_since`, writes nothing and answers the earlier message.
  virtual void InsertMessage(NewMessage message, TimePoint idempotency_since,
                             ResultCallback<InsertOutcome> done) = 0;
  // Stores every record of the group, the MIME bytes once, and a `queued` event per record (or
  // `suppressed`, see NewMessage), all or none, and answers each record's status in order: kQueued or
  // kSuppressed. AlreadyExists if one record's id is taken, NotFound if the account does not exist,
  // InvalidArgument for an empty group or records of different accounts. Idempotency keys are not
  // looked at.
  virtual void InsertMessageGroup(NewMessageGroup group, ResultCallback<std::vector<core::MessageStatus>> done) = 0;
  // Appends an event that changes nothing else (opened, clicked) to the message's timeline. NotFound
  // if the message does not exist. Not tenant-scoped: the caller proved the message (a signed token).
  virtual void RecordEngagement(std::string message_id, core::Event event, StatusCallback done) = 0;
  // Records a delivery attempt's outcome. NotFound if the message does not exist.
  virtual void RecordAttempt(AttemptRecord attempt, StatusCallback done) = 0;
  // Records what a report says about a message (see ReportRecord). NotFound if the message does not
  // exist. Not tenant-scoped: the caller found the message by a token only Herald and its recipient's
  // servers know (FindReportedMessage).
  virtual void RecordReport(ReportRecord report, StatusCallback done) = 0;
  // For delivery only (not tenant-scoped; the caller checked the account): if the message is queued
  // or deferred, makes it `cancelled` (no next attempt) and appends `event`, in one commit; a message
  // already finished is left as it is, and the outcome says its status. NotFound if it does not exist.
  virtual void CancelMessage(std::string message_id, core::Event event, ResultCallback<CancelOutcome> done) = 0;

  // The suppression list (DESIGN §1). Add: `suppression.address` lowercased; AlreadyExists when the
  // address is on the account's list already (the stored entry stays as it was), NotFound when the
  // account does not exist.
  virtual void AddSuppression(core::Suppression suppression, StatusCallback done) = 0;
  // NotFound unless `address` (any case) is on the account's list.
  virtual void DeleteSuppression(std::string account_id, std::string address, StatusCallback done) = 0;

  // AlreadyExists if the id or username is taken; NotFound if the account does not exist;
  // InvalidArgument if a trusted network is not canonical CIDR text; FailedPrecondition if one of its
  // trusted networks overlaps a trusted network of another connection (a client address must name
  // one connection), checked in the same commit as the write, the message naming both networks (and
  // the other connection only when it is the same account's). The message may be shown to the caller.
  virtual void CreateSmtpConnection(core::SmtpConnection connection, StatusCallback done) = 0;
  // Replaces every field but id, account_id, username, created_at and last_used_at; an empty
  // password_hash keeps the stored one, so a settings change never undoes a concurrent password
  // rotation. NotFound unless the connection is `connection.account_id`'s; InvalidArgument and
  // FailedPrecondition as for Create.
  virtual void UpdateSmtpConnection(core::SmtpConnection connection, StatusCallback done) = 0;
  // NotFound unless the connection is this account's.
  virtual void DeleteSmtpConnection(std::string account_id, std::string connection_id, StatusCallback done) = 0;
  // Sets last_used_at (never moves it back). NotFound if the connection is gone.
  virtual void TouchSmtpConnection(std::string connection_id, TimePoint at, StatusCallback done) = 0;

  // Sending domains. Create: AlreadyExists if a domain of that name is registered by any account (or
  // the id is taken), NotFound if the account does not exist; stored with revision 1.
  virtual void CreateDomain(core::SendingDomain domain, StatusCallback done) = 0;
  // Replaces the pool, status, records, keys, warnings, verified_at and checked_at of the account's
  // domain `domain.name` and appends `events`, in one commit, if its stored revision is still
  // `domain.revision` (then revision + 1): FailedPrecondition when it changed meanwhile, NotFound
  // when it is not the account's.
  virtual void UpdateDomain(core::SendingDomain domain, std::vector<core::AccountEvent> events,
                            StatusCallback done) = 0;
  // NotFound unless the domain is this account's. Its events stay.
  virtual void DeleteDomain(std::string account_id, std::string name, StatusCallback done) = 0;

  // Profile tables: AlreadyExists when the account has a table of that name.
  virtual void CreateProfileTable(core::ProfileTable table, StatusCallback done) = 0;
  // Upsert (see ProfileWrite). Errors: AlreadyExists when a unique attribute's new value belongs to
  // another profile of the table (the message names the attribute), InvalidArgument from the merge
  // (an unknown attribute, a required one left empty), NotFound when the table is gone. Nothing is
  // written on error.
  virtual void UpsertProfile(ProfileWrite write, ResultCallback<ProfileWriteOutcome> done) = 0;
  // Erasure: removes the profile and its indexed values, and empties the metadata of the messages
  // sent to it (its personal data); their events and statuses stay. Its rows in interaction tables
  // are removed with their events. NotFound unless it is in the table.
  virtual void DeleteProfile(std::string table_id, std::string profile_id, StatusCallback done) = 0;

  // Campaigns. Create: AlreadyExists when the account has a campaign with that key; stored as
  // version 1, whatever `campaign.version` says.
  virtual void CreateCampaign(core::Campaign campaign, StatusCallback done) = 0;
  // Replaces the name, status, profile table and content of the account's campaign `campaign.key`.
  // Content that differs from the current version's is stored as a new version (the current + 1);
  // the answer is the campaign as stored. NotFound unless it is the account's.
  virtual void UpdateCampaign(core::Campaign campaign, ResultCallback<core::Campaign> done) = 0;
  // Removes the campaign and its versions (messages keep its key and version number). NotFound.
  virtual void DeleteCampaign(std::string account_id, std::string key, StatusCallback done) = 0;

  // Interaction tables. Create: AlreadyExists when the account has one of that name, NotFound when
  // the linked profile table is gone.
  virtual void CreateInteractionTable(core::InteractionTable table, StatusCallback done) = 0;
  // Errors, each leaving everything as it was: NotFound "profile: …" when the linked profile table has
  // no such profile, NotFound "table: …" when the table is gone, AlreadyExists "<key column>: …" when
  // the key column's value belongs to another row of the table, InvalidArgument "<column>: …" from
  // the merge (an unknown column, a required one without a value).
  virtual void CreateRow(NewRow row, ResultCallback<RowWriteOutcome> done) = 0;
  // As CreateRow, and NotFound "row: …" unless the row is in the table.
  virtual void UpdateRow(RowChange change, ResultCallback<RowWriteOutcome> done) = 0;
  // Removes the row and its events; no event tells of it (the feed tells of rows that exist, as after
  // an erasure). NotFound "row: …" unless the row is in the table.
  virtual void DeleteRow(std::string table_id, std::string row_id, StatusCallback done) = 0;
  // Removes the account's table of that name with its rows and their events. NotFound when it has none.
  virtual void DeleteInteractionTable(std::string account_id, std::string name, StatusCallback done) = 0;

  // Webhooks (storage/webhook_records.h). Create: the webhook's cursor becomes the newest event's id
  // in the same commit, whatever `webhook.cursor` says, so it is told of later events only.
  // AlreadyExists if the id is taken, NotFound if the account does not exist.
  virtual void CreateWebhook(core::Webhook webhook, StatusCallback done) = 0;
  // Replaces the url, events, sealed secret, enabled and updated_at of the account's webhook
  // `webhook.id`. Enabling a disabled webhook clears failing_since and disabled_at and gives each of
  // its waiting deliveries a fresh start (first attempt unset, due at updated_at); disabling sets
  // disabled_at. NotFound unless it is the account's.
  virtual void UpdateWebhook(core::Webhook webhook, StatusCallback done) = 0;
  // Removes the webhook, its waiting deliveries and its delivery log; its account events stay.
  // NotFound unless it is the account's.
  virtual void DeleteWebhook(std::string account_id, std::string webhook_id, StatusCallback done) = 0;
  // For the webhook dispatcher (not tenant-scoped). Moves the cursor and queues the deliveries, in one
  // commit, if the webhook is enabled and its cursor is still `from`: FailedPrecondition otherwise
  // (it was disabled or moved meanwhile), NotFound when it is gone.
  virtual void QueueWebhookDeliveries(WebhookFanOut fan_out, StatusCallback done) = 0;
  // Logs each attempt, in order, and applies it to its delivery (delivered and gave_up remove it,
  // retrying sets its attempts and due time) and to its webhook's failing_since (cleared by a
  // delivery, set by a failure if unset), all in one commit. Attempts of a webhook deleted meanwhile
  // are skipped.
  virtual void RecordWebhookAttempts(std::vector<WebhookAttempt> attempts, StatusCallback done) = 0;
  // Disables the webhook and appends `event`, in one commit, if it is enabled and has been failing
  // since `failing_since` (not changed meanwhile): FailedPrecondition otherwise, NotFound when gone.
  virtual void DisableWebhook(std::string webhook_id, TimePoint failing_since, core::AccountEvent event,
                              StatusCallback done) = 0;
  // Deletes at most `limit` of the oldest delivery log rows, those older than `before`; answers how
  // many went.
  virtual void PruneWebhookAttempts(TimePoint before, int limit, ResultCallback<int> done) = 0;

  // ---- Reads (synchronous) ----

  virtual Result<core::ApiKey> FindApiKeyByHash(std::string_view key_hash) = 0;
  virtual Result<std::vector<core::ApiKey>> ListApiKeys(std::string_view account_id) = 0;
  virtual Result<core::Account> GetAccount(std::string_view account_id) = 0;
  // The account's suppression of `address` (any case). NotFound when there is none.
  virtual Result<core::Suppression> GetSuppression(std::string_view account_id, std::string_view address) = 0;
  // The suppression of the message's recipient in the message's account, if the address is on the
  // list now (delivery asks before each attempt). NotFound for an unknown message.
  virtual Result<std::optional<core::Suppression>> FindRecipientSuppression(std::string_view message_id) = 0;
  // InvalidArgument for a limit out of range or a malformed cursor.
  virtual Result<SuppressionPage> ListSuppressions(const SuppressionQuery& query) = 0;
  // Pages in ListSuppressions' order, with its cursors. InvalidArgument for a limit out of range, a
  // malformed cursor, or more than 8 sources.
  virtual Result<SuppressionExportPage> ExportSuppressions(const SuppressionExportQuery& query) = 0;
  // The account made by `herald init` (the oldest operator account); NotFound before init.
  virtual Result<core::Account> GetOperatorAccount() = 0;
  virtual Result<core::MessageRecord> GetMessage(std::string_view account_id, std::string_view message_id) = 0;
  // Oldest first.
  virtual Result<std::vector<core::Event>> GetEvents(std::string_view account_id,
                                                     std::string_view message_id) = 0;
  virtual Result<MessagePage> SearchMessages(const MessageQuery& query) = 0;
  // A captured message with its MIME bytes; NotFound unless it is this account's and in the sandbox.
  virtual Result<DeliveryItem> GetSandboxMessage(std::string_view account_id, std::string_view message_id) = 0;
  virtual Result<SandboxPage> ListSandbox(std::string_view account_id, std::string_view cursor, int limit) = 0;

  virtual Result<core::SmtpConnection> GetSmtpConnection(std::string_view account_id,
                                                         std::string_view connection_id) = 0;
  // Oldest first; empty for an account without connections (or an unknown one).
  virtual Result<std::vector<core::SmtpConnection>> ListSmtpConnections(std::string_view account_id) = 0;

  // For the SMTP relay only (not tenant-scoped): the connection a client authenticates as (NotFound
  // for an unknown username), and every connection that names trusted networks, oldest first.
  // Disabled connections are returned too: the relay checks `enabled`.
  virtual Result<core::SmtpConnection> FindSmtpConnectionByUsername(std::string_view username) = 0;
  virtual Result<std::vector<core::SmtpConnection>> ListTrustedSmtpConnections() = 0;

  virtual Result<core::SendingDomain> GetDomain(std::string_view account_id, std::string_view name) = 0;
  // By name; empty for an account without domains.
  virtual Result<std::vector<core::SendingDomain>> ListDomains(std::string_view account_id) = 0;
  // Not tenant-scoped, for the sending gate and the periodic re-check: every account's domains, by name.
  virtual Result<std::vector<core::SendingDomain>> ListAllDomains() = 0;
  // The account's statistics for the query's days (counters moved by each event as it was stored).
  virtual Result<core::StatsReport> GetStats(const core::StatsQuery& query) = 0;
  // The account's events about `subject` (a domain name), newest first, at most `limit`.
  virtual Result<std::vector<core::AccountEvent>> ListAccountEvents(std::string_view account_id,
                                                                    std::string_view subject, int limit) = 0;

  virtual Result<core::ProfileTable> GetProfileTable(std::string_view account_id, std::string_view name) = 0;
  // By name.
  virtual Result<std::vector<core::ProfileTable>> ListProfileTables(std::string_view account_id) = 0;
  // The profile of the table whose `attribute` is `value` (core::IndexText); NotFound when none. For
  // an attribute that is not unique, the oldest such profile.
  virtual Result<core::Profile> FindProfile(std::string_view table_id, std::string_view attribute,
                                            std::string_view value) = 0;
  // The profiles whose `attribute` is `value`, oldest first, after `cursor` (a profile id).
  virtual Result<ProfilePage> SearchProfiles(std::string_view table_id, std::string_view attribute,
                                             std::string_view value, std::string_view cursor, int limit) = 0;

  virtual Result<core::Campaign> GetCampaign(std::string_view account_id, std::string_view key) = 0;
  // By key.
  virtual Result<std::vector<core::Campaign>> ListCampaigns(std::string_view account_id) = 0;
  // The content of one version of a campaign (by the campaign's id). NotFound when there is no such version.
  virtual Result<core::CampaignContent> GetCampaignVersion(std::string_view campaign_id, int version) = 0;

  virtual Result<core::InteractionTable> GetInteractionTable(std::string_view account_id, std::string_view name) = 0;
  // By name.
  virtual Result<std::vector<core::InteractionTable>> ListInteractionTables(std::string_view account_id) = 0;
  // NotFound unless the row is in the table.
  virtual Result<core::Row> GetRow(std::string_view table_id, std::string_view row_id) = 0;
  // The row whose key column has the value `key` (core::IndexText); NotFound when none.
  virtual Result<core::Row> FindRowByKey(std::string_view table_id, std::string_view key) = 0;
  // The table's rows of `profile_id` (every row when it is empty), oldest first, after `cursor` (a row id).
  virtual Result<RowPage> ListRows(std::string_view table_id, std::string_view profile_id, std::string_view cursor,
                                   int limit) = 0;
  // The table's change feed: its events with an id above `after_id` (0: from the first), oldest
  // first, at most `limit`.
  virtual Result<RowEventPage> ListRowEvents(std::string_view table_id, int64_t after_id, int limit) = 0;
  // For the inbound listener only (not tenant-scoped): the message `message_id` names, as a report
  // names it (VERP token, returned Message-ID). A submission over the SMTP relay stores one message
  // per recipient under the first one's Message-ID: when `recipient` (any case; empty: any) is not
  // `message_id`'s recipient but one of its siblings', that sibling. NotFound when there is no such message.
  virtual Result<core::MessageRecord> FindReportedMessage(std::string_view message_id, std::string_view recipient) = 0;

  virtual Result<core::Webhook> GetWebhook(std::string_view account_id, std::string_view webhook_id) = 0;
  // Oldest first.
  virtual Result<std::vector<core::Webhook>> ListWebhooks(std::string_view account_id) = 0;
  // The account's webhook delivery log, newest first, older than `cursor` (the previous page's
  // next_cursor; "" = from the newest). NotFound unless the webhook is the account's.
  virtual Result<WebhookAttemptPage> ListWebhookAttempts(std::string_view account_id, std::string_view webhook_id,
                                                         std::string_view cursor, int limit) = 0;

  // For the webhook dispatcher only (not tenant-scoped).
  // Every account's webhooks, enabled or not, oldest first.
  virtual Result<std::vector<core::Webhook>> ListAllWebhooks() = 0;
  // The id of the newest event (0 when there is none).
  virtual Result<int64_t> LastEventId() = 0;
  // The accounts that have events with ids in (after_id, up_to_id].
  virtual Result<std::vector<std::string>> AccountsWithEvents(int64_t after_id, int64_t up_to_id) = 0;
  // The account's events with ids after `after_id`, oldest first, at most `limit`.
  virtual Result<std::vector<WebhookEvent>> ListEventsAfter(std::string_view account_id, int64_t after_id,
                                                            int limit) = 0;
  // The webhook's waiting deliveries with event ids after `after_event_id`, by event id, at most `limit`.
  virtual Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(std::string_view webhook_id,
                                                                     int64_t after_event_id, int limit) = 0;

  // For delivery and recovery only (not tenant-scoped).
  virtual Result<DeliveryItem> LoadForDelivery(std::string_view message_id) = 0;
  // Messages with status queued or deferred, ordered by id, after `after_id` ("" = from the start).
  virtual Result<std::vector<PendingMessage>> ListUnfinished(std::string_view after_id, int limit) = 0;

  // Ok if the backend answers a trivial query (for /readyz).
  virtual Status Ping() = 0;
};

}  // namespace herald::storage
