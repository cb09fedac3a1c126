// The SQL of each Store read, run on a pooled read-only connection.
//
// Every tenant read filters on the caller's account id in SQL, so another account's rows never leave
// the database (NotFound, or an empty list, instead). Each function resets its statements before it
// returns, ending the read transaction: the next read sees the latest commit.
//
// Thread-safety: one call at a time per Connection. Untrusted input: ids, cursors and recipients from
// callers are bound as values; limits are checked.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/account.h"
#include "core/message.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace herald::storage::sqlite {

Result<core::ApiKey> FindApiKeyByHashSql(Connection& db, std::string_view key_hash);
Result<std::vector<core::ApiKey>> ListApiKeysSql(Connection& db, std::string_view account_id);
Result<core::Account> GetAccountSql(Connection& db, std::string_view account_id);
Result<core::Account> GetOperatorAccountSql(Connection& db);
Result<core::MessageRecord> GetMessageSql(Connection& db, std::string_view account_id,
                                          std::string_view message_id);
Result<std::vector<core::Event>> GetEventsSql(Connection& db, std::string_view account_id,
                                              std::string_view message_id);
Result<MessagePage> SearchMessagesSql(Connection& db, const MessageQuery& query);
Result<DeliveryItem> GetSandboxMessageSql(Connection& db, std::string_view account_id,
                                          std::string_view message_id);
Result<SandboxPage> ListSandboxSql(Connection& db, std::string_view account_id, std::string_view cursor,
                                   int limit);
// Whose message `message_id` is and to whom it goes, without the rest of its row. NotFound when there is
// no such message. Not tenant-scoped: for the store's own lookups by message id.
struct MessageRecipient {
  std::string account_id;
  std::string rcpt_to;
};
Result<MessageRecipient> FindMessageRecipientSql(Connection& db, std::string_view message_id);
Result<DeliveryItem> LoadForDeliverySql(Connection& db, std::string_view message_id);
Result<std::vector<PendingMessage>> ListUnfinishedSql(Connection& db, std::string_view after_id, int limit);
Status PingSql(Connection& db);

}  // namespace herald::storage::sqlite
