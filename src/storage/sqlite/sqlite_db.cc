#include "storage/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <cctype>
#include <mutex>
#include <string>
#include <utility>

#include "storage/sqlite/coalescing_vfs.h"

namespace herald::storage::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;

bool OnlySpace(const char* text) {
  for (; text != nullptr && *text != '\0'; ++text) {
    if (!std::isspace(static_cast<unsigned char>(*text))) return false;
  }
  return true;
}

}  // namespace

Status StatusFromSqlite(int rc, std::string_view what, std::string_view detail) {
  std::string message(what);
  message += ": ";
  message += sqlite3_errstr(rc);
  if (!detail.empty() && detail != sqlite3_errstr(rc)) {
    message += " (";
    message += detail;
    message += ")";
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists(std::move(message));
      }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) return Status::NotFound(std::move(message));
      return Status::InvalidArgument(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(message));
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
      return Status::IoError(std::move(message));
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return Status::InvalidArgument(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), sql_(other.sql_), bind_error_(other.bind_error_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

Statement& Statement::Bind(int index, std::string_view text) {
  NoteBind(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::nullptr_t) {
  NoteBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : Bind(index, nullptr);
}

Statement& Statement::BindBlobNoCopy(int index, std::string_view bytes) {
  // A zero-length blob with a null pointer would be bound as NULL; "" keeps it a blob.
  const void* data = bytes.empty() ? "" : bytes.data();
  NoteBind(sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_STATIC));
  return *this;
}

Result<bool> Statement::Step() {
  if (bind_error_ != 0) return StatusFromSqlite(bind_error_, "binding a parameter", sql_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StatusFromSqlite(rc, "running a statement", sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::string_view Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string_view Statement::Blob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  if (blob == nullptr) return {};
  return {static_cast<const char*>(blob), static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

// ---- Connection ----

namespace {

// SQLite keeps memory statistics, which no part of Herald reads, behind one process-wide mutex that every
// sqlite3_malloc and sqlite3_free takes: hundreds of times a message, from the writer, the checkpointer and
// the readers at once. Configuration must come before SQLite initialises, so this runs before the first
// connection opens; if something initialised SQLite earlier, sqlite3_config refuses and nothing changes.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, Mode mode) {
  if (sqlite3_threadsafe() == 0) return Status::Internal("sqlite was built without thread support");
  ConfigureSqliteOnce();
  // Each connection is used by one thread at a time (the writer, or a pooled reader), so SQLite's
  // own per-connection mutex is not needed.
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  flags |= mode == Mode::kReadWrite ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, CoalescingVfsName());
  if (rc != SQLITE_OK) {
    Status status = StatusFromSqlite(rc, "opening " + path, db != nullptr ? sqlite3_errmsg(db) : "");
    sqlite3_close(db);
    return status;
  }
  std::unique_ptr<Connection> connection(new Connection(db, path));
  sqlite3_extended_result_codes(db, 1);
  HERALD_RETURN_IF_ERROR(connection->Configure(mode));
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Connection::Configure(Mode mode) {
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  // 16 MiB of pages kept per connection instead of SQLite's 2 MiB: the indexes every message touches
  // (messages, events, profiles, counters) outgrow 2 MiB within minutes of sending, and each page
  // missed is a pread of the file.
  HERALD_RETURN_IF_ERROR(Exec("PRAGMA cache_size=-16384"));
  if (mode == Mode::kReadOnly) return Status::Ok();
  // journal_mode answers the mode in effect; anything but "wal" (e.g. a read-only directory) is refused
  // rather than silently running without the concurrency the store relies on.
  Result<Statement> journal = Prepare("PRAGMA journal_mode=WAL");
  if (!journal.ok()) return journal.status();
  Result<bool> row = journal->Step();
  if (!row.ok()) return row.status();
  if (!*row || journal->Text(0) != "wal") {
    return Status::IoError("opening " + path_ + ": the database cannot use WAL mode");
  }
  // temp_store=MEMORY: the writer's savepoint per operation keeps a sub-journal of the pages it
  // changes; in a temporary file that costs an open, writes and an unlink per group commit.
  return Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;");
}

Status Connection::Error(int rc, std::string_view what) const {
  return StatusFromSqlite(rc, what, sqlite3_errmsg(db_));
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "executing SQL on " + path_);
  return Status::Ok();
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &stmt, &tail);
    if (rc != SQLITE_OK) return Error(rc, "preparing a statement on " + path_);
    if (stmt == nullptr) return Status::Internal("preparing an empty statement");
    std::string rest(tail, sql.data() + sql.size() - tail);
    if (!OnlySpace(rest.c_str())) {
      sqlite3_finalize(stmt);
      return Status::Internal("Prepare takes a single statement");
    }
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return Statement(it->second, it->first);
}

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

void Connection::OnCommit(std::function<void(int wal_frames)> committed) {
  committed_ = std::move(committed);
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<Connection*>(self)->committed_(frames);
        return SQLITE_OK;
      },
      this);
}

Result<Connection::CheckpointResult> Connection::Checkpoint() {
  CheckpointResult result;
  const int rc =
      sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, &result.wal_frames, &result.copied_frames);
  if ((rc & 0xff) == SQLITE_BUSY) return CheckpointResult{.busy = true};
  if (rc != SQLITE_OK) return Error(rc, "checkpointing " + path_);
  return result;
}

}  // namespace herald::storage::sqlite
