// The SQL of campaigns and their versions (tables campaigns and campaign_versions, schema migration 6).
//
// An update compares the new content with the current version's inside its transaction and writes a
// new version only when it differs, so two concurrent edits cannot both become "version 3".
//
// Thread-safety: as write_ops.h (writes) and reads.h (reads). Untrusted input: values are bound, never
// spliced; a stored value outside its vocabulary is Corruption.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/campaign.h"
#include "storage/sqlite/sqlite_db.h"

namespace herald::storage::sqlite {

Status CreateCampaignSql(Connection& db, const core::Campaign& campaign);
Status UpdateCampaignSql(Connection& db, const core::Campaign& campaign, core::Campaign& stored);
Status DeleteCampaignSql(Connection& db, std::string_view account_id, std::string_view key);

Result<core::Campaign> GetCampaignSql(Connection& db, std::string_view account_id, std::string_view key);
Result<std::vector<core::Campaign>> ListCampaignsSql(Connection& db, std::string_view account_id);
Result<core::CampaignContent> GetCampaignVersionSql(Connection& db, std::string_view campaign_id, int version);

}  // namespace herald::storage::sqlite
