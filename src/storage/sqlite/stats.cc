#include "storage/sqlite/stats.h"

#include <string>

namespace herald::storage::sqlite {
namespace {

// Whether the message has an event of this type already.
Result<bool> HasEvent(Connection& db, std::string_view message_id, core::EventType type) {
  Result<Statement> find = db.Prepare("SELECT 1 FROM events WHERE message_id = ?1 AND type = ?2 LIMIT 1");
  if (!find.ok()) return find.status();
  find->Bind(1, message_id).Bind(2, core::ToString(type));
  return find->Step();
}

// The upsert that adds one to each of `counters`, e.g. for sent:
//   INSERT INTO stats_daily (account_id, day, campaign, domain, sent) SELECT …, 1 FROM messages …
//   ON CONFLICT (…) DO UPDATE SET sent = sent + 1
std::string CountSql(const std::vector<core::StatsCounter>& counters) {
  std::string columns, ones, increments;
  for (core::StatsCounter counter : counters) {
    const std::string name(core::ToString(counter));
    columns += ", " + name;
    ones += ", 1";
    increments += (increments.empty() ? "" : ", ") + name + " = " + name + " + 1";
  }
  return "INSERT INTO stats_daily (account_id, day, campaign, domain" + columns +
         ") SELECT account_id, ?2, campaign, sender_domain" + ones +
         " FROM messages WHERE id = ?1 ON CONFLICT (account_id, day, campaign, domain) DO UPDATE SET " +
         increments;
}

std::string_view GroupColumn(core::StatsGrouping grouping) {
  switch (grouping) {
    case core::StatsGrouping::kDay: return "day";
    case core::StatsGrouping::kCampaign: return "campaign";
    case core::StatsGrouping::kDomain: return "domain";
    case core::StatsGrouping::kNone: break;
  }
  return "''";
}

}  // namespace

Status CountEventSql(Connection& db, std::string_view message_id, const core::Event& event) {
  bool first_of_kind = true;
  if (event.type == core::EventType::kOpened || event.type == core::EventType::kClicked) {
    Result<bool> earlier = HasEvent(db, message_id, event.type);
    if (!earlier.ok()) return earlier.status();
    first_of_kind = !*earlier;
  }
  const std::vector<core::StatsCounter> counters = core::CountersMovedBy(event, first_of_kind);
  if (counters.empty()) return Status::Ok();
  Result<Statement> count = db.Prepare(CountSql(counters));  // a handful of texts, each prepared once
  if (!count.ok()) return count.status();
  count->Bind(1, message_id).Bind(2, core::DayOf(event.at));
  return count->Run();
}

Result<core::StatsReport> GetStatsSql(Connection& db, const core::StatsQuery& query) {
  std::string sums;
  for (int i = 0; i < core::kStatsCounterCount; ++i) {
    const std::string name(core::ToString(static_cast<core::StatsCounter>(i)));
    sums += ", coalesce(sum(" + name + "), 0)";
  }
  const std::string group(GroupColumn(query.group_by));
  std::string sql = "SELECT " + group + sums +
                    " FROM stats_daily WHERE account_id = ?1 AND day BETWEEN ?2 AND ?3"
                    " AND (?4 = '' OR campaign = ?4) AND (?5 = '' OR domain = ?5)";
  if (query.group_by != core::StatsGrouping::kNone) sql += " GROUP BY " + group + " ORDER BY " + group;
  Result<Statement> select = db.Prepare(sql);
  if (!select.ok()) return select.status();
  select->Bind(1, query.account_id)
      .Bind(2, query.from_day)
      .Bind(3, query.to_day)
      .Bind(4, query.campaign)
      .Bind(5, query.domain);

  core::StatsReport report;
  for (;;) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    core::StatsGroup group_row;
    for (int i = 0; i < core::kStatsCounterCount; ++i) group_row.counters.values[i] = select->Int(i + 1);
    report.totals += group_row.counters;
    if (query.group_by == core::StatsGrouping::kNone) continue;
    group_row.key = query.group_by == core::StatsGrouping::kDay ? core::FormatDay(select->Int(0))
                                                                : std::string(select->Text(0));
    report.groups.push_back(std::move(group_row));
  }
  return report;
}

}  // namespace herald::storage::sqlite
