// Message bodies: a message's MIME bytes in message_bodies, with the parts many messages of an account
// carry alike (store.h, SharedPart) kept once in body_parts and put back in their place when read, and
// the rest compressed (zstd) when that makes it smaller.
//
// Why: a campaign's attachment (its terms, its catalogue) is often the same file for every message.
// Kept once, a 100 KB attachment stops costing 137 KB of writes a message — twice, since SQLite writes
// a page to the WAL and again to the database. Parts are per account: the same bytes sent by two
// accounts are two rows, so no account can learn what another sends. A part under kMinSharedPartBytes
// stays in the body: a row of its own would cost more than it saves.
//
// Why compressed: a rendered HTML message is mostly markup and repeated text; zstd's fastest level takes
// a campaign's 37 KB to a few KB at gigabytes a second. Every byte not stored is a byte the one writer
// does not put in the WAL and the checkpointer does not copy again. PrepareBody runs on the caller's
// thread, so the compressing is shared among the HTTP threads rather than done by the writer.
//
// Thread-safety: as the Connection given; PrepareBody on any thread. Untrusted input: the bytes are
// stored as they are; a stored frame that does not decompress, or a parts list that does not fit its
// body, is reported as Corruption, never read out of bounds.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace herald::storage::sqlite {

inline constexpr size_t kMinSharedPartBytes = 4096;

// The `compression` column's value for a zstd frame; NULL means the bytes are stored as they are.
inline constexpr std::string_view kZstd = "zstd";

// A body ready to be stored: what message_bodies keeps, and the shared parts that go to body_parts.
struct StoredBody {
  // Its digest and bytes are views into the message and parts given to PrepareBody, which must outlive it.
  struct Part {
    size_t offset;  // where the part goes back into the uncompressed bytes
    std::string_view digest;
    std::string_view bytes;
  };
  std::string bytes;  // the message without its shared parts, compressed if `compressed`
  bool compressed = false;
  std::vector<Part> parts;
};

// Cuts the shared parts of `raw` (within it, in order, not overlapping) out and compresses the rest; any
// thread. InvalidArgument when the parts do not fit `raw`.
Result<StoredBody> PrepareBody(std::string_view message_id, std::string_view raw, std::span<const SharedPart> parts);

// Stores `body` as the body of `message_id`, each of its parts kept once for `account_id`.
Status InsertBodySql(Connection& db, std::string_view message_id, std::string_view account_id, const StoredBody& body);

// PrepareBody, then InsertBodySql.
Status InsertBodySql(Connection& db, std::string_view message_id, std::string_view account_id,
                     std::string_view raw, std::span<const SharedPart> parts = {});

// The whole message from a stored body: `stored` (a zstd frame if `compression` is kZstd, the bytes as
// they are if it is empty) with the parts its `parts` column names (NULL: none) put back. Corruption
// when the frame does not decompress, or the list is malformed or names a part that is missing.
Result<std::string> AssembleBodySql(Connection& db, std::string_view stored, std::optional<std::string_view> parts,
                                    std::string_view compression = {});

}  // namespace herald::storage::sqlite
