// Connection and Statement: a small RAII layer over sqlite3 that turns its error codes into Status.
//
// A Connection caches its prepared statements (keyed by SQL text), so each query is compiled once per
// connection. A Statement is a short-lived handle on a cached statement: it binds, steps, reads columns
// and, when it goes out of scope, resets the statement, which ends the implicit read transaction so
// the next query sees the latest commit. Because the statement is shared, the same SQL must not be held
// by two Statements at once, and a Statement must not outlive its Connection.
//
// Thread-safety: a Connection (and every Statement taken from it) must be used by one thread at a time;
// connections are opened without SQLite's own mutex. Untrusted input: values are always bound, never
// spliced into SQL text.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace herald::storage::sqlite {

// Maps an SQLite result code to a Status: constraint violations to AlreadyExists (unique, primary key),
// NotFound (foreign key) or InvalidArgument; damaged files to Corruption; everything the environment
// causes (I/O, full disk, locks) to IoError. `what` says what was being done.
Status StatusFromSqlite(int rc, std::string_view what, std::string_view detail = {});

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based. Text and blobs are copied unless said otherwise.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::nullptr_t);
  Statement& Bind(int index, const std::optional<int64_t>& value);
  // The bytes must stay alive and unchanged until this Statement is destroyed (no copy: bodies are big).
  Statement& BindBlobNoCopy(int index, std::string_view bytes);

  // Advances: true when a row is ready, false when the statement is done.
  Result<bool> Step();
  // Runs a statement that returns no rows (or ignores them) to completion.
  Status Run();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  // Valid until the next Step or the end of this Statement.
  std::string_view Text(int column) const;
  std::string_view Blob(int column) const;

 private:
  friend class Connection;
  Statement(sqlite3_stmt* stmt, std::string_view sql) : stmt_(stmt), sql_(sql) {}
  void NoteBind(int rc);

  sqlite3_stmt* stmt_;
  std::string_view sql_;  // for error messages; owned by the connection's cache
  int bind_error_ = 0;    // the first failed bind, reported by Step
};

class Connection {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (and, read-write, creates) the database at `path` and applies the pragmas Herald relies on:
  // WAL, synchronous=FULL, foreign keys, a busy timeout. It goes through the coalescing VFS
  // (coalescing_vfs.h), which writes a commit's WAL frames about 16 at a time.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, Mode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows ("BEGIN", a migration script).
  Status Exec(std::string_view sql);
  // A cached prepared statement for `sql`, which must be a single statement.
  Result<Statement> Prepare(std::string_view sql);

  // False when there is no open transaction (also after SQLite rolled one back on its own).
  bool InTransaction() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t Changes() const;

  // Turns off SQLite's automatic checkpoint, which would copy the WAL into the database inside a
  // committing thread, and calls `committed` after each commit instead, with the frames the WAL holds.
  // `committed` runs on the committing thread and must be quick.
  void OnCommit(std::function<void(int wal_frames)> committed);

  // Copies the WAL back into the database as far as readers allow, never waiting for the writer
  // (SQLite's passive checkpoint). The frames the WAL held and the frames now copied; or, when another
  // connection's checkpoint is under way (the checkpointer's and the writer's can meet), nothing done
  // and `busy` set: that one does the copying, so it is no error.
  struct CheckpointResult {
    int wal_frames = 0;
    int copied_frames = 0;
    bool busy = false;
  };
  Result<CheckpointResult> Checkpoint();
  const std::string& path() const { return path_; }

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Configure(Mode mode);
  Status Error(int rc, std::string_view what) const;

  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
  std::function<void(int)> committed_;  // see OnCommit
};

}  // namespace herald::storage::sqlite
