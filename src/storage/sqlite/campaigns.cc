#include "storage/sqlite/campaigns.h"

#include "storage/sqlite/rows.h"

namespace herald::storage::sqlite {
namespace {

// 8 columns of a version's content, read by ReadContent.
#define HERALD_CONTENT_COLUMNS \
  "v.from_template, v.reply_to, v.subject, v.html, v.text, v.track_opens, v.track_clicks, v.missing_variables"
// 11 columns of `campaigns c`, then the current version's content: read by ReadCampaign.
#define HERALD_CAMPAIGN_COLUMNS                                                                              \
  "c.id, c.account_id, c.key, c.name, c.channel, c.type, c.status, c.profile_table, c.version, c.created_at, " \
  "c.updated_at, " HERALD_CONTENT_COLUMNS
#define HERALD_CAMPAIGN_FROM " FROM campaigns c JOIN campaign_versions v ON v.campaign_id = c.id AND v.version = c.version"

Result<core::CampaignContent> ReadContent(const Statement& row, int first) {
  core::CampaignContent c;
  c.from = row.Text(first);
  c.reply_to = row.Text(first + 1);
  c.subject = row.Text(first + 2);
  c.html = row.Text(first + 3);
  c.text = row.Text(first + 4);
  c.track_opens = row.Int(first + 5) != 0;
  c.track_clicks = row.Int(first + 6) != 0;
  std::optional<core::MissingVariablePolicy> policy = core::ParseMissingVariablePolicy(row.Text(first + 7));
  if (!policy) return Status::Corruption("a campaign version has an unknown missing_variables policy");
  c.missing_variables = *policy;
  return c;
}

Result<core::Campaign> ReadCampaign(const Statement& row) {
  core::Campaign c;
  c.id = row.Text(0);
  c.account_id = row.Text(1);
  c.key = row.Text(2);
  c.name = row.Text(3);
  std::optional<core::Channel> channel = core::ParseChannel(row.Text(4));
  std::optional<core::CampaignType> type = core::ParseCampaignType(row.Text(5));
  std::optional<core::CampaignStatus> status = core::ParseCampaignStatus(row.Text(6));
  if (!channel || !type || !status) return Status::Corruption("campaign " + c.key + " has an unknown channel, type or status");
  c.channel = *channel;
  c.type = *type;
  c.status = *status;
  c.profile_table = row.Text(7);
  c.version = static_cast<int>(row.Int(8));
  c.created_at = FromUnixMillis(row.Int(9));
  c.updated_at = FromUnixMillis(row.Int(10));
  Result<core::CampaignContent> content = ReadContent(row, 11);
  if (!content.ok()) return content.status();
  c.content = std::move(*content);
  return c;
}

Status InsertVersion(Connection& db, const std::string& campaign_id, int version, const core::CampaignContent& c,
                     TimePoint at) {
  Result<Statement> insert = db.Prepare(
      "INSERT INTO campaign_versions (campaign_id, version, from_template, reply_to, subject, html, text, track_opens,"
      " track_clicks, missing_variables, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, campaign_id)
      .Bind(2, static_cast<int64_t>(version))
      .Bind(3, c.from)
      .Bind(4, c.reply_to)
      .Bind(5, c.subject)
      .Bind(6, c.html)
      .Bind(7, c.text)
      .Bind(8, static_cast<int64_t>(c.track_opens ? 1 : 0))
      .Bind(9, static_cast<int64_t>(c.track_clicks ? 1 : 0))
      .Bind(10, core::ToString(c.missing_variables))
      .Bind(11, ToUnixMillis(at));
  return insert->Run();
}

}  // namespace

Status CreateCampaignSql(Connection& db, const core::Campaign& c) {
  {
    Result<Statement> insert = db.Prepare(
        "INSERT INTO campaigns (id, account_id, key, name, channel, type, status, profile_table, version, created_at,"
        " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, c.id)
        .Bind(2, c.account_id)
        .Bind(3, c.key)
        .Bind(4, c.name)
        .Bind(5, core::ToString(c.channel))
        .Bind(6, core::ToString(c.type))
        .Bind(7, core::ToString(c.status))
        .Bind(8, c.profile_table)
        .Bind(9, ToUnixMillis(c.created_at));
    Status status = insert->Run();
    if (status.code() == Code::kAlreadyExists) return Status::AlreadyExists("a campaign with the key " + c.key + " exists");
    if (status.code() == Code::kNotFound) return Status::NotFound("no account " + c.account_id);
    HERALD_RETURN_IF_ERROR(status);
  }
  return InsertVersion(db, c.id, 1, c.content, c.created_at);
}

Status UpdateCampaignSql(Connection& db, const core::Campaign& c, core::Campaign& stored) {
  Result<core::Campaign> current = GetCampaignSql(db, c.account_id, c.key);
  if (!current.ok()) return current.status();
  int version = current->version;
  if (!(current->content == c.content)) {
    ++version;
    HERALD_RETURN_IF_ERROR(InsertVersion(db, current->id, version, c.content, c.updated_at));
  }
  Result<Statement> update = db.Prepare(
      "UPDATE campaigns SET name = ?2, status = ?3, profile_table = ?4, version = ?5, updated_at = ?6 WHERE id = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, current->id)
      .Bind(2, c.name)
      .Bind(3, core::ToString(c.status))
      .Bind(4, c.profile_table)
      .Bind(5, static_cast<int64_t>(version))
      .Bind(6, ToUnixMillis(c.updated_at));
  HERALD_RETURN_IF_ERROR(update->Run());
  stored = *current;
  stored.name = c.name;
  stored.status = c.status;
  stored.profile_table = c.profile_table;
  stored.version = version;
  stored.content = c.content;
  stored.updated_at = c.updated_at;
  return Status::Ok();
}

Status DeleteCampaignSql(Connection& db, std::string_view account_id, std::string_view key) {
  Result<core::Campaign> current = GetCampaignSql(db, account_id, key);
  if (!current.ok()) return current.status();
  for (const char* sql : {"DELETE FROM campaign_versions WHERE campaign_id = ?1", "DELETE FROM campaigns WHERE id = ?1"}) {
    Result<Statement> remove = db.Prepare(sql);
    if (!remove.ok()) return remove.status();
    remove->Bind(1, current->id);
    HERALD_RETURN_IF_ERROR(remove->Run());
  }
  return Status::Ok();
}

Result<core::Campaign> GetCampaignSql(Connection& db, std::string_view account_id, std::string_view key) {
  Result<Statement> get = db.Prepare("SELECT " HERALD_CAMPAIGN_COLUMNS HERALD_CAMPAIGN_FROM
                                     " WHERE c.account_id = ?1 AND c.key = ?2");
  if (!get.ok()) return get.status();
  get->Bind(1, account_id).Bind(2, key);
  Result<bool> row = get->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no campaign " + std::string(key));
  return ReadCampaign(*get);
}

Result<std::vector<core::Campaign>> ListCampaignsSql(Connection& db, std::string_view account_id) {
  Result<Statement> list =
      db.Prepare("SELECT " HERALD_CAMPAIGN_COLUMNS HERALD_CAMPAIGN_FROM " WHERE c.account_id = ?1 ORDER BY c.key");
  if (!list.ok()) return list.status();
  list->Bind(1, account_id);
  std::vector<core::Campaign> campaigns;
  for (;;) {
    Result<bool> row = list->Step();
    if (!row.ok()) return row.status();
    if (!*row) return campaigns;
    Result<core::Campaign> campaign = ReadCampaign(*list);
    if (!campaign.ok()) return campaign.status();
    campaigns.push_back(std::move(*campaign));
  }
}

Result<core::CampaignContent> GetCampaignVersionSql(Connection& db, std::string_view campaign_id, int version) {
  Result<Statement> get = db.Prepare("SELECT " HERALD_CONTENT_COLUMNS
                                     " FROM campaign_versions v WHERE v.campaign_id = ?1 AND v.version = ?2");
  if (!get.ok()) return get.status();
  get->Bind(1, campaign_id).Bind(2, static_cast<int64_t>(version));
  Result<bool> row = get->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such campaign version");
  return ReadContent(*get, 0);
}

}  // namespace herald::storage::sqlite
