#include "storage/sqlite/profiles.h"

#include <nlohmann/json.hpp>

#include "storage/sqlite/rows.h"

namespace herald::storage::sqlite {
namespace {

using nlohmann::json;

#define HERALD_PROFILE_TABLE_COLUMNS "id, account_id, name, kind, key, attributes, created_at"
#define HERALD_PROFILE_COLUMNS "id, table_id, key, attributes, created_at, updated_at"

Result<core::ProfileTable> ReadTable(const Statement& row) {
  core::ProfileTable t;
  t.id = row.Text(0);
  t.account_id = row.Text(1);
  t.name = row.Text(2);
  std::optional<core::ProfileTableKind> kind = core::ParseProfileTableKind(row.Text(3));
  if (!kind) return Status::Corruption("profile table " + t.name + " has an unknown kind");
  t.kind = *kind;
  t.key = row.Text(4);
  Result<std::vector<core::AttributeDef>> attributes = ReadAttributeDefs(row.Text(5), "profile table " + t.name);
  if (!attributes.ok()) return attributes.status();
  t.attributes = std::move(*attributes);
  t.created_at = FromUnixMillis(row.Int(6));
  return t;
}

Result<core::Profile> ReadProfile(const Statement& row) {
  core::Profile p;
  p.id = row.Text(0);
  p.table_id = row.Text(1);
  p.key = row.Text(2);
  p.attributes = json::parse(row.Text(3), nullptr, /*allow_exceptions=*/false);
  if (!p.attributes.is_object()) return Status::Corruption("profile " + p.id + " has malformed attributes");
  p.created_at = FromUnixMillis(row.Int(4));
  p.updated_at = FromUnixMillis(row.Int(5));
  return p;
}

Result<std::optional<core::Profile>> ProfileById(Connection& db, std::string_view id) {
  Result<Statement> get = db.Prepare("SELECT " HERALD_PROFILE_COLUMNS " FROM profiles WHERE id = ?1");
  if (!get.ok()) return get.status();
  get->Bind(1, id);
  Result<bool> row = get->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<core::Profile>();
  Result<core::Profile> profile = ReadProfile(*get);
  if (!profile.ok()) return profile.status();
  return std::optional<core::Profile>(std::move(*profile));
}

// The profile ids of the table whose `attribute` is `value`, oldest first, at most `limit`.
Result<std::vector<std::string>> IdsWith(Connection& db, std::string_view table_id, std::string_view attribute,
                                         std::string_view value, std::string_view after, int limit) {
  Result<Statement> find = db.Prepare(
      "SELECT profile_id FROM profile_values WHERE table_id = ?1 AND attribute = ?2 AND value = ?3"
      " AND profile_id > ?4 ORDER BY profile_id LIMIT ?5");
  if (!find.ok()) return find.status();
  find->Bind(1, table_id).Bind(2, attribute).Bind(3, value).Bind(4, after).Bind(5, static_cast<int64_t>(limit));
  std::vector<std::string> ids;
  for (;;) {
    Result<bool> row = find->Step();
    if (!row.ok()) return row.status();
    if (!*row) return ids;
    ids.emplace_back(find->Text(0));
  }
}

// The profile's values, found by attribute; `replace`: the profile had values before, which go first.
Status WriteValues(Connection& db, const std::string& table_id, const core::Profile& p, bool replace) {
  if (replace) {
    Result<Statement> clear = db.Prepare("DELETE FROM profile_values WHERE profile_id = ?1");
    if (!clear.ok()) return clear.status();
    clear->Bind(1, p.id);
    HERALD_RETURN_IF_ERROR(clear->Run());
  }
  for (const auto& [name, value] : p.attributes.items()) {
    // Prepared statements are cached by the connection: preparing one per value costs a lookup.
    Result<Statement> insert =
        db.Prepare("INSERT INTO profile_values (table_id, attribute, value, profile_id) VALUES (?1, ?2, ?3, ?4)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, table_id).Bind(2, name).Bind(3, core::IndexText(value)).Bind(4, p.id);
    HERALD_RETURN_IF_ERROR(insert->Run());
  }
  return Status::Ok();
}

// AlreadyExists when another profile of the table holds the value of one of `p`'s unique attributes.
// `looked_up`: an attribute and value whose holders the caller has just found to be none or `p` alone.
Status CheckUnique(Connection& db, const core::ProfileTable& table, const core::Profile& p,
                   std::pair<std::string_view, std::string_view> looked_up) {
  for (const core::AttributeDef& def : table.attributes) {
    if (!def.unique || !p.attributes.contains(def.name)) continue;
    const std::string value = core::IndexText(p.attributes[def.name]);
    if (def.name == looked_up.first && value == looked_up.second) continue;
    Result<std::vector<std::string>> holders = IdsWith(db, table.id, def.name, value, "", 2);
    if (!holders.ok()) return holders.status();
    for (const std::string& id : *holders) {
      if (id != p.id) return Status::AlreadyExists(def.name + ": the value belongs to another profile");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string AttributeDefsJson(const std::vector<core::AttributeDef>& defs) {
  json out = json::array();
  for (const core::AttributeDef& d : defs) {
    out.push_back({{"name", d.name},
                   {"type", core::ToString(d.type)},
                   {"unique", d.unique},
                   {"required", d.required},
                   {"values", d.values}});
  }
  return CompactJson(out);
}

Result<std::vector<core::AttributeDef>> ReadAttributeDefs(std::string_view text, std::string_view owner) {
  std::vector<core::AttributeDef> defs;
  // nlohmann reports a wrong shape by throwing; caught here and made Corruption.
  try {
    for (const json& a : json::parse(text)) {
      std::optional<core::AttributeType> type = core::ParseAttributeType(a.at("type").get<std::string>());
      if (!type) return Status::Corruption(std::string(owner) + " has a definition of unknown type");
      defs.push_back({a.at("name").get<std::string>(), *type, a.at("unique").get<bool>(), a.at("required").get<bool>(),
                      a.at("values").get<std::vector<std::string>>()});
    }
  } catch (const json::exception&) {
    return Status::Corruption(std::string(owner) + " has malformed definitions");
  }
  return defs;
}

Status CreateProfileTableSql(Connection& db, const core::ProfileTable& t) {
  Result<Statement> insert = db.Prepare("INSERT INTO profile_tables (" HERALD_PROFILE_TABLE_COLUMNS
                                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, t.id)
      .Bind(2, t.account_id)
      .Bind(3, t.name)
      .Bind(4, core::ToString(t.kind))
      .Bind(5, t.key)
      .Bind(6, AttributeDefsJson(t.attributes))
      .Bind(7, ToUnixMillis(t.created_at));
  Status status = insert->Run();
  if (status.code() == Code::kAlreadyExists) return Status::AlreadyExists("a profile table named " + t.name + " exists");
  if (status.code() == Code::kNotFound) return Status::NotFound("no account " + t.account_id);
  return status;
}

Status UpsertProfileSql(Connection& db, const ProfileWrite& w, ProfileWriteOutcome& outcome) {
  Result<std::vector<std::string>> found = IdsWith(db, w.table.id, w.lookup_attribute, w.lookup_value, "", 1);
  if (!found.ok()) return found.status();
  core::Profile profile;
  if (!found->empty()) {
    Result<std::optional<core::Profile>> existing = ProfileById(db, found->front());
    if (!existing.ok()) return existing.status();
    if (!*existing) return Status::Corruption("profile " + found->front() + " is indexed but missing");
    profile = std::move(**existing);
  } else {
    profile.id = w.new_id;
    profile.table_id = w.table.id;
    profile.created_at = w.now;
    outcome.created = true;
  }
  Result<json> merged = core::MergeAttributes(w.table, profile.attributes, w.changes);
  if (!merged.ok()) return merged.status();
  profile.attributes = std::move(*merged);
  if (outcome.created && !profile.attributes.contains(w.lookup_attribute)) {
    // A new profile is found by its lookup value from now on: it holds it (as the caller gave it).
    return Status::InvalidArgument(w.lookup_attribute + ": required to create a profile");
  }
  profile.key = w.table.kind == core::ProfileTableKind::kCustom ? core::IndexText(profile.attributes[w.table.key])
                                                                : profile.id;
  profile.updated_at = w.now;
  HERALD_RETURN_IF_ERROR(CheckUnique(db, w.table, profile, {w.lookup_attribute, w.lookup_value}));

  Result<Statement> write = db.Prepare(
      "INSERT INTO profiles (" HERALD_PROFILE_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
      " ON CONFLICT (id) DO UPDATE SET key = excluded.key, attributes = excluded.attributes,"
      " updated_at = excluded.updated_at");
  if (!write.ok()) return write.status();
  write->Bind(1, profile.id)
      .Bind(2, profile.table_id)
      .Bind(3, profile.key)
      .Bind(4, CompactJson(profile.attributes))
      .Bind(5, ToUnixMillis(profile.created_at))
      .Bind(6, ToUnixMillis(profile.updated_at));
  Status status = write->Run();
  if (status.code() == Code::kNotFound) return Status::NotFound("no profile table " + w.table.id);
  if (status.code() == Code::kAlreadyExists) return Status::AlreadyExists(w.table.key + ": the value belongs to another profile");
  HERALD_RETURN_IF_ERROR(status);
  HERALD_RETURN_IF_ERROR(WriteValues(db, w.table.id, profile, !outcome.created));
  outcome.profile = std::move(profile);
  return Status::Ok();
}

Status DeleteProfileSql(Connection& db, std::string_view table_id, std::string_view profile_id) {
  {
    Result<Statement> remove = db.Prepare("DELETE FROM profiles WHERE id = ?1 AND table_id = ?2");
    if (!remove.ok()) return remove.status();
    remove->Bind(1, profile_id).Bind(2, table_id);
    HERALD_RETURN_IF_ERROR(remove->Run());
    if (db.Changes() == 0) return Status::NotFound("no profile " + std::string(profile_id));
  }
  for (const char* sql : {"DELETE FROM profile_values WHERE profile_id = ?1",
                          "UPDATE messages SET metadata = '{}' WHERE profile_id = ?1",
                          "DELETE FROM interaction_rows WHERE profile_id = ?1",
                          "DELETE FROM row_events WHERE profile_id = ?1"}) {
    Result<Statement> statement = db.Prepare(sql);
    if (!statement.ok()) return statement.status();
    statement->Bind(1, profile_id);
    HERALD_RETURN_IF_ERROR(statement->Run());
  }
  return Status::Ok();
}

Result<core::ProfileTable> GetProfileTableSql(Connection& db, std::string_view account_id, std::string_view name) {
  Result<Statement> get = db.Prepare("SELECT " HERALD_PROFILE_TABLE_COLUMNS
                                     " FROM profile_tables WHERE account_id = ?1 AND name = ?2");
  if (!get.ok()) return get.status();
  get->Bind(1, account_id).Bind(2, name);
  Result<bool> row = get->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no profile table " + std::string(name));
  return ReadTable(*get);
}

Result<std::vector<core::ProfileTable>> ListProfileTablesSql(Connection& db, std::string_view account_id) {
  Result<Statement> list =
      db.Prepare("SELECT " HERALD_PROFILE_TABLE_COLUMNS " FROM profile_tables WHERE account_id = ?1 ORDER BY name");
  if (!list.ok()) return list.status();
  list->Bind(1, account_id);
  std::vector<core::ProfileTable> tables;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) return tables;
    Result<core::ProfileTable> table = ReadTable(*list);
    if (!table.ok()) return table.status();
    tables.push_back(std::move(*table));
  }
}

Result<core::Profile> FindProfileSql(Connection& db, std::string_view table_id, std::string_view attribute,
                                     std::string_view value) {
  Result<std::vector<std::string>> ids = IdsWith(db, table_id, attribute, value, "", 1);
  if (!ids.ok()) return ids.status();
  if (ids->empty()) return Status::NotFound("no such profile");
  Result<std::optional<core::Profile>> profile = ProfileById(db, ids->front());
  if (!profile.ok()) return profile.status();
  if (!*profile) return Status::NotFound("no such profile");
  return std::move(**profile);
}

Result<ProfilePage> SearchProfilesSql(Connection& db, std::string_view table_id, std::string_view attribute,
                                      std::string_view value, std::string_view cursor, int limit) {
  Result<std::vector<std::string>> ids = IdsWith(db, table_id, attribute, value, cursor, limit + 1);
  if (!ids.ok()) return ids.status();
  ProfilePage page;
  const bool more = ids->size() > static_cast<size_t>(limit);
  if (more) ids->pop_back();
  for (const std::string& id : *ids) {
    Result<std::optional<core::Profile>> profile = ProfileById(db, id);
    if (!profile.ok()) return profile.status();
    if (*profile) page.profiles.push_back(std::move(**profile));
  }
  if (more && !page.profiles.empty()) page.next_cursor = page.profiles.back().id;
  return page;
}

}  // namespace herald::storage::sqlite
