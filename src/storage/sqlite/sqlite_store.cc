#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <utility>

#include "base/log.h"
#include "storage/sqlite/campaigns.h"
#include "storage/sqlite/checkpointer.h"
#include "storage/sqlite/definition_cache.h"
#include "storage/sqlite/domains.h"
#include "storage/sqlite/interaction_tables.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/profiles.h"
#include "storage/sqlite/read_pool.h"
#include "storage/sqlite/reads.h"
#include "storage/sqlite/smtp_connections.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/stats.h"
#include "storage/sqlite/suppressions.h"
#include "storage/sqlite/webhook_deliveries.h"
#include "storage/sqlite/webhooks.h"
#include "storage/sqlite/write_ops.h"
#include "storage/sqlite/writer.h"

namespace herald::storage {
namespace {

using sqlite::Connection;
using sqlite::PrepareBody;
using sqlite::StoredBody;

// A write's input with its body prepared (bodies.h), shared by the write and its completion. The body's
// parts are views into `what`, which stays where it is.
template <typename T>
struct Prepared {
  explicit Prepared(T input) : what(std::move(input)) {}
  T what;
  StoredBody body;
};

// Completes `done` with `status`, unless the write was fire-and-forget.
template <typename Done>
void Fail(Done& done, Status status) {
  if (done) done(std::move(status));
}

class SqliteStore final : public Store {
 public:
  SqliteStore(const Clock& clock, std::unique_ptr<sqlite::ReadPool> readers, std::unique_ptr<Connection> db,
              std::unique_ptr<Connection> checkpoint_db, int max_batch)
      : clock_(clock),
        write_db_(std::move(db)),
        readers_(std::move(readers)),
        checkpointer_(std::move(checkpoint_db), kCheckpointFrames, kRestartFrames),
        writer_(*write_db_, max_batch) {
    write_db_->OnCommit([this](int wal_frames) { checkpointer_.Committed(*write_db_, wal_frames); });
  }

  SqliteStoreStats stats() const { return {writer_.writes(), writer_.commits()}; }

  void CreateAccount(core::Account account, core::ApiKey first_key, StatusCallback done) override {
    writer_.Submit({[account = std::move(account), key = std::move(first_key)](Connection& db) {
                      return sqlite::CreateAccountSql(db, account, key);
                    },
                    std::move(done)});
  }

  void CreateApiKey(core::ApiKey key, StatusCallback done) override {
    writer_.Submit({[key = std::move(key)](Connection& db) { return sqlite::CreateApiKeySql(db, key); },
                    std::move(done)});
  }

  void RevokeApiKey(std::string account_id, std::string key_id, TimePoint at, StatusCallback done) override {
    writer_.Submit({[account_id = std::move(account_id), key_id = std::move(key_id), at](Connection& db) {
                      return sqlite::RevokeApiKeySql(db, account_id, key_id, at);
                    },
                    std::move(done)});
  }

  void InsertMessage(NewMessage message, TimePoint idempotency_since,
                     ResultCallback<InsertOutcome> done) override {
    // The body is cut and compressed here, on the caller's thread, not by the one writer.
    auto prepared = std::make_shared<Prepared<NewMessage>>(std::move(message));
    Result<StoredBody> body = PrepareBody(prepared->what.record.id, prepared->what.raw, prepared->what.shared_parts);
    if (!body.ok()) return Fail(done, body.status());
    prepared->body = std::move(*body);
    auto outcome = std::make_shared<InsertOutcome>();
    writer_.Submit(
        {[&clock = clock_, prepared, idempotency_since, outcome](Connection& db) {
           return sqlite::InsertMessageSql(db, prepared->what, prepared->body, idempotency_since, clock.Now(),
                                           *outcome);
         },
         [outcome, done = std::move(done)](Status status) {
           if (!done) return;  // fire and forget
           if (status.ok()) {
             done(std::move(*outcome));
           } else {
             done(std::move(status));
           }
         }});
  }

  void InsertMessageGroup(NewMessageGroup group, ResultCallback<std::vector<core::MessageStatus>> done) override {
    auto prepared = std::make_shared<Prepared<NewMessageGroup>>(std::move(group));
    const std::string_view owner = prepared->what.records.empty() ? "" : prepared->what.records.front().id;
    Result<StoredBody> body = PrepareBody(owner, prepared->what.raw, {});
    if (!body.ok()) return Fail(done, body.status());
    prepared->body = std::move(*body);
    auto statuses = std::make_shared<std::vector<core::MessageStatus>>();
    writer_.Submit({[prepared, statuses](Connection& db) {
                      return sqlite::InsertMessageGroupSql(db, prepared->what, prepared->body, *statuses);
                    },
                    [statuses, done = std::move(done)](Status status) {
                      if (!done) return;
                      if (status.ok()) {
                        done(std::move(*statuses));
                      } else {
                        done(std::move(status));
                      }
                    }});
  }

  void SetAccountPool(std::string account_id, std::string pool, StatusCallback done) override {
    writer_.Submit({[account_id = std::move(account_id), pool = std::move(pool)](Connection& db) {
                      return sqlite::SetAccountPoolSql(db, account_id, pool);
                    },
                    std::move(done)});
  }

  void RecordAttempt(AttemptRecord attempt, StatusCallback done) override {
    writer_.Submit({[&clock = clock_, attempt = std::move(attempt)](Connection& db) {
                      return sqlite::RecordAttemptSql(db, attempt, clock.Now());
                    },
                    std::move(done)});
  }

  void RecordEngagement(std::string message_id, core::Event event, StatusCallback done) override {
    writer_.Submit({[id = std::move(message_id), event = std::move(event)](Connection& db) {
                      return sqlite::RecordEngagementSql(db, id, event);
                    },
                    std::move(done)});
  }

  void RecordReport(ReportRecord report, StatusCallback done) override {
    writer_.Submit({[&clock = clock_, report = std::move(report)](Connection& db) {
                      return sqlite::RecordReportSql(db, report, clock.Now());
                    },
                    std::move(done)});
  }

  void AddSuppression(core::Suppression suppression, StatusCallback done) override {
    writer_.Submit({[suppression = std::move(suppression)](Connection& db) {
                      return sqlite::AddSuppressionSql(db, suppression);
                    },
                    std::move(done)});
  }

  void DeleteSuppression(std::string account_id, std::string address, StatusCallback done) override {
    writer_.Submit({[account_id = std::move(account_id), address = std::move(address)](Connection& db) {
                      return sqlite::DeleteSuppressionSql(db, account_id, address);
                    },
                    std::move(done)});
  }

  void CancelMessage(std::string message_id, core::Event event, ResultCallback<CancelOutcome> done) override {
    auto outcome = std::make_shared<CancelOutcome>();
    writer_.Submit({[&clock = clock_, id = std::move(message_id), event = std::move(event), outcome](Connection& db) {
                      return sqlite::CancelMessageSql(db, id, event, clock.Now(), *outcome);
                    },
                    [outcome, done = std::move(done)](Status status) {
                      if (!done) return;
                      if (status.ok()) {
                        done(*outcome);
                      } else {
                        done(std::move(status));
                      }
                    }});
  }

  void CreateSmtpConnection(core::SmtpConnection connection, StatusCallback done) override {
    writer_.Submit({[connection = std::move(connection)](Connection& db) {
                      return sqlite::CreateSmtpConnectionSql(db, connection);
                    },
                    std::move(done)});
  }

  void UpdateSmtpConnection(core::SmtpConnection connection, StatusCallback done) override {
    writer_.Submit({[connection = std::move(connection)](Connection& db) {
                      return sqlite::UpdateSmtpConnectionSql(db, connection);
                    },
                    std::move(done)});
  }

  void DeleteSmtpConnection(std::string account_id, std::string connection_id, StatusCallback done) override {
    writer_.Submit(
        {[account_id = std::move(account_id), connection_id = std::move(connection_id)](Connection& db) {
           return sqlite::DeleteSmtpConnectionSql(db, account_id, connection_id);
         },
         std::move(done)});
  }

  void TouchSmtpConnection(std::string connection_id, TimePoint at, StatusCallback done) override {
    writer_.Submit({[connection_id = std::move(connection_id), at](Connection& db) {
                      return sqlite::TouchSmtpConnectionSql(db, connection_id, at);
                    },
                    std::move(done)});
  }

  void CreateDomain(core::SendingDomain domain, StatusCallback done) override {
    writer_.Submit({[domain = std::move(domain)](Connection& db) { return sqlite::CreateDomainSql(db, domain); },
                    std::move(done)});
  }

  void UpdateDomain(core::SendingDomain domain, std::vector<core::AccountEvent> events, StatusCallback done) override {
    writer_.Submit({[domain = std::move(domain), events = std::move(events)](Connection& db) {
                      return sqlite::UpdateDomainSql(db, domain, events);
                    },
                    std::move(done)});
  }

  void DeleteDomain(std::string account_id, std::string name, StatusCallback done) override {
    writer_.Submit({[account_id = std::move(account_id), name = std::move(name)](Connection& db) {
                      return sqlite::DeleteDomainSql(db, account_id, name);
                    },
                    std::move(done)});
  }

  void CreateCampaign(core::Campaign campaign, StatusCallback done) override {
    writer_.Submit({[campaign = std::move(campaign)](Connection& db) { return sqlite::CreateCampaignSql(db, campaign); },
                    std::move(done)});
  }

  void UpdateCampaign(core::Campaign campaign, ResultCallback<core::Campaign> done) override {
    auto stored = std::make_shared<core::Campaign>();
    std::string account_id = campaign.account_id, key = campaign.key;
    writer_.Submit({[campaign = std::move(campaign), stored](Connection& db) {
                      return sqlite::UpdateCampaignSql(db, campaign, *stored);
                    },
                    [this, account_id = std::move(account_id), key = std::move(key), stored,
                     done = std::move(done)](Status status) {
                      campaigns_.Forget(account_id, key);
                      if (status.ok()) {
                        done(std::move(*stored));
                      } else {
                        done(std::move(status));
                      }
                    }});
  }

  void DeleteCampaign(std::string account_id, std::string key, StatusCallback done) override {
    writer_.Submit({[account_id, key](Connection& db) { return sqlite::DeleteCampaignSql(db, account_id, key); },
                    [this, account_id, key, done = std::move(done)](Status status) {
                      campaigns_.Forget(account_id, key);
                      done(std::move(status));
                    }});
  }

  void CreateProfileTable(core::ProfileTable table, StatusCallback done) override {
    writer_.Submit({[table = std::move(table)](Connection& db) { return sqlite::CreateProfileTableSql(db, table); },
                    std::move(done)});
  }

  void UpsertProfile(ProfileWrite write, ResultCallback<ProfileWriteOutcome> done) override {
    auto outcome = std::make_shared<ProfileWriteOutcome>();
    writer_.Submit({[write = std::move(write), outcome](Connection& db) {
                      return sqlite::UpsertProfileSql(db, write, *outcome);
                    },
                    [outcome, done = std::move(done)](Status status) {
                      if (status.ok()) {
                        done(std::move(*outcome));
                      } else {
                        done(std::move(status));
                      }
                    }});
  }

  void DeleteProfile(std::string table_id, std::string profile_id, StatusCallback done) override {
    writer_.Submit({[table_id = std::move(table_id), profile_id = std::move(profile_id)](Connection& db) {
                      return sqlite::DeleteProfileSql(db, table_id, profile_id);
                    },
                    std::move(done)});
  }

  void CreateInteractionTable(core::InteractionTable table, StatusCallback done) override {
    writer_.Submit(
        {[table = std::move(table)](Connection& db) { return sqlite::CreateInteractionTableSql(db, table); },
         std::move(done)});
  }

  void CreateRow(NewRow row, ResultCallback<RowWriteOutcome> done) override {
    SubmitFilling<RowWriteOutcome>([row = std::move(row)](Connection& db, RowWriteOutcome& outcome) {
      return sqlite::CreateRowSql(db, row, outcome);
    }, std::move(done));
  }

  void UpdateRow(RowChange change, ResultCallback<RowWriteOutcome> done) override {
    SubmitFilling<RowWriteOutcome>([change = std::move(change)](Connection& db, RowWriteOutcome& outcome) {
      return sqlite::UpdateRowSql(db, change, outcome);
    }, std::move(done));
  }

  void DeleteRow(std::string table_id, std::string row_id, StatusCallback done) override {
    writer_.Submit({[table_id = std::move(table_id), row_id = std::move(row_id)](Connection& db) {
                      return sqlite::DeleteRowSql(db, table_id, row_id);
                    },
                    std::move(done)});
  }

  void DeleteInteractionTable(std::string account_id, std::string name, StatusCallback done) override {
    writer_.Submit({[account_id = std::move(account_id), name = std::move(name)](Connection& db) {
                      return sqlite::DeleteInteractionTableSql(db, account_id, name);
                    },
                    std::move(done)});
  }

  void CreateWebhook(core::Webhook webhook, StatusCallback done) override {
    writer_.Submit({[webhook = std::move(webhook)](Connection& db) { return sqlite::CreateWebhookSql(db, webhook); },
                    std::move(done)});
  }

  void UpdateWebhook(core::Webhook webhook, StatusCallback done) override {
    writer_.Submit({[webhook = std::move(webhook)](Connection& db) { return sqlite::UpdateWebhookSql(db, webhook); },
                    std::move(done)});
  }

  void DeleteWebhook(std::string account_id, std::string webhook_id, StatusCallback done) override {
    writer_.Submit({[account_id = std::move(account_id), webhook_id = std::move(webhook_id)](Connection& db) {
                      return sqlite::DeleteWebhookSql(db, account_id, webhook_id);
                    },
                    std::move(done)});
  }

  void QueueWebhookDeliveries(WebhookFanOut fan_out, StatusCallback done) override {
    writer_.Submit({[fan_out = std::move(fan_out)](Connection& db) {
                      return sqlite::QueueWebhookDeliveriesSql(db, fan_out);
                    },
                    std::move(done)});
  }

  void RecordWebhookAttempts(std::vector<WebhookAttempt> attempts, StatusCallback done) override {
    writer_.Submit({[attempts = std::move(attempts)](Connection& db) {
                      return sqlite::RecordWebhookAttemptsSql(db, attempts);
                    },
                    std::move(done)});
  }

  void DisableWebhook(std::string webhook_id, TimePoint failing_since, core::AccountEvent event,
                      StatusCallback done) override {
    writer_.Submit({[webhook_id = std::move(webhook_id), failing_since, event = std::move(event)](Connection& db) {
                      return sqlite::DisableWebhookSql(db, webhook_id, failing_since, event);
                    },
                    std::move(done)});
  }

  void PruneWebhookAttempts(TimePoint before, int limit, ResultCallback<int> done) override {
    auto deleted = std::make_shared<int>(0);
    writer_.Submit({[before, limit, deleted](Connection& db) {
                      return sqlite::PruneWebhookAttemptsSql(db, before, limit, *deleted);
                    },
                    [deleted, done = std::move(done)](Status status) {
                      if (status.ok()) {
                        done(*deleted);
                      } else {
                        done(std::move(status));
                      }
                    }});
  }

  Result<core::ApiKey> FindApiKeyByHash(std::string_view key_hash) override {
    return Read([&](Connection& db) { return sqlite::FindApiKeyByHashSql(db, key_hash); });
  }
  Result<std::vector<core::ApiKey>> ListApiKeys(std::string_view account_id) override {
    return Read([&](Connection& db) { return sqlite::ListApiKeysSql(db, account_id); });
  }
  Result<core::Suppression> GetSuppression(std::string_view account_id, std::string_view address) override {
    return Read([&](Connection& db) { return sqlite::GetSuppressionSql(db, account_id, address); });
  }
  Result<std::optional<core::Suppression>> FindRecipientSuppression(std::string_view message_id) override {
    return Read([&](Connection& db) { return sqlite::FindRecipientSuppressionSql(db, message_id); });
  }
  Result<SuppressionPage> ListSuppressions(const SuppressionQuery& query) override {
    return Read([&](Connection& db) { return sqlite::ListSuppressionsSql(db, query); });
  }
  Result<SuppressionExportPage> ExportSuppressions(const SuppressionExportQuery& query) override {
    return Read([&](Connection& db) { return sqlite::ExportSuppressionsSql(db, query); });
  }
  Result<core::MessageRecord> FindReportedMessage(std::string_view message_id, std::string_view recipient) override {
    return Read([&](Connection& db) { return sqlite::FindReportedMessageSql(db, message_id, recipient); });
  }
  Result<core::Account> GetAccount(std::string_view account_id) override {
    return Read([&](Connection& db) { return sqlite::GetAccountSql(db, account_id); });
  }
  Result<core::Account> GetOperatorAccount() override {
    return Read([&](Connection& db) { return sqlite::GetOperatorAccountSql(db); });
  }
  Result<core::MessageRecord> GetMessage(std::string_view account_id, std::string_view message_id) override {
    return Read([&](Connection& db) { return sqlite::GetMessageSql(db, account_id, message_id); });
  }
  Result<std::vector<core::Event>> GetEvents(std::string_view account_id,
                                             std::string_view message_id) override {
    return Read([&](Connection& db) { return sqlite::GetEventsSql(db, account_id, message_id); });
  }
  Result<MessagePage> SearchMessages(const MessageQuery& query) override {
    return Read([&](Connection& db) { return sqlite::SearchMessagesSql(db, query); });
  }
  Result<DeliveryItem> GetSandboxMessage(std::string_view account_id, std::string_view message_id) override {
    return Read([&](Connection& db) { return sqlite::GetSandboxMessageSql(db, account_id, message_id); });
  }
  Result<SandboxPage> ListSandbox(std::string_view account_id, std::string_view cursor, int limit) override {
    return Read([&](Connection& db) { return sqlite::ListSandboxSql(db, account_id, cursor, limit); });
  }
  Result<core::SmtpConnection> GetSmtpConnection(std::string_view account_id,
                                                 std::string_view connection_id) override {
    return Read([&](Connection& db) { return sqlite::GetSmtpConnectionSql(db, account_id, connection_id); });
  }
  Result<std::vector<core::SmtpConnection>> ListSmtpConnections(std::string_view account_id) override {
    return Read([&](Connection& db) { return sqlite::ListSmtpConnectionsSql(db, account_id); });
  }
  Result<core::SmtpConnection> FindSmtpConnectionByUsername(std::string_view username) override {
    return Read([&](Connection& db) { return sqlite::FindSmtpConnectionByUsernameSql(db, username); });
  }
  Result<std::vector<core::SmtpConnection>> ListTrustedSmtpConnections() override {
    return Read([&](Connection& db) { return sqlite::ListTrustedSmtpConnectionsSql(db); });
  }
  Result<core::SendingDomain> GetDomain(std::string_view account_id, std::string_view name) override {
    return Read([&](Connection& db) { return sqlite::GetDomainSql(db, account_id, name); });
  }
  Result<std::vector<core::SendingDomain>> ListDomains(std::string_view account_id) override {
    return Read([&](Connection& db) { return sqlite::ListDomainsSql(db, account_id); });
  }
  Result<std::vector<core::SendingDomain>> ListAllDomains() override {
    return Read([](Connection& db) { return sqlite::ListAllDomainsSql(db); });
  }
  Result<core::StatsReport> GetStats(const core::StatsQuery& query) override {
    return Read([&](Connection& db) { return sqlite::GetStatsSql(db, query); });
  }
  Result<std::vector<core::AccountEvent>> ListAccountEvents(std::string_view account_id, std::string_view subject,
                                                            int limit) override {
    return Read([&](Connection& db) { return sqlite::ListAccountEventsSql(db, account_id, subject, limit); });
  }
  Result<core::Campaign> GetCampaign(std::string_view account_id, std::string_view key) override {
    return campaigns_.Get(account_id, key, [&] {
      return Read([&](Connection& db) { return sqlite::GetCampaignSql(db, account_id, key); });
    });
  }
  Result<std::vector<core::Campaign>> ListCampaigns(std::string_view account_id) override {
    return Read([&](Connection& db) { return sqlite::ListCampaignsSql(db, account_id); });
  }
  Result<core::CampaignContent> GetCampaignVersion(std::string_view campaign_id, int version) override {
    return Read([&](Connection& db) { return sqlite::GetCampaignVersionSql(db, campaign_id, version); });
  }
  Result<core::ProfileTable> GetProfileTable(std::string_view account_id, std::string_view name) override {
    return profile_tables_.Get(account_id, name, [&] {
      return Read([&](Connection& db) { return sqlite::GetProfileTableSql(db, account_id, name); });
    });
  }
  Result<std::vector<core::ProfileTable>> ListProfileTables(std::string_view account_id) override {
    return Read([&](Connection& db) { return sqlite::ListProfileTablesSql(db, account_id); });
  }
  Result<core::Profile> FindProfile(std::string_view table_id, std::string_view attribute,
                                    std::string_view value) override {
    return Read([&](Connection& db) { return sqlite::FindProfileSql(db, table_id, attribute, value); });
  }
  Result<ProfilePage> SearchProfiles(std::string_view table_id, std::string_view attribute, std::string_view value,
                                     std::string_view cursor, int limit) override {
    return Read([&](Connection& db) { return sqlite::SearchProfilesSql(db, table_id, attribute, value, cursor, limit); });
  }
  Result<core::InteractionTable> GetInteractionTable(std::string_view account_id, std::string_view name) override {
    return Read([&](Connection& db) { return sqlite::GetInteractionTableSql(db, account_id, name); });
  }
  Result<std::vector<core::InteractionTable>> ListInteractionTables(std::string_view account_id) override {
    return Read([&](Connection& db) { return sqlite::ListInteractionTablesSql(db, account_id); });
  }
  Result<core::Row> GetRow(std::string_view table_id, std::string_view row_id) override {
    return Read([&](Connection& db) { return sqlite::GetRowSql(db, table_id, row_id); });
  }
  Result<core::Row> FindRowByKey(std::string_view table_id, std::string_view key) override {
    return Read([&](Connection& db) { return sqlite::FindRowByKeySql(db, table_id, key); });
  }
  Result<RowPage> ListRows(std::string_view table_id, std::string_view profile_id, std::string_view cursor,
                           int limit) override {
    return Read([&](Connection& db) { return sqlite::ListRowsSql(db, table_id, profile_id, cursor, limit); });
  }
  Result<RowEventPage> ListRowEvents(std::string_view table_id, int64_t after_id, int limit) override {
    return Read([&](Connection& db) { return sqlite::ListRowEventsSql(db, table_id, after_id, limit); });
  }
  Result<core::Webhook> GetWebhook(std::string_view account_id, std::string_view webhook_id) override {
    return Read([&](Connection& db) { return sqlite::GetWebhookSql(db, account_id, webhook_id); });
  }
  Result<std::vector<core::Webhook>> ListWebhooks(std::string_view account_id) override {
    return Read([&](Connection& db) { return sqlite::ListWebhooksSql(db, account_id); });
  }
  Result<WebhookAttemptPage> ListWebhookAttempts(std::string_view account_id, std::string_view webhook_id,
                                                 std::string_view cursor, int limit) override {
    return Read(
        [&](Connection& db) { return sqlite::ListWebhookAttemptsSql(db, account_id, webhook_id, cursor, limit); });
  }
  Result<std::vector<core::Webhook>> ListAllWebhooks() override {
    return Read([](Connection& db) { return sqlite::ListAllWebhooksSql(db); });
  }
  Result<int64_t> LastEventId() override {
    return Read([](Connection& db) { return sqlite::LastEventIdSql(db); });
  }
  Result<std::vector<std::string>> AccountsWithEvents(int64_t after_id, int64_t up_to_id) override {
    return Read([&](Connection& db) { return sqlite::AccountsWithEventsSql(db, after_id, up_to_id); });
  }
  Result<std::vector<WebhookEvent>> ListEventsAfter(std::string_view account_id, int64_t after_id,
                                                    int limit) override {
    return Read([&](Connection& db) { return sqlite::ListEventsAfterSql(db, account_id, after_id, limit); });
  }
  Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(std::string_view webhook_id, int64_t after_event_id,
                                                             int limit) override {
    return Read(
        [&](Connection& db) { return sqlite::ListWebhookDeliveriesSql(db, webhook_id, after_event_id, limit); });
  }
  Result<DeliveryItem> LoadForDelivery(std::string_view message_id) override {
    return Read([&](Connection& db) { return sqlite::LoadForDeliverySql(db, message_id); });
  }
  Result<std::vector<PendingMessage>> ListUnfinished(std::string_view after_id, int limit) override {
    return Read([&](Connection& db) { return sqlite::ListUnfinishedSql(db, after_id, limit); });
  }
  Status Ping() override {
    return Read([&](Connection& db) { return sqlite::PingSql(db); });
  }

 private:
  // Submits a write whose SQL fills an Outcome, which `done` is given once it is committed.
  template <typename Outcome, typename Sql>
  void SubmitFilling(Sql sql, ResultCallback<Outcome> done) {
    auto outcome = std::make_shared<Outcome>();
    writer_.Submit({[sql = std::move(sql), outcome](Connection& db) { return sql(db, *outcome); },
                    [outcome, done = std::move(done)](Status status) {
                      if (status.ok()) {
                        done(std::move(*outcome));
                      } else {
                        done(std::move(status));
                      }
                    }});
  }

  // Runs `query` on a lent read connection; an exception (memory exhaustion) becomes a Status.
  template <typename Query>
  auto Read(Query&& query) -> decltype(query(std::declval<Connection&>())) {
    try {
      sqlite::ReadPool::Lease lease = readers_->Acquire();
      return query(*lease);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("read failed: ") + e.what());
    }
  }

  // Twice SQLite's own default threshold (8 MiB of 4 KiB pages); the WAL starts over past 32 MiB. A
  // page written again and again (the last leaf of a time-ordered index, the day's counters) is copied
  // once a checkpoint, so copying half as often copies fewer pages a message: campaign benchmark
  // (bench/campaign_send.sh), three alternating pairs of 30 s, 2,997 / 2,946 / 3,141 stored a second
  // against 2,768 / 2,798 / 3,086 at 1,000 and 4,000 frames.
  static constexpr int kCheckpointFrames = 2000;
  static constexpr int kRestartFrames = 8000;

  // Destroyed in reverse: the writer completes queued writes (whose `done` may still read), the
  // checkpointer stops, the readers close, and the write connection closes last so SQLite can
  // checkpoint and drop the WAL.
  const Clock& clock_;
  // What every trigger reads (see DefinitionCache); an account rarely has more than a few hundred.
  sqlite::DefinitionCache<core::Campaign> campaigns_{512};
  sqlite::DefinitionCache<core::ProfileTable> profile_tables_{512};
  std::unique_ptr<Connection> write_db_;
  std::unique_ptr<sqlite::ReadPool> readers_;
  sqlite::Checkpointer checkpointer_;
  sqlite::Writer writer_;
};

// A new file's directory entry must be on disk too, or a crash could lose the whole database.
Status SyncDirectoryOf(const std::string& path) {
  std::filesystem::path dir = std::filesystem::absolute(path).parent_path();
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("opening " + dir.string() + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  int fsync_errno = errno;
  ::close(fd);
  if (rc != 0) return Status::IoError("syncing " + dir.string() + ": " + std::strerror(fsync_errno));
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options, const Clock& clock) {
  if (options.path.empty()) return Status::InvalidArgument("the SQLite store needs a file path");
  if (options.read_connections < 1 || options.max_batch < 1) {
    return Status::InvalidArgument("read_connections and max_batch must be at least 1");
  }
  std::error_code ec;
  const bool existed = std::filesystem::exists(options.path, ec);

  Result<std::unique_ptr<Connection>> db = Connection::Open(options.path, Connection::Mode::kReadWrite);
  if (!db.ok()) return db.status();
  HERALD_RETURN_IF_ERROR(sqlite::Migrate(**db, sqlite::SchemaMigrations()));
  if (!existed) HERALD_RETURN_IF_ERROR(SyncDirectoryOf(options.path));

  Result<std::unique_ptr<sqlite::ReadPool>> readers =
      sqlite::ReadPool::Open(options.path, options.read_connections);
  if (!readers.ok()) return readers.status();
  Result<std::unique_ptr<Connection>> checkpoint_db = Connection::Open(options.path, Connection::Mode::kReadWrite);
  if (!checkpoint_db.ok()) return checkpoint_db.status();
  Logger("storage")->info("opened {} ({} read connections)", options.path, options.read_connections);
  return std::unique_ptr<Store>(
      std::make_unique<SqliteStore>(clock, std::move(*readers), std::move(*db), std::move(*checkpoint_db),
                                    options.max_batch));
}

std::optional<SqliteStoreStats> GetSqliteStoreStats(const Store& store) {
  const auto* sqlite_store = dynamic_cast<const SqliteStore*>(&store);
  if (sqlite_store == nullptr) return std::nullopt;
  return sqlite_store->stats();
}

}  // namespace herald::storage
