#include "storage/sqlite/smtp_connections.h"

#include <nlohmann/json.hpp>
#include <string>

#include "core/ip_network.h"
#include "storage/sqlite/rows.h"

namespace herald::storage::sqlite {
namespace {

// 12 columns of `smtp_connections`, read by ReadConnection.
#define HERALD_SMTP_CONNECTION_COLUMNS                                                        \
  "id, account_id, name, username, password_hash, domains, list_help_url, trusted_networks, " \
  "require_tls, enabled, created_at, last_used_at"

std::string StringsJson(const std::vector<std::string>& strings) {
  return CompactJson(nlohmann::json(strings));
}

Result<std::vector<std::string>> ReadStrings(std::string_view text, std::string_view id,
                                             std::string_view column) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto corrupt = [&] {
    return Status::Corruption("SMTP connection " + std::string(id) + " has malformed " + std::string(column));
  };
  if (!value.is_array()) return corrupt();
  std::vector<std::string> strings;
  for (const nlohmann::json& item : value) {
    if (!item.is_string()) return corrupt();
    strings.push_back(item.get<std::string>());
  }
  return strings;
}

Result<core::SmtpConnection> ReadConnection(const Statement& row) {
  core::SmtpConnection c;
  c.id = row.Text(0);
  c.account_id = row.Text(1);
  c.name = row.Text(2);
  c.username = row.Text(3);
  c.password_hash = row.Text(4);
  Result<std::vector<std::string>> domains = ReadStrings(row.Text(5), c.id, "domains");
  if (!domains.ok()) return domains.status();
  c.domains = std::move(*domains);
  c.list_help_url = row.Text(6);
  Result<std::vector<std::string>> networks = ReadStrings(row.Text(7), c.id, "trusted_networks");
  if (!networks.ok()) return networks.status();
  c.trusted_networks = std::move(*networks);
  c.require_tls = row.Int(8) != 0;
  c.enabled = row.Int(9) != 0;
  c.created_at = FromUnixMillis(row.Int(10));
  if (std::optional<int64_t> used = row.OptionalInt(11)) c.last_used_at = FromUnixMillis(*used);
  return c;
}

Result<std::vector<core::SmtpConnection>> ReadAll(Statement& list) {
  std::vector<core::SmtpConnection> connections;
  for (;;) {
    Result<bool> row = list.Step();
    if (!row.ok()) return row.status();
    if (!*row) return connections;
    Result<core::SmtpConnection> connection = ReadConnection(list);
    if (!connection.ok()) return connection.status();
    connections.push_back(std::move(*connection));
  }
}

Result<core::SmtpConnection> ReadOne(Statement& get) {
  Result<bool> row = get.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such SMTP connection");
  return ReadConnection(get);
}

Status CheckFields(const core::SmtpConnection& c, bool creating) {
  if (c.id.empty() || c.account_id.empty())
    return Status::InvalidArgument("an SMTP connection needs an id and an account");
  if (creating && (c.username.empty() || c.password_hash.empty()))
    return Status::InvalidArgument("an SMTP connection needs a username and a password hash");
  if (c.domains.empty()) return Status::InvalidArgument("an SMTP connection needs at least one domain");
  return Status::Ok();
}

// FailedPrecondition if a trusted network of `c` overlaps one of any other connection. Runs inside the
// write's transaction, after the row is written, so the check and the change commit together.
Status CheckNoOverlap(Connection& db, const core::SmtpConnection& c) {
  if (c.trusted_networks.empty()) return Status::Ok();
  std::vector<core::IpNetwork> mine;
  for (const std::string& text : c.trusted_networks) {
    Result<core::IpNetwork> network = core::IpNetwork::Parse(text);
    if (!network.ok() || network->ToString() != text)
      return Status::InvalidArgument("trusted networks must be canonical CIDR text");
    mine.push_back(*network);
  }

  // The condition repeats the partial index's word for word so the planner can use it.
  Result<Statement> others = db.Prepare(
      "SELECT id, account_id, trusted_networks FROM smtp_connections"
      " WHERE trusted_networks <> '[]' AND id <> ?1 ORDER BY id");
  if (!others.ok()) return others.status();
  others->Bind(1, c.id);
  for (;;) {
    Result<bool> row = others->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    std::string other_id(others->Text(0));
    Result<std::vector<std::string>> texts = ReadStrings(others->Text(2), other_id, "trusted_networks");
    if (!texts.ok()) return texts.status();
    for (const std::string& text : *texts) {
      Result<core::IpNetwork> theirs = core::IpNetwork::Parse(text);
      if (!theirs.ok())
        return Status::Corruption("SMTP connection " + other_id + " has a malformed trusted network");
      for (const core::IpNetwork& network : mine) {
        if (!core::Overlaps(network, *theirs)) continue;
        // Another account's connection is not named: its id means nothing to this caller.
        std::string whose = others->Text(1) == c.account_id ? "SMTP connection " + other_id
                                                            : "an SMTP connection of another account";
        return Status::FailedPrecondition("trusted network " + network.ToString() + " overlaps " +
                                          theirs->ToString() + ", a trusted network of " + whose);
      }
    }
  }
}

}  // namespace

Status CreateSmtpConnectionSql(Connection& db, const core::SmtpConnection& c) {
  HERALD_RETURN_IF_ERROR(CheckFields(c, /*creating=*/true));
  {
    Result<Statement> insert = db.Prepare("INSERT INTO smtp_connections (" HERALD_SMTP_CONNECTION_COLUMNS
                                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    if (!insert.ok()) return insert.status();
    std::optional<int64_t> last_used;
    if (c.last_used_at) last_used = ToUnixMillis(*c.last_used_at);
    insert->Bind(1, c.id)
        .Bind(2, c.account_id)
        .Bind(3, c.name)
        .Bind(4, c.username)
        .Bind(5, c.password_hash)
        .Bind(6, StringsJson(c.domains))
        .Bind(7, c.list_help_url)
        .Bind(8, StringsJson(c.trusted_networks))
        .Bind(9, static_cast<int64_t>(c.require_tls ? 1 : 0))
        .Bind(10, static_cast<int64_t>(c.enabled ? 1 : 0))
        .Bind(11, ToUnixMillis(c.created_at))
        .Bind(12, last_used);
    Status status = insert->Run();
    if (status.code() == Code::kNotFound) return Status::NotFound("no account " + c.account_id);
    if (status.code() == Code::kAlreadyExists)
      return Status::AlreadyExists("an SMTP connection with this id or username exists");
    HERALD_RETURN_IF_ERROR(status);
  }
  return CheckNoOverlap(db, c);
}

Status UpdateSmtpConnectionSql(Connection& db, const core::SmtpConnection& c) {
  HERALD_RETURN_IF_ERROR(CheckFields(c, /*creating=*/false));
  {
    Result<Statement> update = db.Prepare(
        "UPDATE smtp_connections SET name = ?3,"
        " password_hash = CASE WHEN ?4 = '' THEN password_hash ELSE ?4 END, domains = ?5, list_help_url = ?6,"
        " trusted_networks = ?7, require_tls = ?8, enabled = ?9 WHERE id = ?1 AND account_id = ?2");
    if (!update.ok()) return update.status();
    update->Bind(1, c.id)
        .Bind(2, c.account_id)
        .Bind(3, c.name)
        .Bind(4, c.password_hash)
        .Bind(5, StringsJson(c.domains))
        .Bind(6, c.list_help_url)
        .Bind(7, StringsJson(c.trusted_networks))
        .Bind(8, static_cast<int64_t>(c.require_tls ? 1 : 0))
        .Bind(9, static_cast<int64_t>(c.enabled ? 1 : 0));
    HERALD_RETURN_IF_ERROR(update->Run());
    if (db.Changes() == 0) return Status::NotFound("no SMTP connection " + c.id);
  }
  return CheckNoOverlap(db, c);
}

Status DeleteSmtpConnectionSql(Connection& db, std::string_view account_id, std::string_view connection_id) {
  Result<Statement> remove = db.Prepare("DELETE FROM smtp_connections WHERE id = ?1 AND account_id = ?2");
  if (!remove.ok()) return remove.status();
  remove->Bind(1, connection_id).Bind(2, account_id);
  HERALD_RETURN_IF_ERROR(remove->Run());
  if (db.Changes() == 0) return Status::NotFound("no SMTP connection " + std::string(connection_id));
  return Status::Ok();
}

Status TouchSmtpConnectionSql(Connection& db, std::string_view connection_id, TimePoint at) {
  Result<Statement> touch = db.Prepare(
      "UPDATE smtp_connections SET last_used_at = max(coalesce(last_used_at, ?2), ?2) WHERE id = ?1");
  if (!touch.ok()) return touch.status();
  touch->Bind(1, connection_id).Bind(2, ToUnixMillis(at));
  HERALD_RETURN_IF_ERROR(touch->Run());
  if (db.Changes() == 0) return Status::NotFound("no SMTP connection " + std::string(connection_id));
  return Status::Ok();
}

Result<core::SmtpConnection> GetSmtpConnectionSql(Connection& db, std::string_view account_id,
                                                  std::string_view connection_id) {
  Result<Statement> get = db.Prepare("SELECT " HERALD_SMTP_CONNECTION_COLUMNS
                                     " FROM smtp_connections WHERE id = ?1 AND account_id = ?2");
  if (!get.ok()) return get.status();
  get->Bind(1, connection_id).Bind(2, account_id);
  return ReadOne(*get);
}

Result<std::vector<core::SmtpConnection>> ListSmtpConnectionsSql(Connection& db,
                                                                 std::string_view account_id) {
  Result<Statement> list = db.Prepare("SELECT " HERALD_SMTP_CONNECTION_COLUMNS
                                      " FROM smtp_connections WHERE account_id = ?1 ORDER BY id");
  if (!list.ok()) return list.status();
  list->Bind(1, account_id);
  return ReadAll(*list);
}

Result<core::SmtpConnection> FindSmtpConnectionByUsernameSql(Connection& db, std::string_view username) {
  Result<Statement> find =
      db.Prepare("SELECT " HERALD_SMTP_CONNECTION_COLUMNS " FROM smtp_connections WHERE username = ?1");
  if (!find.ok()) return find.status();
  find->Bind(1, username);
  return ReadOne(*find);
}

Result<std::vector<core::SmtpConnection>> ListTrustedSmtpConnectionsSql(Connection& db) {
  Result<Statement> list = db.Prepare("SELECT " HERALD_SMTP_CONNECTION_COLUMNS
                                      " FROM smtp_connections WHERE trusted_networks <> '[]' ORDER BY id");
  if (!list.ok()) return list.status();
  return ReadAll(*list);
}

}  // namespace herald::storage::sqlite
