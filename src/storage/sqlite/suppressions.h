// The SQL of the suppression list (table suppressions) and of what reports do to messages.
//
// An address is kept lowercased (ASCII, as SQLite's lower() folds), once per account: the first
// entry wins, later hard bounces and complaints leave it as it is. Pages run newest first, by
// (created_at, address); a cursor is "<created_at>.<hex of the address>", opaque to callers. The
// export reads the same pages, each entry with the event that caused it.
// Writes run on the writer thread inside its transaction (write_ops.h); reads on pooled read
// connections (reads.h).
//
// Thread-safety: as write_ops.h (writes) and reads.h (reads). Untrusted input: addresses, reasons and
// cursors are bound, never spliced; a malformed cursor is InvalidArgument.
#pragma once

#include <optional>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"
#include "core/suppression.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace herald::storage::sqlite {

// Adds the entry unless the address is on the account's list already; true when it was added.
Result<bool> SuppressSql(Connection& db, const core::Suppression& suppression);
// AlreadyExists when the address is on the list; NotFound when the account does not exist.
Status AddSuppressionSql(Connection& db, const core::Suppression& suppression);
Status DeleteSuppressionSql(Connection& db, std::string_view account_id, std::string_view address);
// `now` becomes the message's updated_at and the suppression's created_at.
Status RecordReportSql(Connection& db, const ReportRecord& report, TimePoint now);

// The account's entry for `address` (any case), if any: the same read inside a write transaction
// (InsertMessageSql) as on a read connection.
Result<std::optional<core::Suppression>> FindSuppressionSql(Connection& db, std::string_view account_id,
                                                            std::string_view address);
Result<core::Suppression> GetSuppressionSql(Connection& db, std::string_view account_id, std::string_view address);
Result<std::optional<core::Suppression>> FindRecipientSuppressionSql(Connection& db, std::string_view message_id);
Result<SuppressionPage> ListSuppressionsSql(Connection& db, const SuppressionQuery& query);
Result<SuppressionExportPage> ExportSuppressionsSql(Connection& db, const SuppressionExportQuery& query);
Result<core::MessageRecord> FindReportedMessageSql(Connection& db, std::string_view message_id,
                                                   std::string_view recipient);

}  // namespace herald::storage::sqlite
