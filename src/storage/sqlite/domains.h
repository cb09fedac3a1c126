// The SQL of the sending-domain writes and reads (tables domains and account_events, schema migration 4).
//
// A domain's records, keys and warnings are JSON columns, always read and written whole; the
// domain's revision makes an update based on a stale read fail instead of undoing a change made
// meanwhile (a rotation during a verification's DNS lookups). Writes run on the writer thread inside
// its transaction (write_ops.h); reads on pooled read connections (reads.h).
//
// Thread-safety: as write_ops.h (writes) and reads.h (reads). Untrusted input: values are bound, never
// spliced; JSON read back that does not have the expected shape is Corruption.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/sending_domain.h"
#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

Status CreateDomainSql(Connection& db, const core::SendingDomain& domain);
Status UpdateDomainSql(Connection& db, const core::SendingDomain& domain, const std::vector<core::AccountEvent>& events);
Status DeleteDomainSql(Connection& db, std::string_view account_id, std::string_view name);

// Appends an event about one of an account's resources (a domain, a webhook) to account_events.
Status AppendAccountEventSql(Connection& db, const core::AccountEvent& event);

Result<core::SendingDomain> GetDomainSql(Connection& db, std::string_view account_id, std::string_view name);
Result<std::vector<core::SendingDomain>> ListDomainsSql(Connection& db, std::string_view account_id);
Result<std::vector<core::SendingDomain>> ListAllDomainsSql(Connection& db);
Result<std::vector<core::AccountEvent>> ListAccountEventsSql(Connection& db, std::string_view account_id,
                                                             std::string_view subject, int limit);

}  // namespace herald::storage::sqlite
