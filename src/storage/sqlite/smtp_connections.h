// The SQL of the SMTP connection writes and reads (table smtp_connections, schema migration 2).
//
// The writes run on the writer thread inside its transaction, like write_ops.h: Create and Update read
// every other connection's trusted networks and refuse an overlap (FailedPrecondition) in the same
// transaction as their INSERT or UPDATE, and since one thread makes every write, no other write can
// slip in between the check and the change. The reads run on pooled read connections, like reads.h;
// the account-scoped ones filter on the account id in SQL.
//
// Thread-safety: as write_ops.h (writes) and reads.h (reads). Untrusted input: values are bound, never
// spliced; trusted networks are parsed with core::IpNetwork before they are compared.
#pragma once

#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "core/smtp_connection.h"
#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

Status CreateSmtpConnectionSql(Connection& db, const core::SmtpConnection& connection);
Status UpdateSmtpConnectionSql(Connection& db, const core::SmtpConnection& connection);
Status DeleteSmtpConnectionSql(Connection& db, std::string_view account_id, std::string_view connection_id);
Status TouchSmtpConnectionSql(Connection& db, std::string_view connection_id, TimePoint at);

Result<core::SmtpConnection> GetSmtpConnectionSql(Connection& db, std::string_view account_id,
                                                  std::string_view connection_id);
Result<std::vector<core::SmtpConnection>> ListSmtpConnectionsSql(Connection& db, std::string_view account_id);
Result<core::SmtpConnection> FindSmtpConnectionByUsernameSql(Connection& db, std::string_view username);
Result<std::vector<core::SmtpConnection>> ListTrustedSmtpConnectionsSql(Connection& db);

}  // namespace herald::storage::sqlite
