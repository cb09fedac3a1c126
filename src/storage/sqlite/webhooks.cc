#include "storage/sqlite/webhooks.h"

#include <nlohmann/json.hpp>

#include <string>

#include "storage/sqlite/domains.h"
#include "storage/sqlite/rows.h"

namespace herald::storage::sqlite {
namespace {

using nlohmann::json;

// 11 columns of `webhooks`, read by ReadWebhook.
#define HERALD_WEBHOOK_COLUMNS                                                                              \
  "id, account_id, url, events, sealed_secret, enabled, failing_since, disabled_at, created_at, updated_at, " \
  "cursor"

std::optional<int64_t> OptionalMillis(const std::optional<TimePoint>& at) {
  if (!at) return std::nullopt;
  return ToUnixMillis(*at);
}

std::string EventsJson(const core::WebhookEventFilter& filter) { return CompactJson(json(filter.Names())); }

Result<core::WebhookEventFilter> ReadEvents(std::string_view text, const std::string& id) {
  json names = json::parse(text, nullptr, /*allow_exceptions=*/false);
  const Status corrupt = Status::Corruption("webhook " + id + " has malformed events");
  if (!names.is_array() || names.empty()) return corrupt;
  core::WebhookEventFilter filter;
  for (const json& name : names) {
    if (!name.is_string()) return corrupt;
    const std::string& text_name = name.get_ref<const std::string&>();
    if (text_name == "*") {
      filter.all = true;
      continue;
    }
    std::optional<core::EventType> type = core::ParseEventType(text_name);
    if (!type) return corrupt;
    filter.types.push_back(*type);
  }
  if (filter.all) filter.types.clear();
  return filter;
}

Result<core::Webhook> ReadWebhook(const Statement& row) {
  core::Webhook w;
  w.id = row.Text(0);
  w.account_id = row.Text(1);
  w.url = row.Text(2);
  Result<core::WebhookEventFilter> events = ReadEvents(row.Text(3), w.id);
  if (!events.ok()) return events.status();
  w.events = std::move(*events);
  w.sealed_secret = row.Text(4);
  w.enabled = row.Int(5) != 0;
  if (std::optional<int64_t> at = row.OptionalInt(6)) w.failing_since = FromUnixMillis(*at);
  if (std::optional<int64_t> at = row.OptionalInt(7)) w.disabled_at = FromUnixMillis(*at);
  w.created_at = FromUnixMillis(row.Int(8));
  w.updated_at = FromUnixMillis(row.Int(9));
  w.cursor = row.Int(10);
  return w;
}

Result<std::vector<core::Webhook>> ReadAll(Statement& list) {
  std::vector<core::Webhook> webhooks;
  for (;;) {
    Result<bool> row = list.Step();
    if (!row.ok()) return row.status();
    if (!*row) return webhooks;
    Result<core::Webhook> webhook = ReadWebhook(list);
    if (!webhook.ok()) return webhook.status();
    webhooks.push_back(std::move(*webhook));
  }
}

// Whether the webhook exists (any account's): tells NotFound from a failed condition.
Result<bool> Exists(Connection& db, std::string_view webhook_id) {
  Result<Statement> find = db.Prepare("SELECT 1 FROM webhooks WHERE id = ?1");
  if (!find.ok()) return find.status();
  find->Bind(1, webhook_id);
  return find->Step();
}

}  // namespace

Status CreateWebhookSql(Connection& db, const core::Webhook& w) {
  if (w.id.empty() || w.account_id.empty() || w.url.empty() || w.sealed_secret.empty())
    return Status::InvalidArgument("a webhook needs an id, an account, a url and a secret");
  Result<Statement> insert = db.Prepare(
      "INSERT INTO webhooks (" HERALD_WEBHOOK_COLUMNS
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, ?9, (SELECT coalesce(max(id), 0) FROM events))");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, w.id)
      .Bind(2, w.account_id)
      .Bind(3, w.url)
      .Bind(4, EventsJson(w.events))
      .Bind(5, w.sealed_secret)
      .Bind(6, static_cast<int64_t>(w.enabled ? 1 : 0))
      .Bind(7, w.enabled ? std::optional<int64_t>() : OptionalMillis(w.created_at))
      .Bind(8, ToUnixMillis(w.created_at))
      .Bind(9, ToUnixMillis(w.updated_at));
  Status status = insert->Run();
  if (status.code() == Code::kNotFound) return Status::NotFound("no account " + w.account_id);
  if (status.code() == Code::kAlreadyExists) return Status::AlreadyExists("webhook " + w.id + " already exists");
  return status;
}

Status UpdateWebhookSql(Connection& db, const core::Webhook& w) {
  bool was_enabled = false;
  {
    Result<Statement> find = db.Prepare("SELECT enabled FROM webhooks WHERE id = ?1 AND account_id = ?2");
    if (!find.ok()) return find.status();
    find->Bind(1, w.id).Bind(2, w.account_id);
    Result<bool> row = find->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no webhook " + w.id);
    was_enabled = find->Int(0) != 0;
  }
  const int64_t now = ToUnixMillis(w.updated_at);
  {
    // Enabling clears the failure record; disabling stamps it; otherwise both stay as they are.
    Result<Statement> update = db.Prepare(
        "UPDATE webhooks SET url = ?3, events = ?4, sealed_secret = ?5, enabled = ?6, updated_at = ?7,"
        " failing_since = CASE WHEN ?8 THEN NULL ELSE failing_since END,"
        " disabled_at = CASE WHEN ?6 THEN NULL WHEN ?9 THEN ?7 ELSE disabled_at END"
        " WHERE id = ?1 AND account_id = ?2");
    if (!update.ok()) return update.status();
    update->Bind(1, w.id)
        .Bind(2, w.account_id)
        .Bind(3, w.url)
        .Bind(4, EventsJson(w.events))
        .Bind(5, w.sealed_secret)
        .Bind(6, static_cast<int64_t>(w.enabled ? 1 : 0))
        .Bind(7, now)
        .Bind(8, static_cast<int64_t>(w.enabled && !was_enabled ? 1 : 0))
        .Bind(9, static_cast<int64_t>(!w.enabled && was_enabled ? 1 : 0));
    HERALD_RETURN_IF_ERROR(update->Run());
  }
  if (w.enabled && !was_enabled) {
    // A fresh start for what waited while it was disabled: a day of retries from now.
    Result<Statement> restart = db.Prepare(
        "UPDATE webhook_deliveries SET first_attempt_at = NULL, next_attempt_at = ?2 WHERE webhook_id = ?1");
    if (!restart.ok()) return restart.status();
    restart->Bind(1, w.id).Bind(2, now);
    HERALD_RETURN_IF_ERROR(restart->Run());
  }
  return Status::Ok();
}

Status DeleteWebhookSql(Connection& db, std::string_view account_id, std::string_view webhook_id) {
  {
    Result<Statement> remove = db.Prepare("DELETE FROM webhooks WHERE id = ?1 AND account_id = ?2");
    if (!remove.ok()) return remove.status();
    remove->Bind(1, webhook_id).Bind(2, account_id);
    // The deliveries refer to the webhook, so they go first (if it is the account's); the webhook's
    // own delete then says by Changes() whether it was.
    Result<Statement> deliveries = db.Prepare(
        "DELETE FROM webhook_deliveries WHERE webhook_id = ?1"
        " AND EXISTS (SELECT 1 FROM webhooks WHERE id = ?1 AND account_id = ?2)");
    if (!deliveries.ok()) return deliveries.status();
    deliveries->Bind(1, webhook_id).Bind(2, account_id);
    HERALD_RETURN_IF_ERROR(deliveries->Run());
    HERALD_RETURN_IF_ERROR(remove->Run());
  }
  if (db.Changes() == 0) return Status::NotFound("no webhook " + std::string(webhook_id));
  Result<Statement> log = db.Prepare("DELETE FROM webhook_attempts WHERE webhook_id = ?1");
  if (!log.ok()) return log.status();
  log->Bind(1, webhook_id);
  return log->Run();
}

Status DisableWebhookSql(Connection& db, std::string_view webhook_id, TimePoint failing_since,
                         const core::AccountEvent& event) {
  {
    Result<Statement> update = db.Prepare(
        "UPDATE webhooks SET enabled = 0, disabled_at = ?3, updated_at = ?3"
        " WHERE id = ?1 AND enabled = 1 AND failing_since = ?2");
    if (!update.ok()) return update.status();
    update->Bind(1, webhook_id).Bind(2, ToUnixMillis(failing_since)).Bind(3, ToUnixMillis(event.at));
    HERALD_RETURN_IF_ERROR(update->Run());
  }
  if (db.Changes() == 0) {
    Result<bool> exists = Exists(db, webhook_id);
    if (!exists.ok()) return exists.status();
    if (!*exists) return Status::NotFound("no webhook " + std::string(webhook_id));
    return Status::FailedPrecondition("webhook " + std::string(webhook_id) + " changed meanwhile");
  }
  return AppendAccountEventSql(db, event);
}

Result<core::Webhook> GetWebhookSql(Connection& db, std::string_view account_id, std::string_view webhook_id) {
  Result<Statement> get =
      db.Prepare("SELECT " HERALD_WEBHOOK_COLUMNS " FROM webhooks WHERE id = ?1 AND account_id = ?2");
  if (!get.ok()) return get.status();
  get->Bind(1, webhook_id).Bind(2, account_id);
  Result<bool> row = get->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no webhook " + std::string(webhook_id));
  return ReadWebhook(*get);
}

Result<std::vector<core::Webhook>> ListWebhooksSql(Connection& db, std::string_view account_id) {
  Result<Statement> list =
      db.Prepare("SELECT " HERALD_WEBHOOK_COLUMNS " FROM webhooks WHERE account_id = ?1 ORDER BY id");
  if (!list.ok()) return list.status();
  list->Bind(1, account_id);
  return ReadAll(*list);
}

Result<std::vector<core::Webhook>> ListAllWebhooksSql(Connection& db) {
  Result<Statement> list = db.Prepare("SELECT " HERALD_WEBHOOK_COLUMNS " FROM webhooks ORDER BY id");
  if (!list.ok()) return list.status();
  return ReadAll(*list);
}

}  // namespace herald::storage::sqlite
