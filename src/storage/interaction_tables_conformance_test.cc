// The Store conformance suite, continued: interaction tables, their rows and the rows' events. The
// fixture and the list of backends are those of store_conformance_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/store.h"
#include "storage/store_conformance.h"
#include "storage/sync.h"

namespace herald::storage {
namespace {

using core::AttributeType;
using core::RowEventType;
using nlohmann::json;

class InteractionTables : public StoreConformance {
 protected:
  void SetUp() override {
    StoreConformance::SetUp();
    account_ = MakeAccount("Shop A").account.id;
    contacts_ = ProfileTable(account_);
    jane_ = Profile(contacts_, "jane@example.com");
  }

  core::ProfileTable ProfileTable(const std::string& account_id) {
    auto made = core::MakeProfileTable({NewId("ptab", clock_.Now()),
                                        account_id,
                                        "contacts",
                                        core::ProfileTableKind::kTransactional,
                                        "",
                                        {},
                                        clock_.Now()});
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    EXPECT_TRUE(WaitFor([&](StatusCallback done) { store().CreateProfileTable(*made, done); }).ok());
    return *made;
  }

  core::Profile Profile(const core::ProfileTable& table, const std::string& email) {
    ProfileWrite write{
        table, "emailAddress", email, {{"emailAddress", email}}, NewId("prf", clock_.Now()), clock_.Now()};
    auto written = WaitForResult<ProfileWriteOutcome>([&](auto done) { store().UpsertProfile(write, done); });
    EXPECT_TRUE(written.ok()) << written.status().ToString();
    return written.ok() ? written->profile : core::Profile{};
  }

  core::InteractionTable Orders(const core::ProfileTable& profiles, const std::string& name = "orders") {
    core::InteractionTable t;
    t.id = NewId("itab", clock_.Now());
    t.account_id = profiles.account_id;
    t.name = name;
    t.profile_table = profiles.name;
    t.profile_table_id = profiles.id;
    t.key = "orderId";
    t.columns = {{"orderId", AttributeType::kString, false, false, {}},
                 {"status", AttributeType::kEnum, false, true, {"CONFIRMED", "SHIPPED", "DELIVERED"}},
                 {"total", AttributeType::kDecimal, false, false, {}}};
    t.created_at = clock_.Now();
    auto made = core::MakeInteractionTable(t);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return *made;
  }

  Status Create(const core::InteractionTable& table) {
    return WaitFor([&](StatusCallback done) { store().CreateInteractionTable(table, done); });
  }

  Result<RowWriteOutcome> AddRow(const core::InteractionTable& table, const std::string& email, json values) {
    clock_.Advance(Duration(1));
    NewRow row{table, NewId("row", clock_.Now()), "emailAddress", email, std::move(values), clock_.Now()};
    return WaitForResult<RowWriteOutcome>([&](auto done) { store().CreateRow(row, done); });
  }

  Result<RowWriteOutcome> Change(const core::InteractionTable& table, const std::string& row_id,
                                 json changes) {
    clock_.Advance(Duration(1));
    RowChange change{table, row_id, std::move(changes), clock_.Now()};
    return WaitForResult<RowWriteOutcome>([&](auto done) { store().UpdateRow(change, done); });
  }

  std::vector<core::RowEvent> Events(const core::InteractionTable& table, int64_t after = 0) {
    auto page = store().ListRowEvents(table.id, after, 1000);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->events : std::vector<core::RowEvent>{};
  }

  std::string account_;
  core::ProfileTable contacts_;
  core::Profile jane_;
};

TEST_P(InteractionTables, AreNamedOncePerAccountAndKeepTheirDefinition) {
  core::InteractionTable orders = Orders(contacts_);
  ASSERT_TRUE(Create(orders).ok());
  EXPECT_EQ(Create(orders).code(), Code::kAlreadyExists);

  auto got = store().GetInteractionTable(account_, "orders");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, orders.id);
  EXPECT_EQ(got->profile_table, "contacts");
  EXPECT_EQ(got->profile_table_id, contacts_.id);
  EXPECT_EQ(got->key, "orderId");
  ASSERT_EQ(got->columns.size(), 3u);
  EXPECT_TRUE(got->columns[0].unique);
  EXPECT_EQ(got->columns[1].values, (std::vector<std::string>{"CONFIRMED", "SHIPPED", "DELIVERED"}));
  EXPECT_EQ(got->columns[2].type, AttributeType::kDecimal);

  // Another account: its own "orders", and none of the first account's.
  MadeAccount b = MakeAccount("Shop B");
  EXPECT_EQ(store().GetInteractionTable(b.account.id, "orders").status().code(), Code::kNotFound);
  ASSERT_TRUE(Create(Orders(ProfileTable(b.account.id))).ok());
  ASSERT_TRUE(Create(Orders(contacts_, "bookings")).ok());
  auto listed = store().ListInteractionTables(account_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "bookings");
  EXPECT_EQ((*listed)[1].name, "orders");

  core::InteractionTable orphan = Orders(contacts_, "orphan");
  orphan.profile_table_id = "ptab_missing";
  EXPECT_EQ(Create(orphan).code(), Code::kNotFound);
}

TEST_P(InteractionTables, ARowAndItsCreatedEventAreWrittenTogether) {
  core::InteractionTable orders = Orders(contacts_);
  ASSERT_TRUE(Create(orders).ok());
  auto made =
      AddRow(orders, "jane@example.com", {{"orderId", "A1"}, {"status", "CONFIRMED"}, {"total", nullptr}});
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->row.profile_id, jane_.id);
  EXPECT_EQ(made->row.values, (json{{"orderId", "A1"}, {"status", "CONFIRMED"}}));  // null left out
  ASSERT_TRUE(made->event.has_value());
  EXPECT_EQ(made->event->type, RowEventType::kCreated);
  EXPECT_EQ(made->event->details, (json{{"values", made->row.values}}));

  Reopen();  // durable
  auto got = store().GetRow(orders.id, made->row.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->values, made->row.values);
  EXPECT_EQ(got->created_at, made->row.created_at);
  auto by_key = store().FindRowByKey(orders.id, "A1");
  ASSERT_TRUE(by_key.ok());
  EXPECT_EQ(by_key->id, made->row.id);
  EXPECT_EQ(store().FindRowByKey(orders.id, "A2").status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetRow("itab_other", made->row.id).status().code(), Code::kNotFound);

  std::vector<core::RowEvent> events = Events(orders);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, made->event->id);
  EXPECT_EQ(events[0].row_id, made->row.id);
  EXPECT_EQ(events[0].profile_id, jane_.id);
  EXPECT_EQ(events[0].at, made->row.created_at);
  EXPECT_EQ(events[0].details, made->event->details);
}

TEST_P(InteractionTables, AnUpdateRecordsOldAndNewOfExactlyTheChangedColumns) {
  core::InteractionTable orders = Orders(contacts_);
  ASSERT_TRUE(Create(orders).ok());
  auto made =
      AddRow(orders, "jane@example.com", {{"orderId", "A1"}, {"status", "CONFIRMED"}, {"total", "19.90"}});
  ASSERT_TRUE(made.ok()) << made.status().ToString();

  auto shipped = Change(orders, made->row.id, {{"status", "SHIPPED"}, {"total", "19.90"}});
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  EXPECT_EQ(shipped->row.values, (json{{"orderId", "A1"}, {"status", "SHIPPED"}, {"total", "19.90"}}));
  EXPECT_GT(shipped->row.updated_at, shipped->row.created_at);
  ASSERT_TRUE(shipped->event.has_value());
  EXPECT_EQ(shipped->event->type, RowEventType::kUpdated);
  EXPECT_EQ(shipped->event->details,
            (json{{"changed", {{"status", {{"old", "CONFIRMED"}, {"new", "SHIPPED"}}}}}}));

  // Removing a value: new is null.
  auto removed = Change(orders, made->row.id, {{"total", nullptr}});
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(removed->event->details, (json{{"changed", {{"total", {{"old", "19.90"}, {"new", nullptr}}}}}}));

  // Nothing changed: no event, the row as it was.
  auto same = Change(orders, made->row.id, {{"status", "SHIPPED"}});
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_FALSE(same->event.has_value());
  EXPECT_EQ(same->row.updated_at, removed->row.updated_at);

  std::vector<core::RowEvent> events = Events(orders);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, RowEventType::kCreated);
  EXPECT_EQ(events[1].type, RowEventType::kUpdated);
  EXPECT_EQ(events[1].details, shipped->event->details);
  EXPECT_LT(events[0].id, events[1].id);
  EXPECT_LT(events[1].id, events[2].id);
  EXPECT_EQ(store().GetRow(orders.id, made->row.id)->values,
            (json{{"orderId", "A1"}, {"status", "SHIPPED"}}));
}

TEST_P(InteractionTables, AFailedWriteChangesNothing) {
  core::InteractionTable orders = Orders(contacts_);
  ASSERT_TRUE(Create(orders).ok());
  auto a1 = AddRow(orders, "jane@example.com", {{"orderId", "A1"}, {"status", "CONFIRMED"}});
  ASSERT_TRUE(a1.ok()) << a1.status().ToString();
  auto a2 = AddRow(orders, "jane@example.com", {{"orderId", "A2"}, {"status", "CONFIRMED"}});
  ASSERT_TRUE(a2.ok()) << a2.status().ToString();

  auto duplicate = AddRow(orders, "jane@example.com", {{"orderId", "A1"}, {"status", "SHIPPED"}});
  EXPECT_EQ(duplicate.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(duplicate.status().message(), "orderId: the value belongs to another row");
  auto taken = Change(orders, a2->row.id, {{"orderId", "A1"}, {"status", "SHIPPED"}});
  EXPECT_EQ(taken.status().code(), Code::kAlreadyExists);

  auto no_profile = AddRow(orders, "nobody@example.com", {{"orderId", "A3"}, {"status", "CONFIRMED"}});
  EXPECT_EQ(no_profile.status().code(), Code::kNotFound);
  EXPECT_EQ(no_profile.status().message().substr(0, 8), "profile:");
  EXPECT_EQ(AddRow(orders, "jane@example.com", {{"orderId", "A4"}}).status().message(), "status: required");
  EXPECT_EQ(
      AddRow(orders, "jane@example.com", {{"orderId", "A5"}, {"status", "CONFIRMED"}, {"colour", "red"}})
          .status()
          .message(),
      "colour: the table orders has no such column");
  EXPECT_EQ(Change(orders, a2->row.id, {{"status", nullptr}}).status().message(), "status: required");
  auto missing = Change(orders, "row_missing", {{"status", "SHIPPED"}});
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message().substr(0, 4), "row:");

  EXPECT_EQ(store().GetRow(orders.id, a2->row.id)->values,
            (json{{"orderId", "A2"}, {"status", "CONFIRMED"}}));
  EXPECT_EQ(store().ListRows(orders.id, "", "", 100)->rows.size(), 2u);
  EXPECT_EQ(Events(orders).size(), 2u);  // the two creations only
}

TEST_P(InteractionTables, RowsListByProfileAndEventsFollowACursor) {
  core::InteractionTable orders = Orders(contacts_);
  ASSERT_TRUE(Create(orders).ok());
  core::InteractionTable bookings = Orders(contacts_, "bookings");
  ASSERT_TRUE(Create(bookings).ok());
  core::Profile john = Profile(contacts_, "john@example.com");
  std::vector<std::string> janes;
  for (int i = 0; i < 5; ++i) {
    const std::string email = i % 2 == 0 ? "jane@example.com" : "john@example.com";
    auto made = AddRow(orders, email, {{"orderId", "O" + std::to_string(i)}, {"status", "CONFIRMED"}});
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    if (i % 2 == 0) janes.push_back(made->row.id);
  }
  ASSERT_TRUE(AddRow(bookings, "jane@example.com", {{"orderId", "B1"}, {"status", "CONFIRMED"}}).ok());

  auto first = store().ListRows(orders.id, jane_.id, "", 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->rows.size(), 2u);
  EXPECT_EQ(first->rows[0].id, janes[0]);
  EXPECT_EQ(first->rows[1].id, janes[1]);
  auto second = store().ListRows(orders.id, jane_.id, first->next_cursor, 2);
  ASSERT_EQ(second->rows.size(), 1u);
  EXPECT_EQ(second->rows[0].id, janes[2]);
  EXPECT_TRUE(second->next_cursor.empty());
  EXPECT_EQ(store().ListRows(orders.id, john.id, "", 10)->rows.size(), 2u);
  EXPECT_EQ(store().ListRows(orders.id, "", "", 10)->rows.size(), 5u);

  auto page = store().ListRowEvents(orders.id, 0, 3);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 3u);
  EXPECT_TRUE(page->more);
  auto rest = store().ListRowEvents(orders.id, page->events.back().id, 3);
  ASSERT_EQ(rest->events.size(), 2u);
  EXPECT_FALSE(rest->more);
  EXPECT_EQ(rest->events[1].details["values"]["orderId"], "O4");
  EXPECT_TRUE(store().ListRowEvents(orders.id, rest->events.back().id, 3)->events.empty());
  EXPECT_EQ(Events(bookings).size(), 1u);  // each table its own feed
}

TEST_P(InteractionTables, ErasingAProfileRemovesItsRowsAndTheirEvents) {
  core::InteractionTable orders = Orders(contacts_);
  ASSERT_TRUE(Create(orders).ok());
  Profile(contacts_, "john@example.com");
  auto johns = AddRow(orders, "john@example.com", {{"orderId", "A1"}, {"status", "CONFIRMED"}});
  ASSERT_TRUE(johns.ok());
  auto janes = AddRow(orders, "jane@example.com", {{"orderId", "A2"}, {"status", "CONFIRMED"}});
  ASSERT_TRUE(janes.ok());
  auto shipped = Change(orders, janes->row.id, {{"status", "SHIPPED"}});
  ASSERT_TRUE(shipped.ok());

  ASSERT_TRUE(
      WaitFor([&](StatusCallback done) { store().DeleteProfile(contacts_.id, jane_.id, done); }).ok());
  EXPECT_EQ(store().GetRow(orders.id, janes->row.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().FindRowByKey(orders.id, "A2").status().code(), Code::kNotFound);
  std::vector<core::RowEvent> events = Events(orders);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].row_id, johns->row.id);

  // The erased events were the newest; their ids are not given again, so a feed reader that had read
  // them misses nothing written later.
  auto next = AddRow(orders, "john@example.com", {{"orderId", "A3"}, {"status", "CONFIRMED"}});
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->event->id, shipped->event->id);
  ASSERT_EQ(Events(orders, shipped->event->id).size(), 1u);
  EXPECT_EQ(Events(orders, shipped->event->id)[0].row_id, next->row.id);
}

TEST_P(InteractionTables, ADeletedRowOrTableTakesItsEventsAlong) {
  core::InteractionTable orders = Orders(contacts_);
  ASSERT_TRUE(Create(orders).ok());
  core::InteractionTable bookings = Orders(contacts_, "bookings");
  ASSERT_TRUE(Create(bookings).ok());
  auto a1 = AddRow(orders, "jane@example.com", {{"orderId", "A1"}, {"status", "CONFIRMED"}});
  ASSERT_TRUE(a1.ok()) << a1.status().ToString();
  ASSERT_TRUE(Change(orders, a1->row.id, {{"status", "SHIPPED"}}).ok());
  auto a2 = AddRow(orders, "jane@example.com", {{"orderId", "A2"}, {"status", "CONFIRMED"}});
  ASSERT_TRUE(a2.ok()) << a2.status().ToString();
  auto b1 = AddRow(bookings, "jane@example.com", {{"orderId", "A1"}, {"status", "CONFIRMED"}});
  ASSERT_TRUE(b1.ok()) << b1.status().ToString();
  auto remove_row = [&](const core::InteractionTable& table, const std::string& row_id) {
    return WaitFor([&](StatusCallback done) { store().DeleteRow(table.id, row_id, done); });
  };
  auto remove_table = [&](const std::string& account_id, const std::string& name) {
    return WaitFor([&](StatusCallback done) { store().DeleteInteractionTable(account_id, name, done); });
  };

  ASSERT_TRUE(remove_row(orders, a1->row.id).ok());
  EXPECT_EQ(store().GetRow(orders.id, a1->row.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().FindRowByKey(orders.id, "A1").status().code(), Code::kNotFound);
  std::vector<core::RowEvent> events = Events(orders);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].row_id, a2->row.id);
  Status again = remove_row(orders, a1->row.id);
  EXPECT_EQ(again.code(), Code::kNotFound);
  EXPECT_EQ(again.message().substr(0, 4), "row:");
  EXPECT_EQ(remove_row(bookings, a2->row.id).code(), Code::kNotFound);  // a row of another table
  EXPECT_TRUE(
      AddRow(orders, "jane@example.com", {{"orderId", "A1"}, {"status", "CONFIRMED"}}).ok());  // key free

  MadeAccount b = MakeAccount("Shop B");
  EXPECT_EQ(remove_table(b.account.id, "orders").code(), Code::kNotFound);
  ASSERT_TRUE(remove_table(account_, "orders").ok());
  EXPECT_EQ(store().GetInteractionTable(account_, "orders").status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetRow(orders.id, a2->row.id).status().code(), Code::kNotFound);
  EXPECT_TRUE(store().ListRows(orders.id, "", "", 10)->rows.empty());
  EXPECT_TRUE(Events(orders).empty());
  EXPECT_EQ(remove_table(account_, "orders").code(), Code::kNotFound);
  EXPECT_EQ(store().ListRows(bookings.id, "", "", 10)->rows.size(), 1u);  // the other table untouched
  EXPECT_EQ(Events(bookings).size(), 1u);

  // The name is free again; the new table starts with an empty feed.
  core::InteractionTable again_orders = Orders(contacts_);
  ASSERT_TRUE(Create(again_orders).ok());
  EXPECT_TRUE(Events(again_orders).empty());
}

}  // namespace

// InteractionTables runs against every backend of the suite.
INSTANTIATE_TEST_SUITE_P(Backends, InteractionTables, ::testing::ValuesIn(ConformanceBackends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace herald::storage
