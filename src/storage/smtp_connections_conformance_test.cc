// The Store conformance suite, continued: SMTP connections and message groups (the SMTP relay's
// writes). The fixture and the list of backends are those of store_conformance_test.cc.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "core/ip_network.h"
#include "storage/store.h"
#include "storage/store_conformance.h"
#include "storage/sync.h"

namespace herald::storage {
namespace {

using core::EventType;
using core::MessageStatus;
using core::SmtpConnection;

class SmtpConnections : public StoreConformance {
 protected:
  SmtpConnection NewConnection(const std::string& account_id, std::vector<std::string> networks = {}) {
    clock_.Advance(Duration(1));
    SmtpConnection c;
    c.id = NewId("smtp", clock_.Now());
    c.account_id = account_id;
    c.name = "Web shop";
    c.username = NewSecret("smtp_").substr(0, 21);
    c.password_hash = Sha256Hex(NewSecret(""));
    c.domains = {"shop.example", "mail.shop.example"};
    c.list_help_url = "https://shop.example/help";
    c.trusted_networks = std::move(networks);
    c.require_tls = c.trusted_networks.empty();
    c.enabled = true;
    c.created_at = clock_.Now();
    return c;
  }

  Status Create(const SmtpConnection& c) {
    return WaitFor([&](StatusCallback done) { store().CreateSmtpConnection(c, done); });
  }
  Status Update(const SmtpConnection& c) {
    return WaitFor([&](StatusCallback done) { store().UpdateSmtpConnection(c, done); });
  }
  Status Delete(const std::string& account_id, const std::string& id) {
    return WaitFor([&](StatusCallback done) { store().DeleteSmtpConnection(account_id, id, done); });
  }
  Status Touch(const std::string& id, TimePoint at) {
    return WaitFor([&](StatusCallback done) { store().TouchSmtpConnection(id, at, done); });
  }

  SmtpConnection CreateOk(const std::string& account_id, std::vector<std::string> networks = {}) {
    SmtpConnection c = NewConnection(account_id, std::move(networks));
    Status s = Create(c);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return c;
  }

  NewMessageGroup NewGroup(const std::string& account_id, std::vector<std::string> recipients) {
    NewMessageGroup group;
    for (const std::string& rcpt : recipients) group.records.push_back(NewMsg(account_id, rcpt).record);
    group.raw = "From: orders@shop.example\r\nSubject: Your order\r\n\r\nThanks.\r\n";
    group.queued_at = clock_.Now();
    return group;
  }

  Status InsertGroup(const NewMessageGroup& group) {
    return WaitForResult<std::vector<MessageStatus>>([&](ResultCallback<std::vector<MessageStatus>> done) {
             store().InsertMessageGroup(group, done);
           })
        .status();
  }
};

void ExpectSame(const SmtpConnection& got, const SmtpConnection& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.account_id, want.account_id);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.username, want.username);
  EXPECT_EQ(got.password_hash, want.password_hash);
  EXPECT_EQ(got.domains, want.domains);
  EXPECT_EQ(got.list_help_url, want.list_help_url);
  EXPECT_EQ(got.trusted_networks, want.trusted_networks);
  EXPECT_EQ(got.require_tls, want.require_tls);
  EXPECT_EQ(got.enabled, want.enabled);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.last_used_at, want.last_used_at);
}

// ---- SMTP connections ----

TEST_P(SmtpConnections, CreatesGetsListsAndFindsByUsername) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  SmtpConnection first = CreateOk(a.account.id);
  SmtpConnection second = CreateOk(a.account.id, {"192.0.2.0/24", "2001:db8::/32"});
  SmtpConnection other = CreateOk(b.account.id);

  auto got = store().GetSmtpConnection(a.account.id, second.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSame(*got, second);
  EXPECT_FALSE(got->require_tls);
  EXPECT_FALSE(got->last_used_at.has_value());

  auto list = store().ListSmtpConnections(a.account.id);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  ExpectSame((*list)[0], first);  // oldest first
  ExpectSame((*list)[1], second);
  ASSERT_EQ(store().ListSmtpConnections(b.account.id)->size(), 1u);
  EXPECT_TRUE(store().ListSmtpConnections("acc_nobody")->empty());

  // The relay's lookups span accounts.
  auto found = store().FindSmtpConnectionByUsername(other.username);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ExpectSame(*found, other);
  EXPECT_EQ(store().FindSmtpConnectionByUsername("smtp_nobody").status().code(), Code::kNotFound);
  auto trusted = store().ListTrustedSmtpConnections();
  ASSERT_TRUE(trusted.ok()) << trusted.status().ToString();
  ASSERT_EQ(trusted->size(), 1u);
  EXPECT_EQ((*trusted)[0].id, second.id);

  Reopen();
  got = store().GetSmtpConnection(a.account.id, first.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSame(*got, first);
}

TEST_P(SmtpConnections, KeepsTenantsApart) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  SmtpConnection mine = CreateOk(a.account.id);

  EXPECT_EQ(store().GetSmtpConnection(b.account.id, mine.id).status().code(), Code::kNotFound);
  EXPECT_TRUE(store().ListSmtpConnections(b.account.id)->empty());

  SmtpConnection hijack = mine;
  hijack.account_id = b.account.id;
  hijack.name = "taken over";
  EXPECT_EQ(Update(hijack).code(), Code::kNotFound);
  EXPECT_EQ(Delete(b.account.id, mine.id).code(), Code::kNotFound);
  auto still = store().GetSmtpConnection(a.account.id, mine.id);
  ASSERT_TRUE(still.ok());
  ExpectSame(*still, mine);

  EXPECT_EQ(store().GetSmtpConnection(a.account.id, "smtp_nothing").status().code(), Code::kNotFound);
}

TEST_P(SmtpConnections, RefusesTakenUsernamesAndIdsAndUnknownAccounts) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  SmtpConnection taken = CreateOk(a.account.id);

  SmtpConnection same_username = NewConnection(b.account.id);  // usernames are unique across accounts
  same_username.username = taken.username;
  EXPECT_EQ(Create(same_username).code(), Code::kAlreadyExists);
  SmtpConnection same_id = NewConnection(a.account.id);
  same_id.id = taken.id;
  EXPECT_EQ(Create(same_id).code(), Code::kAlreadyExists);
  EXPECT_EQ(Create(NewConnection("acc_nobody")).code(), Code::kNotFound);

  SmtpConnection no_domains = NewConnection(a.account.id);
  no_domains.domains.clear();
  EXPECT_EQ(Create(no_domains).code(), Code::kInvalidArgument);
  SmtpConnection not_canonical = NewConnection(a.account.id, {"10.0.0.0/8", "2001:DB8::/32"});
  EXPECT_EQ(Create(not_canonical).code(), Code::kInvalidArgument);
  SmtpConnection not_network = NewConnection(a.account.id, {"10.0.0.1/8"});
  EXPECT_EQ(Create(not_network).code(), Code::kInvalidArgument);

  // Nothing of the refused writes was kept.
  EXPECT_EQ(store().ListSmtpConnections(a.account.id)->size(), 1u);
  EXPECT_TRUE(store().ListSmtpConnections(b.account.id)->empty());
  EXPECT_TRUE(store().ListTrustedSmtpConnections()->empty());
  ExpectSame(*store().FindSmtpConnectionByUsername(taken.username), taken);
}

TEST_P(SmtpConnections, UpdateReplacesTheSettingsButNotTheIdentity) {
  MadeAccount a = MakeAccount("Shop A");
  SmtpConnection c = CreateOk(a.account.id);
  ASSERT_TRUE(Touch(c.id, kStart + Duration(5000)).ok());

  SmtpConnection changed = c;
  changed.name = "ERP";
  changed.domains = {"erp.example"};
  changed.list_help_url = "";
  changed.trusted_networks = {"10.0.0.0/8"};
  changed.require_tls = false;
  changed.enabled = false;
  changed.password_hash = "";  // keeps the stored hash
  // Fields the update never changes, given wrong on purpose.
  changed.username = "smtp_other";
  changed.created_at = kStart + kDay;
  changed.last_used_at = std::nullopt;
  ASSERT_TRUE(Update(changed).ok());

  auto got = store().GetSmtpConnection(a.account.id, c.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->name, "ERP");
  EXPECT_EQ(got->domains, std::vector<std::string>{"erp.example"});
  EXPECT_EQ(got->list_help_url, "");
  EXPECT_EQ(got->trusted_networks, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_FALSE(got->require_tls);
  EXPECT_FALSE(got->enabled);
  EXPECT_EQ(got->password_hash, c.password_hash);
  EXPECT_EQ(got->username, c.username);
  EXPECT_EQ(got->created_at, c.created_at);
  EXPECT_EQ(got->last_used_at, kStart + Duration(5000));
  EXPECT_TRUE(store().FindSmtpConnectionByUsername(c.username).ok());

  // A new hash replaces the old one (password rotation).
  changed.password_hash = Sha256Hex("new password");
  ASSERT_TRUE(Update(changed).ok());
  EXPECT_EQ(store().GetSmtpConnection(a.account.id, c.id)->password_hash, Sha256Hex("new password"));

  SmtpConnection gone = NewConnection(a.account.id);
  EXPECT_EQ(Update(gone).code(), Code::kNotFound);
}

TEST_P(SmtpConnections, DeleteRemovesOnlyThatConnection) {
  MadeAccount a = MakeAccount("Shop A");
  SmtpConnection keep = CreateOk(a.account.id);
  SmtpConnection drop = CreateOk(a.account.id, {"198.51.100.0/24"});
  ASSERT_TRUE(Delete(a.account.id, drop.id).ok());
  EXPECT_EQ(store().GetSmtpConnection(a.account.id, drop.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().FindSmtpConnectionByUsername(drop.username).status().code(), Code::kNotFound);
  EXPECT_TRUE(store().ListTrustedSmtpConnections()->empty());
  EXPECT_EQ(Delete(a.account.id, drop.id).code(), Code::kNotFound);
  EXPECT_EQ(Touch(drop.id, clock_.Now()).code(), Code::kNotFound);
  EXPECT_EQ(store().ListSmtpConnections(a.account.id)->size(), 1u);
  EXPECT_TRUE(store().GetSmtpConnection(a.account.id, keep.id).ok());

  // Its network is free again, and its username may be given anew.
  SmtpConnection again = NewConnection(a.account.id, {"198.51.100.0/24"});
  again.username = drop.username;
  EXPECT_TRUE(Create(again).ok());
}

TEST_P(SmtpConnections, TouchNeverMovesLastUsedBack) {
  MadeAccount a = MakeAccount("Shop A");
  SmtpConnection c = CreateOk(a.account.id);
  const TimePoint t1 = kStart + Duration(1000);
  const TimePoint t2 = kStart + Duration(2000);
  ASSERT_TRUE(Touch(c.id, t2).ok());
  EXPECT_EQ(store().GetSmtpConnection(a.account.id, c.id)->last_used_at, t2);
  ASSERT_TRUE(Touch(c.id, t1).ok());  // a late, older touch
  EXPECT_EQ(store().GetSmtpConnection(a.account.id, c.id)->last_used_at, t2);
  ASSERT_TRUE(Touch(c.id, t2 + kDay).ok());
  EXPECT_EQ(store().GetSmtpConnection(a.account.id, c.id)->last_used_at, t2 + kDay);
  EXPECT_EQ(Touch("smtp_nothing", t1).code(), Code::kNotFound);
}

TEST_P(SmtpConnections, TrustedNetworksOfTwoConnectionsNeverOverlap) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  SmtpConnection wide = CreateOk(a.account.id, {"10.0.0.0/8", "2001:db8::/32"});

  // Another account's connection inside it: refused, naming both networks but not the connection.
  SmtpConnection inside = NewConnection(b.account.id, {"192.0.2.0/24", "10.1.0.0/16"});
  Status s = Create(inside);
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("10.1.0.0/16"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("10.0.0.0/8"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(wide.id), std::string::npos) << s.message();
  EXPECT_EQ(store().GetSmtpConnection(b.account.id, inside.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().FindSmtpConnectionByUsername(inside.username).status().code(), Code::kNotFound);

  // The same account's connection around it: refused, naming the connection.
  s = Create(NewConnection(a.account.id, {"10.0.0.0/7"}));
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find(wide.id), std::string::npos) << s.message();
  EXPECT_EQ(Create(NewConnection(b.account.id, {"2001:db8:1::/48"})).code(), Code::kFailedPrecondition);
  EXPECT_EQ(Create(NewConnection(b.account.id, {"10.2.3.4/32"})).code(), Code::kFailedPrecondition);

  // Beside it: accepted, in either family.
  SmtpConnection beside = CreateOk(b.account.id, {"11.0.0.0/8", "2001:db9::/32"});

  // An update into it is refused and changes nothing; moving within one's own networks is fine.
  SmtpConnection moved = beside;
  moved.trusted_networks = {"11.0.0.0/8", "10.9.0.0/16"};
  moved.name = "moved";
  EXPECT_EQ(Update(moved).code(), Code::kFailedPrecondition);
  ExpectSame(*store().GetSmtpConnection(b.account.id, beside.id), beside);
  SmtpConnection narrowed = wide;
  narrowed.trusted_networks = {"10.0.0.0/9"};
  ASSERT_TRUE(Update(narrowed).ok());
  EXPECT_TRUE(Create(NewConnection(b.account.id, {"10.128.0.0/9"})).ok());

  // A disabled connection keeps its networks: it is listed, and still blocks overlaps.
  narrowed.enabled = false;
  ASSERT_TRUE(Update(narrowed).ok());
  EXPECT_EQ(store().ListTrustedSmtpConnections()->size(), 3u);
  EXPECT_EQ(Create(NewConnection(b.account.id, {"10.0.0.0/16"})).code(), Code::kFailedPrecondition);
}

TEST_P(SmtpConnections, ConcurrentCreatesNeverLeaveOverlappingNetworks) {
  MadeAccount a = MakeAccount("Shop A");
  constexpr int kThreads = 16;
  // Half claim 172.16.0.0/12, half a /24 inside it: whatever the order, no two kept ones overlap.
  std::vector<SmtpConnection> connections;
  for (int i = 0; i < kThreads; ++i) {
    std::string network = i % 2 ? "172.16.0.0/12" : "172.16." + std::to_string(i) + ".0/24";
    connections.push_back(NewConnection(a.account.id, {network}));
  }
  std::latch start(kThreads);
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      Status s = Create(connections[i]);
      if (s.ok()) ++created;
      EXPECT_TRUE(s.ok() || s.code() == Code::kFailedPrecondition) << s.ToString();
    });
  }
  for (auto& t : threads) t.join();

  auto trusted = store().ListTrustedSmtpConnections();
  ASSERT_TRUE(trusted.ok()) << trusted.status().ToString();
  EXPECT_EQ(static_cast<int>(trusted->size()), created.load());
  EXPECT_GE(created.load(), 1);
  for (size_t i = 0; i < trusted->size(); ++i) {
    for (size_t j = i + 1; j < trusted->size(); ++j) {
      auto x = core::IpNetwork::Parse((*trusted)[i].trusted_networks.at(0));
      auto y = core::IpNetwork::Parse((*trusted)[j].trusted_networks.at(0));
      ASSERT_TRUE(x.ok() && y.ok());
      EXPECT_FALSE(core::Overlaps(*x, *y)) << x->ToString() << " and " << y->ToString();
    }
  }
}

// ---- Message groups ----

TEST_P(SmtpConnections, AGroupStoresEachRecordWithItsEventAndOneBody) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  NewMessageGroup group = NewGroup(a.account.id, {"jane@example.com", "joe@example.com", "ann@example.org"});
  ASSERT_TRUE(InsertGroup(group).ok());

  for (const core::MessageRecord& sent : group.records) {
    auto got = store().GetMessage(a.account.id, sent.id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->rcpt_to, sent.rcpt_to);
    EXPECT_EQ(got->status, MessageStatus::kQueued);
    auto events = store().GetEvents(a.account.id, sent.id);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ((*events)[0].type, EventType::kQueued);
    EXPECT_EQ((*events)[0].at, group.queued_at);
    auto item = store().LoadForDelivery(sent.id);
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    EXPECT_EQ(item->raw, group.raw);
    EXPECT_EQ(item->record.rcpt_to, sent.rcpt_to);
    EXPECT_EQ(store().GetMessage(b.account.id, sent.id).status().code(), Code::kNotFound);
  }
  EXPECT_EQ(store().ListUnfinished("", 100)->size(), 3u);

  // A record that does not own the body shows it in the sandbox too.
  const std::string& last = group.records.back().id;
  ASSERT_TRUE(Attempt({last, MessageStatus::kDelivered, 1, std::nullopt, {}, true}).ok());
  auto captured = store().GetSandboxMessage(a.account.id, last);
  ASSERT_TRUE(captured.ok()) << captured.status().ToString();
  EXPECT_EQ(captured->raw, group.raw);
  EXPECT_EQ(store().GetSandboxMessage(b.account.id, last).status().code(), Code::kNotFound);

  // Single messages stored after the group still read their own bodies.
  NewMessage single = NewMsg(a.account.id);
  std::string id = InsertOk(single);
  EXPECT_EQ(store().LoadForDelivery(id)->raw, single.raw);

  Reopen();
  EXPECT_EQ(store().LoadForDelivery(group.records[1].id)->raw, group.raw);
}

TEST_P(SmtpConnections, AGroupIsStoredWholeOrNotAtAll) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  std::string existing = InsertOk(NewMsg(a.account.id));

  // The second record's id is taken: nothing of the group is kept.
  NewMessageGroup group = NewGroup(a.account.id, {"jane@example.com", "joe@example.com", "ann@example.org"});
  group.records[1].id = existing;
  EXPECT_EQ(InsertGroup(group).code(), Code::kAlreadyExists);
  for (size_t i : {0u, 2u}) {
    EXPECT_EQ(store().GetMessage(a.account.id, group.records[i].id).status().code(), Code::kNotFound);
    EXPECT_EQ(store().LoadForDelivery(group.records[i].id).status().code(), Code::kNotFound);
  }
  EXPECT_EQ(store().GetEvents(a.account.id, existing)->size(), 1u);
  EXPECT_EQ(store().SearchMessages({a.account.id})->messages.size(), 1u);

  // Two records with one id.
  NewMessageGroup twice = NewGroup(a.account.id, {"jane@example.com", "joe@example.com"});
  twice.records[1].id = twice.records[0].id;
  EXPECT_EQ(InsertGroup(twice).code(), Code::kAlreadyExists);
  EXPECT_EQ(store().GetMessage(a.account.id, twice.records[0].id).status().code(), Code::kNotFound);

  NewMessageGroup mixed = NewGroup(a.account.id, {"jane@example.com", "joe@example.com"});
  mixed.records[1].account_id = b.account.id;
  EXPECT_EQ(InsertGroup(mixed).code(), Code::kInvalidArgument);
  EXPECT_EQ(InsertGroup(NewGroup("acc_nobody", {"jane@example.com"})).code(), Code::kNotFound);
  EXPECT_EQ(InsertGroup(NewGroup(a.account.id, {})).code(), Code::kInvalidArgument);

  EXPECT_EQ(store().SearchMessages({a.account.id})->messages.size(), 1u);
  EXPECT_EQ(store().ListUnfinished("", 100)->size(), 1u);

  // The same group, its collision removed, goes in whole.
  group.records[1].id = NewId("msg", clock_.Now());
  ASSERT_TRUE(InsertGroup(group).ok());
  EXPECT_EQ(store().SearchMessages({a.account.id})->messages.size(), 4u);
}

}  // namespace

// SmtpConnections runs against every backend of the suite.
INSTANTIATE_TEST_SUITE_P(Backends, SmtpConnections, ::testing::ValuesIn(ConformanceBackends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace herald::storage
