// Message bodies: a message's MIME bytes in message_bodies, with the parts many messages of an account
// carry alike (store.h, SharedPart) kept once in body_parts and put back in their place when read.
//
// Why: a campaign's attachment (its terms, its catalogue) is often the same file for every message.
// Kept once, a 100 KB attachment stops costing 137 KB of writes a message — twice, since SQLite writes
// a page to the WAL and again to the database. Parts are per account: the same bytes sent by two
// accounts are two rows, so no account can learn what another sends. A part under kMinSharedPartBytes
// stays in the body: a row of its own would cost more than it saves.
//
// Thread-safety: as the Connection given. Untrusted input: the bytes are stored as they are; a stored
// parts list that does not fit its body is reported as Corruption, never read out of bounds.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace herald::storage::sqlite {

inline constexpr size_t kMinSharedPartBytes = 4096;

// Stores `raw` as the body of `message_id`, each of `parts` (within raw, in order, not overlapping) kept
// once for `account_id`. InvalidArgument when the parts do not fit `raw`.
Status InsertBodySql(Connection& db, std::string_view message_id, std::string_view account_id,
                     std::string_view raw, std::span<const SharedPart> parts = {});

// The whole message from a stored body: `raw` with the parts its `parts` column names (NULL: none) put
// back. Corruption when the list is malformed or names a part that is missing.
Result<std::string> AssembleBodySql(Connection& db, std::string_view raw, std::optional<std::string_view> parts);

}  // namespace herald::storage::sqlite
