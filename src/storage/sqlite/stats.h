// The statistics' counters (core/stats.h) in SQLite: one row of `stats_daily` per account, UTC day,
// campaign and sending domain, moved in the commit that appends each event.
//
// Thread-safety: CountEventSql runs on the writer thread, GetStatsSql on a reader's connection.
// Untrusted input: values are bound, never spliced (column names come from core::ToString).
#pragma once

#include <string_view>

#include "base/status.h"
#include "core/stats.h"
#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

// Moves the counters `event` moves for the message `message_id` (its account, campaign and sending
// domain). Call before the event is appended: a message's first open or click is found by looking for
// an earlier one.
Status CountEventSql(Connection& db, std::string_view message_id, const core::Event& event);

// Sums the counters the query selects; one group per day, campaign or domain when asked.
Result<core::StatsReport> GetStatsSql(Connection& db, const core::StatsQuery& query);

}  // namespace herald::storage::sqlite
