// The SQL of webhook deliveries (schema migration 7): reading new events for the dispatcher, the
// outbox of waiting deliveries (webhook_deliveries), and the delivery log (webhook_attempts).
// See storage/webhook_records.h for how they move.
//
// Thread-safety: as write_ops.h (writes) and reads.h (reads). Untrusted input: values are bound;
// JSON read back is parsed without exceptions (Corruption when unreadable).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/webhook_records.h"

namespace herald::storage::sqlite {

Status QueueWebhookDeliveriesSql(Connection& db, const WebhookFanOut& fan_out);
Status RecordWebhookAttemptsSql(Connection& db, const std::vector<WebhookAttempt>& attempts);
Status PruneWebhookAttemptsSql(Connection& db, TimePoint before, int limit, int& deleted);

Result<int64_t> LastEventIdSql(Connection& db);
Result<std::vector<std::string>> AccountsWithEventsSql(Connection& db, int64_t after_id, int64_t up_to_id);
Result<std::vector<WebhookEvent>> ListEventsAfterSql(Connection& db, std::string_view account_id, int64_t after_id,
                                                     int limit);
Result<std::vector<WebhookDelivery>> ListWebhookDeliveriesSql(Connection& db, std::string_view webhook_id,
                                                              int64_t after_event_id, int limit);
Result<WebhookAttemptPage> ListWebhookAttemptsSql(Connection& db, std::string_view account_id,
                                                  std::string_view webhook_id, std::string_view cursor, int limit);

}  // namespace herald::storage::sqlite
