// Helpers shared by the SQLite backend's tests: a temporary directory per test, and a database as an
// older Herald left it.
//
// Thread-safety: test-only; one object per test.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstddef>
#include <filesystem>
#include <string>

#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

// A new empty directory, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "herald-sqlite-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Writes the database at `path` as an older Herald left it: the first `version` schema migrations, then
// `rows` (SQL). Call it inside ASSERT_NO_FATAL_FAILURE.
inline void WriteOlderDatabase(const std::string& path, size_t version, const std::string& rows) {
  auto db = Connection::Open(path, Connection::Mode::kReadWrite);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(Migrate(**db, SchemaMigrations().first(version)).ok());
  ASSERT_EQ(*SchemaVersion(**db), static_cast<int>(version));
  const Status written = (*db)->Exec(rows);
  ASSERT_TRUE(written.ok()) << written.ToString();
}

}  // namespace herald::storage::sqlite
