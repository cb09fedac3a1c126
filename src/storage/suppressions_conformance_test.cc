// The Store conformance suite, continued: the suppression list, messages to suppressed recipients,
// and what asynchronous reports do to messages. The fixture and the list of backends are those of
// store_conformance_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/store.h"
#include "storage/store_conformance.h"
#include "storage/sync.h"

namespace herald::storage {
namespace {

using core::EventType;
using core::MessageStatus;

class Suppressions : public StoreConformance {
 protected:
  core::Suppression Entry(const std::string& account_id, const std::string& address, const std::string& source = "manual") {
    clock_.Advance(Duration(1));
    return core::Suppression{account_id, address, "customer asked", source, std::nullopt, clock_.Now()};
  }
  Status Add(const core::Suppression& suppression) {
    return WaitFor([&](StatusCallback done) { store().AddSuppression(suppression, done); });
  }
  Status Remove(const std::string& account_id, const std::string& address) {
    return WaitFor([&](StatusCallback done) { store().DeleteSuppression(account_id, address, done); });
  }
  Status Report(const ReportRecord& report) {
    return WaitFor([&](StatusCallback done) { store().RecordReport(report, done); });
  }
  Result<std::vector<MessageStatus>> InsertGroup(const NewMessageGroup& group) {
    return WaitForResult<std::vector<MessageStatus>>(
        [&](ResultCallback<std::vector<MessageStatus>> done) { store().InsertMessageGroup(group, done); });
  }
  std::vector<EventType> Types(const std::string& account_id, const std::string& id) {
    std::vector<EventType> types;
    Result<std::vector<core::Event>> events = store().GetEvents(account_id, id);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    if (events.ok()) {
      for (const core::Event& event : *events) types.push_back(event.type);
    }
    return types;
  }
};

TEST_P(Suppressions, AnAddressIsAddedOnceAndRemoved) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  ASSERT_TRUE(Add(Entry(a.account.id, "Jane@Example.com")).ok());
  auto found = store().GetSuppression(a.account.id, "jane@example.COM");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->address, "jane@example.com");
  EXPECT_EQ(found->source, "manual");
  EXPECT_EQ(found->reason, "customer asked");
  EXPECT_FALSE(found->message_id.has_value());

  EXPECT_EQ(Add(Entry(a.account.id, "JANE@example.com", "complaint")).code(), Code::kAlreadyExists);
  EXPECT_EQ(store().GetSuppression(a.account.id, "jane@example.com")->source, "manual");
  EXPECT_EQ(Add(Entry("acc_nobody", "jane@example.com")).code(), Code::kNotFound);

  // Another account neither sees nor removes it.
  EXPECT_EQ(store().GetSuppression(b.account.id, "jane@example.com").status().code(), Code::kNotFound);
  EXPECT_EQ(Remove(b.account.id, "jane@example.com").code(), Code::kNotFound);
  ASSERT_TRUE(Remove(a.account.id, "JANE@example.com").ok());
  EXPECT_EQ(store().GetSuppression(a.account.id, "jane@example.com").status().code(), Code::kNotFound);
  EXPECT_EQ(Remove(a.account.id, "jane@example.com").code(), Code::kNotFound);

  ASSERT_TRUE(Add(Entry(a.account.id, "jane@example.com")).ok());
  Reopen();
  EXPECT_TRUE(store().GetSuppression(a.account.id, "jane@example.com").ok());
}

TEST_P(Suppressions, TheListPagesNewestFirstAndFilters) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  std::vector<std::string> added;
  for (int i = 0; i < 7; ++i) {
    added.push_back("user" + std::to_string(i) + "+tag@example.com");
    ASSERT_TRUE(Add(Entry(a.account.id, added.back())).ok());
  }
  // Two at the same millisecond: the address orders them.
  core::Suppression same = Entry(a.account.id, "zed@example.com");
  ASSERT_TRUE(Add(same).ok());
  same.address = "amy@example.com";
  ASSERT_TRUE(Add(same).ok());
  ASSERT_TRUE(Add(Entry(b.account.id, "other@example.com")).ok());

  std::vector<std::string> paged;
  std::string cursor;
  int pages = 0;
  do {
    auto page = store().ListSuppressions({a.account.id, std::nullopt, cursor, 2});
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const core::Suppression& s : page->suppressions) {
      EXPECT_EQ(s.account_id, a.account.id);
      paged.push_back(s.address);
    }
    cursor = page->next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 20);
  std::vector<std::string> expected = {"zed@example.com", "amy@example.com"};
  for (auto it = added.rbegin(); it != added.rend(); ++it) expected.push_back(*it);
  EXPECT_EQ(paged, expected);
  EXPECT_EQ(pages, 5);

  auto one = store().ListSuppressions({a.account.id, "USER3+tag@example.com", "", 50});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->suppressions.size(), 1u);
  EXPECT_EQ(one->suppressions[0].address, "user3+tag@example.com");
  EXPECT_TRUE(one->next_cursor.empty());
  EXPECT_TRUE(store().ListSuppressions({b.account.id, "user3+tag@example.com", "", 50})->suppressions.empty());

  EXPECT_EQ(store().ListSuppressions({a.account.id, std::nullopt, "", 0}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store().ListSuppressions({a.account.id, std::nullopt, "", 1001}).status().code(),
            Code::kInvalidArgument);
  for (std::string bad : {"x", ".61", "12.6", "12.zz", "1a.61", "123456789012345678901.61"}) {
    EXPECT_EQ(store().ListSuppressions({a.account.id, std::nullopt, bad, 10}).status().code(), Code::kInvalidArgument)
        << bad;
  }
}

TEST_P(Suppressions, AMessageToASuppressedRecipientIsStoredSuppressed) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  core::Suppression entry = Entry(a.account.id, "gone@example.com", "bounce");
  entry.reason = "user_unknown";
  ASSERT_TRUE(Add(entry).ok());

  NewMessage m = NewMsg(a.account.id, "Gone@example.com", "key-1");
  auto outcome = Insert(m);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->status, MessageStatus::kSuppressed);
  EXPECT_FALSE(outcome->duplicate);
  auto stored = store().GetMessage(a.account.id, m.record.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, MessageStatus::kSuppressed);
  EXPECT_FALSE(stored->next_attempt_at.has_value());
  auto events = store().GetEvents(a.account.id, m.record.id);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, EventType::kSuppressed);
  EXPECT_EQ((*events)[0].at, m.queued_event.at);
  EXPECT_EQ((*events)[0].details, (nlohmann::json{{"reason", "user_unknown"}, {"source", "bounce"}}));
  EXPECT_TRUE(store().ListUnfinished("", 100)->empty());

  // The idempotency key answers the suppressed message again.
  auto again = Insert(NewMsg(a.account.id, "gone@example.com", "key-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->message_id, m.record.id);
  EXPECT_EQ(again->status, MessageStatus::kSuppressed);

  // Another account's message to the address is queued.
  auto other = Insert(NewMsg(b.account.id, "gone@example.com"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, MessageStatus::kQueued);

  // In a group, only the suppressed recipient's record.
  NewMessageGroup group;
  for (const char* rcpt : {"jane@example.com", "GONE@example.com", "joe@example.com"})
    group.records.push_back(NewMsg(a.account.id, rcpt).record);
  group.raw = "Subject: x\r\n\r\ny\r\n";
  group.queued_at = clock_.Now();
  auto statuses = InsertGroup(group);
  ASSERT_TRUE(statuses.ok()) << statuses.status().ToString();
  EXPECT_EQ(*statuses, (std::vector<MessageStatus>{MessageStatus::kQueued, MessageStatus::kSuppressed,
                                                    MessageStatus::kQueued}));
  EXPECT_EQ(Types(a.account.id, group.records[1].id), std::vector<EventType>{EventType::kSuppressed});
  EXPECT_EQ(Types(a.account.id, group.records[2].id), std::vector<EventType>{EventType::kQueued});
  EXPECT_EQ(store().ListUnfinished("", 100)->size(), 3u);  // b's message and the group's two

  // Removed from the list, the address is sent to again.
  ASSERT_TRUE(Remove(a.account.id, "gone@example.com").ok());
  EXPECT_EQ(Insert(NewMsg(a.account.id, "gone@example.com"))->status, MessageStatus::kQueued);
}

TEST_P(Suppressions, AHardBounceReportBouncesAndSuppresses) {
  MadeAccount a = MakeAccount("Shop A");
  const std::string id = InsertOk(NewMsg(a.account.id, "Jane@Example.com"));
  ASSERT_TRUE(Attempt({id, MessageStatus::kDelivered, 1, std::nullopt, {}, false}).ok());
  clock_.Advance(Duration(10));

  ReportRecord report;
  report.message_id = id;
  report.event = {EventType::kBounced, clock_.Now(), {{"bounce", {{"type", "hard"}, {"reason", "user_unknown"}}}}};
  report.hard_bounce = true;
  report.suppress_reason = "user_unknown";
  report.suppress_source = "bounce";
  ASSERT_TRUE(Report(report).ok());

  auto message = store().GetMessage(a.account.id, id);
  EXPECT_EQ(message->status, MessageStatus::kBounced);
  EXPECT_EQ(message->updated_at, clock_.Now());
  EXPECT_EQ(Types(a.account.id, id), (std::vector<EventType>{EventType::kQueued, EventType::kBounced}));
  EXPECT_EQ(store().GetEvents(a.account.id, id)->back().details["bounce"]["reason"], "user_unknown");
  auto suppression = store().GetSuppression(a.account.id, "jane@example.com");
  ASSERT_TRUE(suppression.ok());
  EXPECT_EQ(suppression->source, "bounce");
  EXPECT_EQ(suppression->reason, "user_unknown");
  EXPECT_EQ(suppression->message_id, id);
  EXPECT_EQ(suppression->created_at, clock_.Now());

  report.message_id = "msg_00000000000000000000000000";
  EXPECT_EQ(Report(report).code(), Code::kNotFound);
}

TEST_P(Suppressions, AComplaintOrASoftBounceLeavesTheStatus) {
  MadeAccount a = MakeAccount("Shop A");
  const std::string id = InsertOk(NewMsg(a.account.id, "jane@example.com"));
  ASSERT_TRUE(Attempt({id, MessageStatus::kDelivered, 1, std::nullopt, {}, false}).ok());

  ReportRecord soft;
  soft.message_id = id;
  soft.event = {EventType::kBounced, clock_.Now(), {{"bounce", {{"type", "soft"}, {"reason", "mailbox_full"}}}}};
  ASSERT_TRUE(Report(soft).ok());
  EXPECT_EQ(store().GetMessage(a.account.id, id)->status, MessageStatus::kDelivered);
  EXPECT_EQ(store().GetSuppression(a.account.id, "jane@example.com").status().code(), Code::kNotFound);

  ReportRecord complaint;
  complaint.message_id = id;
  complaint.event = {EventType::kComplained, clock_.Now(), {{"complaint", {{"feedback_type", "abuse"}}}}};
  complaint.suppress_reason = "abuse";
  complaint.suppress_source = "complaint";
  ASSERT_TRUE(Report(complaint).ok());
  EXPECT_EQ(store().GetMessage(a.account.id, id)->status, MessageStatus::kDelivered);
  EXPECT_EQ(store().GetSuppression(a.account.id, "jane@example.com")->source, "complaint");
  EXPECT_EQ(Types(a.account.id, id),
            (std::vector<EventType>{EventType::kQueued, EventType::kBounced, EventType::kComplained}));
}

TEST_P(Suppressions, AHardBounceReportLeavesDeliveryItsOwnMessages) {
  MadeAccount a = MakeAccount("Shop A");
  const std::string id = InsertOk(NewMsg(a.account.id, "jane@example.com"));
  ReportRecord report;
  report.message_id = id;
  report.event = {EventType::kBounced, clock_.Now(), {{"bounce", {{"type", "hard"}, {"reason", "user_unknown"}}}}};
  report.hard_bounce = true;
  ASSERT_TRUE(Report(report).ok());
  EXPECT_EQ(store().GetMessage(a.account.id, id)->status, MessageStatus::kQueued);
  EXPECT_EQ(store().ListUnfinished("", 10)->size(), 1u);
}

TEST_P(Suppressions, AReportedMessageIsFoundWithItsSiblings) {
  MadeAccount a = MakeAccount("Shop A");
  NewMessageGroup group;
  for (const char* rcpt : {"jane@example.com", "joe@example.com", "ann@example.org"})
    group.records.push_back(NewMsg(a.account.id, rcpt).record);
  group.raw = "Subject: x\r\n\r\ny\r\n";
  group.queued_at = clock_.Now();
  ASSERT_TRUE(InsertGroup(group).ok());
  const std::string single = InsertOk(NewMsg(a.account.id, "joe@example.com"));
  const std::string& first = group.records[0].id;

  EXPECT_EQ(store().FindReportedMessage(first, "")->id, first);
  EXPECT_EQ(store().FindReportedMessage(first, "JOE@example.com")->id, group.records[1].id);
  EXPECT_EQ(store().FindReportedMessage(first, "ann@example.org")->id, group.records[2].id);
  EXPECT_EQ(store().FindReportedMessage(first, "nobody@example.org")->id, first);
  EXPECT_EQ(store().FindReportedMessage(group.records[1].id, "ann@example.org")->id, group.records[1].id);
  EXPECT_EQ(store().FindReportedMessage(single, "joe@example.com")->account_id, a.account.id);
  EXPECT_EQ(store().FindReportedMessage("msg_00000000000000000000000000", "").status().code(), Code::kNotFound);
}

TEST_P(Suppressions, TheExportReadsEntriesWithTheEventsThatCausedThem) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");

  // A hard bounce at delivery: the remote server's reply is on the bounced event.
  const std::string refused = InsertOk(NewMsg(a.account.id, "Gone@example.com"));
  clock_.Advance(Duration(1000));
  const nlohmann::json refusal = {
      {"attempt", 1},
      {"remote",
       {{"host", "mx.example.com"}, {"code", 550}, {"enhanced_code", "5.1.1"}, {"text", "User unknown"}}},
      {"bounce", {{"type", "hard"}, {"reason", "user_unknown"}}}};
  AttemptRecord attempt{refused,
                        MessageStatus::kBounced,
                        1,
                        std::nullopt,
                        {{EventType::kSent, clock_.Now(), nlohmann::json::object()},
                         {EventType::kBounced, clock_.Now(), refusal}},
                        false,
                        "user_unknown"};
  ASSERT_TRUE(Attempt(attempt).ok());

  // Reported later: a soft bounce first, then a hard one, which is the cause.
  const std::string reported = InsertOk(NewMsg(a.account.id, "full@example.com"));
  ASSERT_TRUE(Attempt({reported, MessageStatus::kDelivered, 1, std::nullopt, {}, false}).ok());
  clock_.Advance(Duration(1000));
  ReportRecord soft;
  soft.message_id = reported;
  soft.event = {
      EventType::kBounced, clock_.Now(), {{"bounce", {{"type", "soft"}, {"reason", "mailbox_full"}}}}};
  ASSERT_TRUE(Report(soft).ok());
  clock_.Advance(Duration(1000));
  ReportRecord hard = soft;
  hard.event = {
      EventType::kBounced,
      clock_.Now(),
      {{"bounce", {{"type", "hard"}, {"reason", "mailbox_disabled"}}},
       {"report", {{"status", "5.2.1"}, {"code", 550}, {"diagnostic", "smtp; 550 5.2.1 disabled, sorry"}}}}};
  hard.hard_bounce = true;
  hard.suppress_reason = "mailbox_disabled";
  hard.suppress_source = "bounce";
  ASSERT_TRUE(Report(hard).ok());

  // A complaint.
  const std::string complained = InsertOk(NewMsg(a.account.id, "ann@example.org"));
  clock_.Advance(Duration(1000));
  ReportRecord complaint;
  complaint.message_id = complained;
  complaint.event = {EventType::kComplained, clock_.Now(), {{"complaint", {{"feedback_type", "abuse"}}}}};
  complaint.suppress_reason = "abuse";
  complaint.suppress_source = "complaint";
  ASSERT_TRUE(Report(complaint).ok());

  // A manual entry; another account's entry.
  clock_.Advance(Duration(1000));
  ASSERT_TRUE(Add(Entry(a.account.id, "asked@example.com")).ok());
  ASSERT_TRUE(Add(Entry(b.account.id, "other@example.com", "bounce")).ok());

  auto everything =
      store().ExportSuppressions({a.account.id, {}, std::nullopt, std::nullopt, std::nullopt, "", 1000});
  ASSERT_TRUE(everything.ok()) << everything.status().ToString();
  ASSERT_EQ(everything->rows.size(), 4u);
  EXPECT_TRUE(everything->next_cursor.empty());
  const auto& rows = everything->rows;
  EXPECT_EQ(rows[0].suppression.address, "asked@example.com");
  EXPECT_FALSE(rows[0].cause.has_value());
  EXPECT_EQ(rows[1].suppression.address, "ann@example.org");
  ASSERT_TRUE(rows[1].cause.has_value());
  EXPECT_EQ(rows[1].cause->type, EventType::kComplained);
  EXPECT_EQ(rows[2].suppression.address, "full@example.com");
  EXPECT_EQ(rows[2].suppression.source, "bounce");
  EXPECT_EQ(rows[2].suppression.reason, "mailbox_disabled");
  ASSERT_TRUE(rows[2].cause.has_value());
  EXPECT_EQ(rows[2].cause->details, hard.event.details);
  EXPECT_EQ(rows[2].cause->at, hard.event.at);
  EXPECT_EQ(rows[3].suppression.address, "gone@example.com");
  EXPECT_EQ(rows[3].suppression.message_id, refused);
  ASSERT_TRUE(rows[3].cause.has_value());
  EXPECT_EQ(rows[3].cause->details, refusal);

  auto addresses = [&](const SuppressionExportQuery& query) {
    std::vector<std::string> found;
    auto page = store().ExportSuppressions(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const SuppressionExportRow& row : page->rows) found.push_back(row.suppression.address);
    }
    return found;
  };
  using Found = std::vector<std::string>;
  EXPECT_EQ(
      addresses({a.account.id, {"bounce", "complaint"}, std::nullopt, std::nullopt, std::nullopt, "", 10}),
      (Found{"ann@example.org", "full@example.com", "gone@example.com"}));
  EXPECT_EQ(addresses({a.account.id, {"manual"}, std::nullopt, std::nullopt, std::nullopt, "", 10}),
            (Found{"asked@example.com"}));
  EXPECT_EQ(addresses({a.account.id, {}, "user_unknown", std::nullopt, std::nullopt, "", 10}),
            (Found{"gone@example.com"}));
  EXPECT_EQ(addresses({a.account.id, {"complaint"}, "user_unknown", std::nullopt, std::nullopt, "", 10}),
            Found{});
  // The period: from included, to excluded.
  EXPECT_EQ(addresses({a.account.id,
                       {},
                       std::nullopt,
                       rows[2].suppression.created_at,
                       rows[0].suppression.created_at,
                       "",
                       10}),
            (Found{"ann@example.org", "full@example.com"}));
  EXPECT_EQ(addresses({b.account.id, {}, std::nullopt, std::nullopt, std::nullopt, "", 10}),
            (Found{"other@example.com"}));
  EXPECT_EQ(addresses({"acc_nobody", {}, std::nullopt, std::nullopt, std::nullopt, "", 10}), Found{});

  // Pages of one, with the list's cursors.
  Found paged;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto page =
        store().ExportSuppressions({a.account.id, {}, std::nullopt, std::nullopt, std::nullopt, cursor, 1});
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const SuppressionExportRow& row : page->rows) paged.push_back(row.suppression.address);
    cursor = page->next_cursor;
    if (cursor.empty()) break;
  }
  EXPECT_EQ(paged, (Found{"asked@example.com", "ann@example.org", "full@example.com", "gone@example.com"}));

  for (int limit : {0, 1001}) {
    EXPECT_EQ(store()
                  .ExportSuppressions({a.account.id, {}, std::nullopt, std::nullopt, std::nullopt, "", limit})
                  .status()
                  .code(),
              Code::kInvalidArgument);
  }
  EXPECT_EQ(store()
                .ExportSuppressions({a.account.id, {}, std::nullopt, std::nullopt, std::nullopt, "12.zz", 10})
                .status()
                .code(),
            Code::kInvalidArgument);
  EXPECT_EQ(store()
                .ExportSuppressions({a.account.id, std::vector<std::string>(9, "bounce"), std::nullopt,
                                     std::nullopt, std::nullopt, "", 10})
                .status()
                .code(),
            Code::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, Suppressions, ::testing::ValuesIn(ConformanceBackends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace herald::storage
