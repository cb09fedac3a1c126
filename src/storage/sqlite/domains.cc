#include "storage/sqlite/domains.h"

#include <nlohmann/json.hpp>

#include <string>

#include "storage/sqlite/rows.h"

namespace herald::storage::sqlite {
namespace {

using nlohmann::json;

// 13 columns of `domains`, read by ReadDomain.
#define HERALD_DOMAIN_COLUMNS                                                                          \
  "id, account_id, name, purpose, pool, status, records, keys, warnings, created_at, verified_at, " \
  "checked_at, revision"

std::optional<int64_t> OptionalMillis(const std::optional<TimePoint>& at) {
  if (!at) return std::nullopt;
  return ToUnixMillis(*at);
}

json RecordsJson(const std::vector<core::DnsRecord>& records) {
  json out = json::array();
  for (const core::DnsRecord& r : records) {
    out.push_back({{"purpose", core::ToString(r.purpose)},
                   {"type", r.type},
                   {"name", r.name},
                   {"value", r.value},
                   {"selector", r.selector},
                   {"status", core::ToString(r.status)},
                   {"found", r.found},
                   {"checked_at", r.checked_at ? json(ToUnixMillis(*r.checked_at)) : json(nullptr)}});
  }
  return out;
}

json KeysJson(const std::vector<core::DkimKey>& keys) {
  json out = json::array();
  for (const core::DkimKey& k : keys) {
    out.push_back({{"selector", k.selector},
                   {"algorithm", k.algorithm},
                   {"public_key", k.public_key},
                   {"sealed_private_key", k.sealed_private_key},
                   {"state", core::ToString(k.state)},
                   {"created_at", ToUnixMillis(k.created_at)}});
  }
  return out;
}

// Reads an enumerator's name; throws json::type_error (caught by ReadDomain) when it is unknown.
template <typename Enum>
Enum Named(const json& value, std::optional<Enum> (*parse)(std::string_view)) {
  std::optional<Enum> parsed = parse(value.get<std::string>());
  if (!parsed) throw json::type_error::create(302, "unknown name", &value);
  return *parsed;
}

// The JSON columns of a domain row. nlohmann reports a wrong shape by throwing; caught here, where
// it becomes Corruption, and never leaves this file.
Status ReadJsonColumns(const Statement& row, core::SendingDomain& d) {
  try {
    for (const json& r : json::parse(row.Text(6))) {
      core::DnsRecord record;
      record.purpose = Named<core::RecordPurpose>(r.at("purpose"), core::ParseRecordPurpose);
      record.type = r.at("type").get<std::string>();
      record.name = r.at("name").get<std::string>();
      record.value = r.at("value").get<std::string>();
      record.selector = r.at("selector").get<std::string>();
      record.status = Named<core::RecordStatus>(r.at("status"), core::ParseRecordStatus);
      record.found = r.at("found").get<std::vector<std::string>>();
      if (!r.at("checked_at").is_null()) record.checked_at = FromUnixMillis(r.at("checked_at").get<int64_t>());
      d.records.push_back(std::move(record));
    }
    for (const json& k : json::parse(row.Text(7))) {
      core::DkimKey key;
      key.selector = k.at("selector").get<std::string>();
      key.algorithm = k.at("algorithm").get<std::string>();
      key.public_key = k.at("public_key").get<std::string>();
      key.sealed_private_key = k.at("sealed_private_key").get<std::string>();
      key.state = Named<core::DkimKeyState>(k.at("state"), core::ParseDkimKeyState);
      key.created_at = FromUnixMillis(k.at("created_at").get<int64_t>());
      d.keys.push_back(std::move(key));
    }
    d.warnings = json::parse(row.Text(8)).get<std::vector<std::string>>();
  } catch (const json::exception&) {
    return Status::Corruption("domain " + d.name + " has malformed records, keys or warnings");
  }
  return Status::Ok();
}

Result<core::SendingDomain> ReadDomain(const Statement& row) {
  core::SendingDomain d;
  d.id = row.Text(0);
  d.account_id = row.Text(1);
  d.name = row.Text(2);
  std::optional<core::DomainPurpose> purpose = core::ParseDomainPurpose(row.Text(3));
  std::optional<core::DomainStatus> status = core::ParseDomainStatus(row.Text(5));
  if (!purpose || !status) return Status::Corruption("domain " + d.name + " has an unknown purpose or status");
  d.purpose = *purpose;
  d.pool = row.Text(4);
  d.status = *status;
  HERALD_RETURN_IF_ERROR(ReadJsonColumns(row, d));
  d.created_at = FromUnixMillis(row.Int(9));
  if (std::optional<int64_t> at = row.OptionalInt(10)) d.verified_at = FromUnixMillis(*at);
  if (std::optional<int64_t> at = row.OptionalInt(11)) d.checked_at = FromUnixMillis(*at);
  d.revision = row.Int(12);
  return d;
}

Result<std::vector<core::SendingDomain>> ReadAll(Statement& list) {
  std::vector<core::SendingDomain> domains;
  for (;;) {
    Result<bool> row = list.Step();
    if (!row.ok()) return row.status();
    if (!*row) return domains;
    Result<core::SendingDomain> domain = ReadDomain(list);
    if (!domain.ok()) return domain.status();
    domains.push_back(std::move(*domain));
  }
}

}  // namespace

Status AppendAccountEventSql(Connection& db, const core::AccountEvent& event) {
  Result<Statement> insert =
      db.Prepare("INSERT INTO account_events (account_id, type, subject, at, details) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, event.account_id)
      .Bind(2, event.type)
      .Bind(3, event.subject)
      .Bind(4, ToUnixMillis(event.at))
      .Bind(5, CompactJson(event.details));
  return insert->Run();
}

Status CreateDomainSql(Connection& db, const core::SendingDomain& d) {
  if (d.id.empty() || d.account_id.empty() || d.name.empty())
    return Status::InvalidArgument("a domain needs an id, an account and a name");
  Result<Statement> insert = db.Prepare("INSERT INTO domains (" HERALD_DOMAIN_COLUMNS
                                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, d.id)
      .Bind(2, d.account_id)
      .Bind(3, d.name)
      .Bind(4, core::ToString(d.purpose))
      .Bind(5, d.pool)
      .Bind(6, core::ToString(d.status))
      .Bind(7, CompactJson(RecordsJson(d.records)))
      .Bind(8, CompactJson(KeysJson(d.keys)))
      .Bind(9, CompactJson(json(d.warnings)))
      .Bind(10, ToUnixMillis(d.created_at))
      .Bind(11, OptionalMillis(d.verified_at))
      .Bind(12, OptionalMillis(d.checked_at));
  Status status = insert->Run();
  if (status.code() == Code::kNotFound) return Status::NotFound("no account " + d.account_id);
  if (status.code() == Code::kAlreadyExists) return Status::AlreadyExists("domain " + d.name + " is already registered");
  return status;
}

Status UpdateDomainSql(Connection& db, const core::SendingDomain& d, const std::vector<core::AccountEvent>& events) {
  {
    Result<Statement> update = db.Prepare(
        "UPDATE domains SET pool = ?4, status = ?5, records = ?6, keys = ?7, warnings = ?8, verified_at = ?9,"
        " checked_at = ?10, revision = revision + 1 WHERE account_id = ?1 AND name = ?2 AND revision = ?3");
    if (!update.ok()) return update.status();
    update->Bind(1, d.account_id)
        .Bind(2, d.name)
        .Bind(3, d.revision)
        .Bind(4, d.pool)
        .Bind(5, core::ToString(d.status))
        .Bind(6, CompactJson(RecordsJson(d.records)))
        .Bind(7, CompactJson(KeysJson(d.keys)))
        .Bind(8, CompactJson(json(d.warnings)))
        .Bind(9, OptionalMillis(d.verified_at))
        .Bind(10, OptionalMillis(d.checked_at));
    HERALD_RETURN_IF_ERROR(update->Run());
  }
  if (db.Changes() == 0) {
    Result<core::SendingDomain> now = GetDomainSql(db, d.account_id, d.name);
    if (!now.ok()) return now.status();
    return Status::FailedPrecondition("domain " + d.name + " changed meanwhile");
  }
  for (const core::AccountEvent& event : events) HERALD_RETURN_IF_ERROR(AppendAccountEventSql(db, event));
  return Status::Ok();
}

Status DeleteDomainSql(Connection& db, std::string_view account_id, std::string_view name) {
  Result<Statement> remove = db.Prepare("DELETE FROM domains WHERE account_id = ?1 AND name = ?2");
  if (!remove.ok()) return remove.status();
  remove->Bind(1, account_id).Bind(2, name);
  HERALD_RETURN_IF_ERROR(remove->Run());
  if (db.Changes() == 0) return Status::NotFound("no domain " + std::string(name));
  return Status::Ok();
}

Result<core::SendingDomain> GetDomainSql(Connection& db, std::string_view account_id, std::string_view name) {
  Result<Statement> get =
      db.Prepare("SELECT " HERALD_DOMAIN_COLUMNS " FROM domains WHERE account_id = ?1 AND name = ?2");
  if (!get.ok()) return get.status();
  get->Bind(1, account_id).Bind(2, name);
  Result<bool> row = get->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no domain " + std::string(name));
  return ReadDomain(*get);
}

Result<std::vector<core::SendingDomain>> ListDomainsSql(Connection& db, std::string_view account_id) {
  Result<Statement> list =
      db.Prepare("SELECT " HERALD_DOMAIN_COLUMNS " FROM domains WHERE account_id = ?1 ORDER BY name");
  if (!list.ok()) return list.status();
  list->Bind(1, account_id);
  return ReadAll(*list);
}

Result<std::vector<core::SendingDomain>> ListAllDomainsSql(Connection& db) {
  Result<Statement> list = db.Prepare("SELECT " HERALD_DOMAIN_COLUMNS " FROM domains ORDER BY name");
  if (!list.ok()) return list.status();
  return ReadAll(*list);
}

Result<std::vector<core::AccountEvent>> ListAccountEventsSql(Connection& db, std::string_view account_id,
                                                             std::string_view subject, int limit) {
  Result<Statement> list = db.Prepare(
      "SELECT type, at, details FROM account_events WHERE account_id = ?1 AND subject = ?2 ORDER BY id DESC LIMIT ?3");
  if (!list.ok()) return list.status();
  list->Bind(1, account_id).Bind(2, subject).Bind(3, static_cast<int64_t>(limit));
  std::vector<core::AccountEvent> events;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) return events;
    json details = json::parse(list->Text(2), nullptr, /*allow_exceptions=*/false);
    if (!details.is_object()) return Status::Corruption("an account event has malformed details");
    events.push_back({std::string(account_id), std::string(list->Text(0)), std::string(subject),
                      FromUnixMillis(list->Int(1)), std::move(details)});
  }
}

}  // namespace herald::storage::sqlite
