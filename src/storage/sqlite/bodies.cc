#include "storage/sqlite/bodies.h"

#include <nlohmann/json.hpp>

namespace herald::storage::sqlite {
namespace {

// The id of the account's part with `digest`, stored now if the account has none yet.
Result<int64_t> FindOrInsertPart(Connection& db, std::string_view account_id, std::string_view digest,
                                 std::string_view bytes) {
  {
    Result<Statement> find = db.Prepare("SELECT id FROM body_parts WHERE account_id = ?1 AND digest = ?2");
    if (!find.ok()) return find.status();
    find->Bind(1, account_id).BindBlobNoCopy(2, digest);
    Result<bool> row = find->Step();
    if (!row.ok()) return row.status();
    if (*row) return find->Int(0);
  }
  Result<Statement> insert =
      db.Prepare("INSERT INTO body_parts (account_id, digest, bytes) VALUES (?1, ?2, ?3) RETURNING id");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, account_id).BindBlobNoCopy(2, digest).BindBlobNoCopy(3, bytes);
  Result<bool> row = insert->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal("storing a body part returned no id");
  return insert->Int(0);
}

}  // namespace

Status InsertBodySql(Connection& db, std::string_view message_id, std::string_view account_id,
                     std::string_view raw, std::span<const SharedPart> parts) {
  std::string kept;  // raw without the shared parts' bytes
  nlohmann::json places = nlohmann::json::array();
  size_t copied = 0;
  for (const SharedPart& part : parts) {
    if (part.offset < copied || part.offset > raw.size() || part.size > raw.size() - part.offset)
      return Status::InvalidArgument("a shared part of " + std::string(message_id) + " is not within its message");
    if (part.size < kMinSharedPartBytes) continue;
    if (kept.empty()) kept.reserve(raw.size());
    kept.append(raw.substr(copied, part.offset - copied));
    copied = part.offset + part.size;
    Result<int64_t> id = FindOrInsertPart(db, account_id, part.digest, raw.substr(part.offset, part.size));
    if (!id.ok()) return id.status();
    places.push_back({kept.size(), *id});
  }
  std::string_view body = raw;
  if (!places.empty()) {
    kept.append(raw.substr(copied));
    body = kept;
  }
  Result<Statement> insert = db.Prepare("INSERT INTO message_bodies (message_id, raw, parts) VALUES (?1, ?2, ?3)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, message_id).BindBlobNoCopy(2, body);
  if (places.empty()) {
    insert->Bind(3, nullptr);
  } else {
    insert->Bind(3, places.dump());
  }
  return insert->Run();
}

Result<std::string> AssembleBodySql(Connection& db, std::string_view raw, std::optional<std::string_view> parts) {
  if (!parts) return std::string(raw);
  const nlohmann::json places = nlohmann::json::parse(*parts, nullptr, /*allow_exceptions=*/false);
  if (!places.is_array()) return Status::Corruption("a message body's parts list is not a JSON array");
  std::string whole;
  size_t copied = 0;
  for (const nlohmann::json& place : places) {
    if (!place.is_array() || place.size() != 2 || !place[0].is_number_unsigned() || !place[1].is_number_integer())
      return Status::Corruption("a message body's parts list holds something but [offset, part id] pairs");
    const size_t offset = place[0].get<size_t>();
    if (offset < copied || offset > raw.size()) return Status::Corruption("a message body's part lies outside it");
    Result<Statement> get = db.Prepare("SELECT bytes FROM body_parts WHERE id = ?1");
    if (!get.ok()) return get.status();
    get->Bind(1, place[1].get<int64_t>());
    Result<bool> row = get->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Corruption("a message body refers to a missing part " + place[1].dump());
    if (whole.empty()) whole.reserve(raw.size() + places.size() * get->Blob(0).size());
    whole.append(raw.substr(copied, offset - copied));
    whole.append(get->Blob(0));
    copied = offset;
  }
  whole.append(raw.substr(copied));
  return whole;
}

}  // namespace herald::storage::sqlite
