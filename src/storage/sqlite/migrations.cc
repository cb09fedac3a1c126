#include "storage/sqlite/migrations.h"

#include <array>
#include <string>

#include "base/log.h"

namespace herald::storage::sqlite {
namespace {

// Times are Unix milliseconds. Ids are time-sortable text, so "newest first" is "id DESC" and a page's
// cursor is its last id. JSON columns hold compact JSON text.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE accounts (
  id          TEXT NOT NULL PRIMARY KEY,
  name        TEXT NOT NULL,
  is_operator INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id         TEXT NOT NULL PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  name       TEXT NOT NULL,
  scope      TEXT NOT NULL CHECK (scope IN ('admin', 'send')),
  key_hash   TEXT NOT NULL UNIQUE,
  prefix     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX api_keys_by_account ON api_keys(account_id, id);

CREATE TABLE messages (
  id              TEXT NOT NULL PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  status          TEXT NOT NULL,
  campaign        TEXT NOT NULL,
  mail_from       TEXT NOT NULL,
  rcpt_to         TEXT NOT NULL,
  from_header     TEXT NOT NULL,
  to_header       TEXT NOT NULL,
  subject         TEXT NOT NULL,
  tags            TEXT NOT NULL,   -- JSON array of strings
  metadata        TEXT NOT NULL,   -- JSON object
  idempotency_key TEXT NOT NULL,   -- '' when none was given
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at INTEGER,
  smtputf8        INTEGER NOT NULL,
  captured_at     INTEGER          -- set when capture delivery put the message in the sandbox
) WITHOUT ROWID;  -- rows are small and always found by id: one B-tree, not a table plus its key index
-- The delivery queue's start-up scan reads only unfinished messages, a small part of the table.
CREATE INDEX messages_unfinished ON messages(id) WHERE status IN ('queued', 'deferred');
CREATE INDEX messages_by_account ON messages(account_id, id);
-- lower() folds ASCII only, like the search key the store computes.
CREATE INDEX messages_by_recipient ON messages(account_id, lower(rcpt_to), id);
CREATE INDEX messages_by_status ON messages(account_id, status, id);
CREATE INDEX messages_captured ON messages(account_id, id) WHERE captured_at IS NOT NULL;

CREATE TABLE message_bodies (
  message_id TEXT NOT NULL PRIMARY KEY REFERENCES messages(id),
  raw        BLOB NOT NULL
);

CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages(id),
  account_id TEXT NOT NULL,
  type       TEXT NOT NULL,
  at         INTEGER NOT NULL,
  details    TEXT NOT NULL   -- JSON object
);
CREATE INDEX events_by_message ON events(message_id, id);

CREATE TABLE idempotency_keys (
  account_id TEXT NOT NULL,
  key        TEXT NOT NULL,
  message_id TEXT NOT NULL REFERENCES messages(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
)sql";

// SMTP connections, and one stored body for the messages of one SMTP submission (one per recipient).
// A group's first message owns the body (message_bodies keeps its foreign key to messages); the others
// name it in body_id. NULL body_id, as for every message of the API, means the message's own id, so
// the single-message insert writes exactly what it wrote before. Adding a NULL column rewrites nothing.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE smtp_connections (
  id               TEXT NOT NULL PRIMARY KEY,
  account_id       TEXT NOT NULL REFERENCES accounts(id),
  name             TEXT NOT NULL,
  username         TEXT NOT NULL UNIQUE,
  password_hash    TEXT NOT NULL,
  domains          TEXT NOT NULL,   -- JSON array of lowercase domains
  list_help_url    TEXT NOT NULL,   -- '' when none
  trusted_networks TEXT NOT NULL,   -- JSON array of canonical CIDR text; '[]' when none
  require_tls      INTEGER NOT NULL,
  enabled          INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  last_used_at     INTEGER
);
CREATE INDEX smtp_connections_by_account ON smtp_connections(account_id, id);
-- The relay and the overlap check read only the connections that trust networks.
CREATE INDEX smtp_connections_trusted ON smtp_connections(id) WHERE trusted_networks <> '[]';

ALTER TABLE messages ADD COLUMN body_id TEXT;  -- the message whose body this one shares; NULL: its own
)sql";

// IP pools (an account's, and the one each message leaves through, fixed when it is accepted), and
// the suppression list's table, which hard bounces fill from now on. The added columns have
// constant defaults: nothing is rewritten.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE accounts ADD COLUMN pool TEXT NOT NULL DEFAULT 'transactional';
ALTER TABLE messages ADD COLUMN pool TEXT NOT NULL DEFAULT 'transactional';

CREATE TABLE suppressions (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  address    TEXT NOT NULL,   -- the addr-spec, lowercased
  reason     TEXT NOT NULL,   -- e.g. 'user_unknown'
  source     TEXT NOT NULL,   -- 'hard_bounce', later 'complaint', 'manual'
  message_id TEXT,            -- the message that caused it, when one did
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, address)
) WITHOUT ROWID;
)sql";

// Sending domains (their records, keys and warnings as JSON: always read and written whole), and the
// events of an account's resources that are not messages (a domain verified, its DNS broken).
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE domains (
  id          TEXT NOT NULL PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  name        TEXT NOT NULL UNIQUE,   -- registered once, by one account
  purpose     TEXT NOT NULL CHECK (purpose IN ('transactional', 'marketing')),
  pool        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('pending', 'verified')),
  records     TEXT NOT NULL,   -- JSON array of {purpose, type, name, value, selector, status, found, checked_at}
  keys        TEXT NOT NULL,   -- JSON array of {selector, algorithm, public_key, sealed_private_key, state, created_at}
  warnings    TEXT NOT NULL,   -- JSON array of strings
  created_at  INTEGER NOT NULL,
  verified_at INTEGER,
  checked_at  INTEGER,
  revision    INTEGER NOT NULL
);
CREATE INDEX domains_by_account ON domains(account_id, name);

CREATE TABLE account_events (
  id         INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  type       TEXT NOT NULL,
  subject    TEXT NOT NULL,
  at         INTEGER NOT NULL,
  details    TEXT NOT NULL   -- JSON object
);
CREATE INDEX account_events_by_subject ON account_events(account_id, subject, id);
)sql";

// Profile tables and profiles. Every attribute value of every profile is also a row of
// profile_values (its core::IndexText), so that lookups and uniqueness checks by any attribute use an
// index; the profile's own row keeps the attributes as one JSON object. Messages remember their
// profile, so that an erasure can reach them.
constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE profile_tables (
  id          TEXT NOT NULL PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('transactional', 'custom')),
  key         TEXT NOT NULL,   -- custom: the key attribute; transactional: ''
  attributes  TEXT NOT NULL,   -- JSON array of {name, type, unique, required, values}
  created_at  INTEGER NOT NULL,
  UNIQUE (account_id, name)
);

CREATE TABLE profiles (
  id          TEXT NOT NULL PRIMARY KEY,
  table_id    TEXT NOT NULL REFERENCES profile_tables(id),
  key         TEXT NOT NULL,   -- custom: the key attribute's value; transactional: the id
  attributes  TEXT NOT NULL,   -- JSON object of canonical values
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (table_id, key)
) WITHOUT ROWID;

CREATE TABLE profile_values (
  table_id   TEXT NOT NULL,
  attribute  TEXT NOT NULL,
  value      TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  PRIMARY KEY (table_id, attribute, value, profile_id)
) WITHOUT ROWID;
CREATE INDEX profile_values_by_profile ON profile_values(profile_id);

ALTER TABLE messages ADD COLUMN profile_id TEXT;  -- the recipient's profile; NULL for a message sent without one
CREATE INDEX messages_by_profile ON messages(profile_id) WHERE profile_id IS NOT NULL;
)sql";

// Campaigns and their versions: a version's content never changes once written; the campaign row
// names its current one. A message remembers the version it was rendered from.
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE campaigns (
  id            TEXT NOT NULL PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  key           TEXT NOT NULL,
  name          TEXT NOT NULL,
  channel       TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  type          TEXT NOT NULL CHECK (type IN ('transactional', 'scenario')),
  status        TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'archived')),
  profile_table TEXT NOT NULL,
  version       INTEGER NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (account_id, key)
);

-- A version's content in columns, not JSON: every trigger reads the current version, and its templates are
-- tens of kilobytes that would otherwise be parsed each time.
CREATE TABLE campaign_versions (
  campaign_id       TEXT NOT NULL REFERENCES campaigns(id),
  version           INTEGER NOT NULL,
  from_template     TEXT NOT NULL,
  reply_to          TEXT NOT NULL,
  subject           TEXT NOT NULL,
  html              TEXT NOT NULL,
  text              TEXT NOT NULL,
  track_opens       INTEGER NOT NULL,
  track_clicks      INTEGER NOT NULL,
  missing_variables TEXT NOT NULL CHECK (missing_variables IN ('strict', 'lenient')),
  created_at        INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, version)
) WITHOUT ROWID;

ALTER TABLE messages ADD COLUMN campaign_version INTEGER;  -- NULL for a message sent without a campaign
)sql";

// Statistics: counters per account, UTC day (days since 1970), campaign and sending domain, moved by
// each event in its own commit (storage/sqlite/stats.h), so that a query never reads the event log.
// Messages now keep their sending domain; for those stored before, it is read off the From: text, and
// the counters are filled from the events already stored.
constexpr const char* kSchemaV7 = R"sql(
ALTER TABLE messages ADD COLUMN sender_domain TEXT NOT NULL DEFAULT '';
UPDATE messages SET sender_domain = lower(rtrim(substr(from_header, instr(from_header, '@') + 1), '> '));

CREATE TABLE stats_daily (
  account_id     TEXT NOT NULL,
  day            INTEGER NOT NULL,
  campaign       TEXT NOT NULL,   -- '' for messages sent without a campaign
  domain         TEXT NOT NULL,   -- the sending domain
  sent           INTEGER NOT NULL DEFAULT 0,
  delivered      INTEGER NOT NULL DEFAULT 0,
  deferred       INTEGER NOT NULL DEFAULT 0,
  soft_bounced   INTEGER NOT NULL DEFAULT 0,
  hard_bounced   INTEGER NOT NULL DEFAULT 0,
  opened         INTEGER NOT NULL DEFAULT 0,
  unique_opened  INTEGER NOT NULL DEFAULT 0,
  clicked        INTEGER NOT NULL DEFAULT 0,
  unique_clicked INTEGER NOT NULL DEFAULT 0,
  complained     INTEGER NOT NULL DEFAULT 0,
  suppressed     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, day, campaign, domain)
) WITHOUT ROWID;

INSERT INTO stats_daily (account_id, day, campaign, domain, sent, delivered, deferred, soft_bounced,
                         hard_bounced, opened, unique_opened, clicked, unique_clicked, complained, suppressed)
SELECT m.account_id, e.at / 86400000, m.campaign, m.sender_domain,
       sum(e.type = 'sent'), sum(e.type = 'delivered'), sum(e.type = 'deferred'),
       sum(e.type = 'bounced' AND coalesce(json_extract(e.details, '$.bounce.type'), '') <> 'hard'),
       sum(e.type IN ('bounced', 'failed') AND json_extract(e.details, '$.bounce.type') IS 'hard'),
       sum(e.type = 'opened'),
       sum(e.type = 'opened' AND e.id = (SELECT min(f.id) FROM events f
                                         WHERE f.message_id = e.message_id AND f.type = 'opened')),
       sum(e.type = 'clicked'),
       sum(e.type = 'clicked' AND e.id = (SELECT min(f.id) FROM events f
                                          WHERE f.message_id = e.message_id AND f.type = 'clicked')),
       sum(e.type = 'complained'), sum(e.type = 'suppressed')
FROM events e JOIN messages m ON m.id = e.message_id
GROUP BY 1, 2, 3, 4;
)sql";

// Interaction tables, their rows and the rows' events. A row is found by id within its table, by its
// key column's value (its index text; NULL in a table without a key column, and NULLs are distinct),
// and listed by profile. Every write of a row appends its event in the same commit; a table's
// events are read in id order, which is their commit order (one writer) and time order.
constexpr const char* kSchemaV8 = R"sql(
CREATE TABLE interaction_tables (
  id               TEXT NOT NULL PRIMARY KEY,
  account_id       TEXT NOT NULL REFERENCES accounts(id),
  name             TEXT NOT NULL,
  profile_table_id TEXT NOT NULL REFERENCES profile_tables(id),
  key              TEXT NOT NULL,   -- the key column's name; '' when none
  columns          TEXT NOT NULL,   -- JSON array of {name, type, unique, required, values}
  created_at       INTEGER NOT NULL,
  UNIQUE (account_id, name)
);

CREATE TABLE interaction_rows (
  table_id    TEXT NOT NULL REFERENCES interaction_tables(id),
  id          TEXT NOT NULL,
  profile_id  TEXT NOT NULL,   -- a profile of the linked profile table
  key         TEXT,            -- the key column's core::IndexText; NULL without a key column
  values_json TEXT NOT NULL,   -- JSON object of canonical values
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (table_id, id),
  UNIQUE (table_id, key)
) WITHOUT ROWID;
-- A profile's rows of a table, oldest first; and all its rows, for an erasure.
CREATE INDEX interaction_rows_by_profile ON interaction_rows(profile_id, table_id, id);

CREATE TABLE row_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused, even after an erasure: feed cursors stay valid
  account_id TEXT NOT NULL,
  table_id   TEXT NOT NULL,
  row_id     TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  type       TEXT NOT NULL CHECK (type IN ('row.created', 'row.updated')),
  at         INTEGER NOT NULL,
  details    TEXT NOT NULL   -- JSON {"values": …} or {"changed": {column: {old, new}}}
);
CREATE INDEX row_events_by_table ON row_events(table_id, id);
CREATE INDEX row_events_by_profile ON row_events(profile_id);  -- erasure
CREATE INDEX row_events_by_row ON row_events(table_id, row_id);  -- a row's deletion
)sql";

// Asynchronous reports and the suppression API: entries written by synchronous hard bounces take the
// source name the other writers use ('bounce', beside 'complaint' and 'manual'); the list is read
// newest first; a report names an SMTP submission's message by its first recipient's id, so the
// others are found by the body they share.
constexpr const char* kSchemaV9 = R"sql(
UPDATE suppressions SET source = 'bounce' WHERE source = 'hard_bounce';
CREATE INDEX suppressions_by_time ON suppressions(account_id, created_at, address);
CREATE INDEX messages_by_body ON messages(body_id) WHERE body_id IS NOT NULL;
)sql";

// Webhooks: each with its cursor over the events (the last event id it has matched), the deliveries
// waiting to be made (removed once made or given up, so the table stays small), and the delivery log
// (one row per attempt, pruned by age). The dispatcher reads one account's new events at a time.
constexpr const char* kSchemaV10 = R"sql(
CREATE TABLE webhooks (
  id            TEXT NOT NULL PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  url           TEXT NOT NULL,
  events        TEXT NOT NULL,   -- JSON array of event type names, or ["*"]
  sealed_secret TEXT NOT NULL,   -- SecretBox-sealed signing secret
  enabled       INTEGER NOT NULL,
  failing_since INTEGER,         -- first failed attempt since the last delivery; NULL while delivering
  disabled_at   INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  cursor        INTEGER NOT NULL -- events.id of the last event looked at
);
CREATE INDEX webhooks_by_account ON webhooks(account_id, id);

CREATE TABLE webhook_deliveries (
  webhook_id       TEXT NOT NULL REFERENCES webhooks(id),
  event_id         INTEGER NOT NULL,
  message_id       TEXT NOT NULL,
  event_type       TEXT NOT NULL,
  payload          TEXT NOT NULL,   -- the JSON body
  attempts         INTEGER NOT NULL,
  first_attempt_at INTEGER,
  next_attempt_at  INTEGER NOT NULL,
  PRIMARY KEY (webhook_id, event_id)
) WITHOUT ROWID;

CREATE TABLE webhook_attempts (
  id          INTEGER PRIMARY KEY,
  webhook_id  TEXT NOT NULL,        -- deleted with its webhook
  event_id    INTEGER NOT NULL,
  event_type  TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  attempt     INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  http_status INTEGER,              -- NULL when no HTTP answer came
  error       TEXT NOT NULL,        -- '' when delivered
  outcome     TEXT NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'gave_up')),
  next_attempt_at INTEGER
);
CREATE INDEX webhook_attempts_by_webhook ON webhook_attempts(webhook_id, id);

CREATE INDEX IF NOT EXISTS events_by_account ON events(account_id, id);
)sql";

// Attachments kept once: the encoded bytes many messages of an account carry alike (a campaign's terms
// and conditions, its catalogue) are a row of body_parts, found by their SHA-256; a body that refers to
// parts lists them in `parts` as a JSON array of [offset, part id] pairs, each offset where the part's
// bytes go back into `raw`. NULL parts, as in every body written before, means raw is the whole message.
constexpr const char* kSchemaV11 = R"sql(
CREATE TABLE body_parts (
  id         INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  digest     BLOB NOT NULL,
  bytes      BLOB NOT NULL
);
CREATE UNIQUE INDEX body_parts_by_digest ON body_parts(account_id, digest);
ALTER TABLE message_bodies ADD COLUMN parts TEXT;
)sql";

// Compressed bodies (bodies.h): `compression` names how raw is stored — 'zstd', one zstd frame of the
// body without its shared parts — or is NULL, as in every body written before, for bytes kept as they are.
constexpr const char* kSchemaV12 = R"sql(
ALTER TABLE message_bodies ADD COLUMN compression TEXT;
)sql";

constexpr std::array<Migration, 12> kMigrations = {{
    {1, kSchemaV1},
    {2, kSchemaV2},
    {3, kSchemaV3},
    {4, kSchemaV4},
    {5, kSchemaV5},
    {6, kSchemaV6},
    {7, kSchemaV7},
    {8, kSchemaV8},
    {9, kSchemaV9},
    {10, kSchemaV10},
    {11, kSchemaV11},
    {12, kSchemaV12},
}};

Status CheckNumbering(std::span<const Migration> migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return Status::Internal("migrations must be numbered 1, 2, 3, … without gaps");
    }
  }
  return Status::Ok();
}

// Passes `status` on, first rolling back the open transaction if it is an error.
Status RollbackOnError(Connection& db, Status status) {
  if (!status.ok() && db.InTransaction()) (void)db.Exec("ROLLBACK");
  return status;
}

Status ApplyOne(Connection& db, const Migration& migration) {
  Status status = db.Exec(migration.sql);
  if (!status.ok()) {
    return Status(status.code(),
                  "schema migration " + std::to_string(migration.version) + " failed: " + status.message());
  }
  Result<Statement> record = db.Prepare(
      "INSERT INTO schema_version (version, applied_at) VALUES (?1, strftime('%s', 'now') * 1000)");
  if (!record.ok()) return record.status();
  record->Bind(1, static_cast<int64_t>(migration.version));
  return record->Run();
}

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

Result<int> SchemaVersion(Connection& db) {
  Result<Statement> exists =
      db.Prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'");
  if (!exists.ok()) return exists.status();
  Result<bool> row = exists->Step();
  if (!row.ok()) return row.status();
  if (!*row || exists->Int(0) == 0) return 0;

  Result<Statement> version = db.Prepare("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!version.ok()) return version.status();
  row = version->Step();
  if (!row.ok()) return row.status();
  return static_cast<int>(version->Int(0));
}

Status Migrate(Connection& db, std::span<const Migration> migrations) {
  HERALD_RETURN_IF_ERROR(CheckNumbering(migrations));
  const int latest = static_cast<int>(migrations.size());
  HERALD_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_version ("
              " version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)"));
  for (;;) {
    // IMMEDIATE: take the write lock before reading the version, so two processes cannot both apply
    // the same migration.
    HERALD_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Result<int> current = SchemaVersion(db);
    if (!current.ok()) return RollbackOnError(db, current.status());
    if (*current > latest) {
      return RollbackOnError(
          db, Status::FailedPrecondition("database " + db.path() + " has schema version " +
                                         std::to_string(*current) + " but this herald knows only up to " +
                                         std::to_string(latest) + "; run a newer herald"));
    }
    if (*current == latest) return RollbackOnError(db, db.Exec("COMMIT"));
    HERALD_RETURN_IF_ERROR(RollbackOnError(db, ApplyOne(db, migrations[*current])));
    HERALD_RETURN_IF_ERROR(RollbackOnError(db, db.Exec("COMMIT")));
    Logger("storage")->info("{}: applied schema migration {}", db.path(), *current + 1);
  }
}

}  // namespace herald::storage::sqlite
