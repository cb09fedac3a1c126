// The SQL of the webhooks themselves (table webhooks, schema migration 7): create, change, disable,
// delete, read. Their deliveries and log are webhook_deliveries.h's.
//
// Writes run on the writer thread inside its transaction (write_ops.h); reads on pooled read
// connections (reads.h). Tenant reads and writes filter on the account id in SQL.
//
// Thread-safety: as write_ops.h (writes) and reads.h (reads). Untrusted input: values are bound, never
// spliced; an events column read back that is not a list of known names is Corruption.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/sending_domain.h"
#include "core/webhook.h"
#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

Status CreateWebhookSql(Connection& db, const core::Webhook& webhook);
Status UpdateWebhookSql(Connection& db, const core::Webhook& webhook);
Status DeleteWebhookSql(Connection& db, std::string_view account_id, std::string_view webhook_id);
Status DisableWebhookSql(Connection& db, std::string_view webhook_id, TimePoint failing_since,
                         const core::AccountEvent& event);

Result<core::Webhook> GetWebhookSql(Connection& db, std::string_view account_id, std::string_view webhook_id);
Result<std::vector<core::Webhook>> ListWebhooksSql(Connection& db, std::string_view account_id);
Result<std::vector<core::Webhook>> ListAllWebhooksSql(Connection& db);

}  // namespace herald::storage::sqlite
