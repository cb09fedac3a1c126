#include "storage/sqlite/webhook_deliveries.h"

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "storage/sqlite/rows.h"

namespace herald::storage::sqlite {
namespace {

constexpr int kMaxPage = 1000;
constexpr int kMaxBatch = 10'000;  // events or deliveries read at once by the dispatcher

Status CheckLimit(int limit, int max) {
  if (limit < 1 || limit > max) return Status::InvalidArgument("limit must be between 1 and " + std::to_string(max));
  return Status::Ok();
}

std::optional<int64_t> OptionalMillis(const std::optional<TimePoint>& at) {
  if (!at) return std::nullopt;
  return ToUnixMillis(*at);
}

Result<nlohmann::json> ParseJson(std::string_view text, std::string_view what) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Status::Corruption("unreadable JSON in " + std::string(what));
  return value;
}

Result<core::EventType> ReadType(std::string_view text) {
  std::optional<core::EventType> type = core::ParseEventType(text);
  if (!type) return Status::Corruption("an event has an unknown type");
  return *type;
}

Status LogAttempt(Connection& db, const WebhookAttempt& a) {
  Result<Statement> insert = db.Prepare(
      "INSERT INTO webhook_attempts (webhook_id, event_id, event_type, message_id, attempt, at, duration_ms,"
      " http_status, error, outcome, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, a.webhook_id)
      .Bind(2, a.event_id)
      .Bind(3, core::ToString(a.event_type))
      .Bind(4, a.message_id)
      .Bind(5, static_cast<int64_t>(a.attempt))
      .Bind(6, ToUnixMillis(a.at))
      .Bind(7, static_cast<int64_t>(a.duration.count()))
      .Bind(8, a.http_status > 0 ? std::optional<int64_t>(a.http_status) : std::nullopt)
      .Bind(9, a.error)
      .Bind(10, ToString(a.outcome))
      .Bind(11, OptionalMillis(a.next_attempt_at));
  return insert->Run();
}

// What a batch of attempts knows of each of its webhooks, so that most attempts cost no extra statement.
struct WebhookState {
  bool exists = false;
  std::optional<bool> failing;  // failing_since is set; unknown until an attempt of the batch wrote it
};

// What one attempt changes besides the log: its delivery, and its webhook's failure record.
Status ApplyAttempt(Connection& db, const WebhookAttempt& a, WebhookState& state) {
  if (a.outcome == WebhookAttemptOutcome::kRetrying) {
    if (!a.next_attempt_at) return Status::InvalidArgument("a retried delivery needs its next attempt time");
    Result<Statement> update = db.Prepare(
        "UPDATE webhook_deliveries SET attempts = ?3, first_attempt_at = coalesce(first_attempt_at, ?4),"
        " next_attempt_at = ?5 WHERE webhook_id = ?1 AND event_id = ?2");
    if (!update.ok()) return update.status();
    update->Bind(1, a.webhook_id)
        .Bind(2, a.event_id)
        .Bind(3, static_cast<int64_t>(a.attempt))
        .Bind(4, ToUnixMillis(a.first_attempt_at.value_or(a.at)))
        .Bind(5, ToUnixMillis(*a.next_attempt_at));
    HERALD_RETURN_IF_ERROR(update->Run());
  } else {
    Result<Statement> remove = db.Prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?1 AND event_id = ?2");
    if (!remove.ok()) return remove.status();
    remove->Bind(1, a.webhook_id).Bind(2, a.event_id);
    HERALD_RETURN_IF_ERROR(remove->Run());
  }
  // Written only when it changes: most attempts leave it as it is.
  const bool delivered = a.outcome == WebhookAttemptOutcome::kDelivered;
  if (state.failing && *state.failing == !delivered) return Status::Ok();
  state.failing = !delivered;
  if (delivered) {
    Result<Statement> recovered =
        db.Prepare("UPDATE webhooks SET failing_since = NULL WHERE id = ?1 AND failing_since IS NOT NULL");
    if (!recovered.ok()) return recovered.status();
    recovered->Bind(1, a.webhook_id);
    return recovered->Run();
  }
  Result<Statement> failing =
      db.Prepare("UPDATE webhooks SET failing_since = ?2 WHERE id = ?1 AND failing_since IS NULL");
  if (!failing.ok()) return failing.status();
  failing->Bind(1, a.webhook_id).Bind(2, ToUnixMillis(a.at));
  return failing->Run();
}

Result<bool> WebhookExists(Connection& db, std::string_view webhook_id) {
  Result<Statement> find = db.Prepare("SELECT 1 FROM webhooks WHERE id = ?1");
  if (!find.ok()) return find.status();
  find->Bind(1, webhook_id);
  return find->Step();
}

}  // namespace

Status QueueWebhookDeliveriesSql(Connection& db, const WebhookFanOut& f) {
  if (f.to < f.from) return Status::InvalidArgument("a webhook's cursor only moves forward");
  {
    Result<Statement> move = db.Prepare(
        "UPDATE webhooks SET cursor = ?3 WHERE id = ?1 AND cursor = ?2 AND enabled = 1");
    if (!move.ok()) return move.status();
    move->Bind(1, f.webhook_id).Bind(2, f.from).Bind(3, f.to);
    HERALD_RETURN_IF_ERROR(move->Run());
  }
  if (db.Changes() == 0) {
    Result<bool> exists = WebhookExists(db, f.webhook_id);
    if (!exists.ok()) return exists.status();
    if (!*exists) return Status::NotFound("no webhook " + f.webhook_id);
    return Status::FailedPrecondition("webhook " + f.webhook_id + " was disabled or moved meanwhile");
  }
  for (const WebhookDelivery& d : f.deliveries) {
    if (d.webhook_id != f.webhook_id || d.event_id <= f.from || d.event_id > f.to)
      return Status::InvalidArgument("a delivery outside the webhook's new events");
    Result<Statement> insert = db.Prepare(
        "INSERT INTO webhook_deliveries (webhook_id, event_id, message_id, event_type, payload, attempts,"
        " first_attempt_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, d.webhook_id)
        .Bind(2, d.event_id)
        .Bind(3, d.message_id)
        .Bind(4, core::ToString(d.event_type))
        .Bind(5, d.payload)
        .Bind(6, static_cast<int64_t>(d.attempts))
        .Bind(7, OptionalMillis(d.first_attempt_at))
        .Bind(8, ToUnixMillis(d.next_attempt_at));
    HERALD_RETURN_IF_ERROR(insert->Run());
  }
  return Status::Ok();
}

Status RecordWebhookAttemptsSql(Connection& db, const std::vector<WebhookAttempt>& attempts) {
  std::map<std::string, WebhookState, std::less<>> webhooks;
  for (const WebhookAttempt& a : attempts) {
    auto it = webhooks.find(a.webhook_id);
    if (it == webhooks.end()) {
      Result<bool> exists = WebhookExists(db, a.webhook_id);
      if (!exists.ok()) return exists.status();
      it = webhooks.emplace(a.webhook_id, WebhookState{*exists, std::nullopt}).first;
    }
    // An attempt that ended after its webhook was deleted has nothing left to change.
    if (!it->second.exists) continue;
    HERALD_RETURN_IF_ERROR(LogAttempt(db, a));
    HERALD_RETURN_IF_ERROR(ApplyAttempt(db, a, it->second));
  }
  return Status::Ok();
}

Status PruneWebhookAttemptsSql(Connection& db, TimePoint before, int limit, int& deleted) {
  HERALD_RETURN_IF_ERROR(CheckLimit(limit, kMaxBatch));
  // Rows are in time order by id, so the oldest `limit` are read and only those old enough go: the
  // statement never scans the young part of the log.
  Result<Statement> prune = db.Prepare(
      "DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts ORDER BY id LIMIT ?2)"
      " AND at < ?1");
  if (!prune.ok()) return prune.status();
  prune->Bind(1, ToUnixMillis(before)).Bind(2, static_cast<int64_t>(limit));
  HERALD_RETURN_IF_ERROR(prune->Run());
  deleted = static_cast<int>(db.Changes());
  return Status::Ok();
}

Result<int64_t> LastEventIdSql(Connection& db) {
  Result<Statement> last = db.Prepare("SELECT coalesce(max(id), 0) FROM events");
  if (!last.ok()) return last.status();
  Result<bool> row = last->Step();
  if (!row.ok()) return row.status();
  return *row ? last->Int(0) : 0;
}

Result<std::vector<std::string>> AccountsWithEventsSql(Connection& db, int64_t after_id, int64_t up_to_id) {
  Result<Statement> list =
      db.Prepare("SELECT DISTINCT account_id FROM events WHERE id > ?1 AND id <= ?2");
  if (!list.ok()) return list.status();
  list->Bind(1, after_id).Bind(2, up_to_id);
  std::vector<std::string> accounts;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) return accounts;
    accounts.emplace_back(list->Text(0));
  }
}

Result<std::vector<WebhookEvent>> ListEventsAfterSql(Connection& db, std::string_view account_id, int64_t after_id,
                                                     int limit) {
  HERALD_RETURN_IF_ERROR(CheckLimit(limit, kMaxBatch));
  Result<Statement> list = db.Prepare(
      "SELECT e.id, e.message_id, e.type, e.at, e.details, m.campaign, m.rcpt_to, m.tags, m.metadata"
      " FROM events e JOIN messages m ON m.id = e.message_id"
      " WHERE e.account_id = ?1 AND e.id > ?2 ORDER BY e.id LIMIT ?3");
  if (!list.ok()) return list.status();
  list->Bind(1, account_id).Bind(2, after_id).Bind(3, static_cast<int64_t>(limit));
  std::vector<WebhookEvent> events;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) return events;
    WebhookEvent e;
    e.id = list->Int(0);
    e.message_id = list->Text(1);
    Result<core::EventType> type = ReadType(list->Text(2));
    if (!type.ok()) return type.status();
    e.type = *type;
    e.at = FromUnixMillis(list->Int(3));
    Result<nlohmann::json> details = ParseJson(list->Text(4), "events.details");
    Result<nlohmann::json> tags = ParseJson(list->Text(7), "messages.tags");
    Result<nlohmann::json> metadata = ParseJson(list->Text(8), "messages.metadata");
    if (!details.ok()) return details.status();
    if (!tags.ok()) return tags.status();
    if (!metadata.ok()) return metadata.status();
    e.details = std::move(*details);
    e.campaign = list->Text(5);
    e.recipient = list->Text(6);
    for (const nlohmann::json& tag : *tags) {
      if (tag.is_string()) e.tags.push_back(tag.get<std::string>());
    }
    e.metadata = std::move(*metadata);
    events.push_back(std::move(e));
  }
}

Result<std::vector<WebhookDelivery>> ListWebhookDeliveriesSql(Connection& db, std::string_view webhook_id,
                                                              int64_t after_event_id, int limit) {
  HERALD_RETURN_IF_ERROR(CheckLimit(limit, kMaxBatch));
  Result<Statement> list = db.Prepare(
      "SELECT event_id, message_id, event_type, payload, attempts, first_attempt_at, next_attempt_at"
      " FROM webhook_deliveries WHERE webhook_id = ?1 AND event_id > ?2 ORDER BY event_id LIMIT ?3");
  if (!list.ok()) return list.status();
  list->Bind(1, webhook_id).Bind(2, after_event_id).Bind(3, static_cast<int64_t>(limit));
  std::vector<WebhookDelivery> deliveries;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) return deliveries;
    WebhookDelivery d;
    d.webhook_id = webhook_id;
    d.event_id = list->Int(0);
    d.message_id = list->Text(1);
    Result<core::EventType> type = ReadType(list->Text(2));
    if (!type.ok()) return type.status();
    d.event_type = *type;
    d.payload = list->Text(3);
    d.attempts = static_cast<int>(list->Int(4));
    if (std::optional<int64_t> at = list->OptionalInt(5)) d.first_attempt_at = FromUnixMillis(*at);
    d.next_attempt_at = FromUnixMillis(list->Int(6));
    deliveries.push_back(std::move(d));
  }
}

Result<WebhookAttemptPage> ListWebhookAttemptsSql(Connection& db, std::string_view account_id,
                                                  std::string_view webhook_id, std::string_view cursor, int limit) {
  HERALD_RETURN_IF_ERROR(CheckLimit(limit, kMaxPage));
  int64_t before = INT64_MAX;
  if (!cursor.empty()) {
    auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), before);
    if (ec != std::errc() || end != cursor.data() + cursor.size() || before < 1)
      return Status::InvalidArgument("cursor is not one this list gave");
  }
  {
    Result<Statement> owner = db.Prepare("SELECT 1 FROM webhooks WHERE id = ?1 AND account_id = ?2");
    if (!owner.ok()) return owner.status();
    owner->Bind(1, webhook_id).Bind(2, account_id);
    Result<bool> row = owner->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no webhook " + std::string(webhook_id));
  }
  Result<Statement> list = db.Prepare(
      "SELECT id, event_id, event_type, message_id, attempt, at, duration_ms, http_status, error, outcome,"
      " next_attempt_at FROM webhook_attempts WHERE webhook_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3");
  if (!list.ok()) return list.status();
  list->Bind(1, webhook_id).Bind(2, before).Bind(3, static_cast<int64_t>(limit) + 1);
  WebhookAttemptPage page;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) return page;
    if (page.attempts.size() == static_cast<size_t>(limit)) {
      page.next_cursor = std::to_string(page.attempts.back().id);
      return page;
    }
    WebhookAttempt a;
    a.id = list->Int(0);
    a.webhook_id = webhook_id;
    a.event_id = list->Int(1);
    Result<core::EventType> type = ReadType(list->Text(2));
    if (!type.ok()) return type.status();
    a.event_type = *type;
    a.message_id = list->Text(3);
    a.attempt = static_cast<int>(list->Int(4));
    a.at = FromUnixMillis(list->Int(5));
    a.duration = Duration(list->Int(6));
    a.http_status = static_cast<int>(list->OptionalInt(7).value_or(0));
    a.error = list->Text(8);
    std::optional<WebhookAttemptOutcome> outcome = ParseWebhookAttemptOutcome(list->Text(9));
    if (!outcome) return Status::Corruption("a webhook attempt has an unknown outcome");
    a.outcome = *outcome;
    if (std::optional<int64_t> at = list->OptionalInt(10)) a.next_attempt_at = FromUnixMillis(*at);
    page.attempts.push_back(std::move(a));
  }
}

}  // namespace herald::storage::sqlite
