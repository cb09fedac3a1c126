// The Store conformance suite's fixture, shared by the files of the suite (store_conformance_test.cc,
// smtp_connections_conformance_test.cc, …): what every backend must do, run once per backend (STYLE
// habit 11).
//
// A backend is a factory that opens the store kept under a directory; the fixture gives each test a
// new empty directory and reopens the same one to check durability. The backends are listed once, in
// ConformanceBackends (store_conformance_test.cc); a file of the suite derives its own fixture from
// StoreConformance and instantiates it with that list, so every case runs against every backend.
//
// Thread-safety: test-only; one fixture per test, its helpers called from the test's thread (the
// store itself may be used from any thread).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/digest.h"
#include "base/random.h"
#include "storage/store.h"
#include "storage/sync.h"

namespace herald::storage {

struct Backend {
  std::string name;
  // Opens the store kept under `dir` (empty the first time; the same directory again reopens it).
  std::function<Result<std::unique_ptr<Store>>(const std::filesystem::path& dir, const Clock& clock)> open;
};

// Every backend the suite runs against.
std::vector<Backend> ConformanceBackends();

inline const TimePoint kStart = FromUnixMillis(1'700'000'000'000);
inline const Duration kDay(86'400'000);

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "herald-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    Reopen();
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    store_.reset();
    auto opened = GetParam().open(dir_, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
  }

  Store& store() { return *store_; }

  struct MadeAccount {
    core::Account account;
    core::ApiKey key;
  };

  core::ApiKey NewKey(const std::string& account_id, core::Scope scope = core::Scope::kSend) {
    core::ApiKey key;
    key.id = NewId("key", clock_.Now());
    key.account_id = account_id;
    key.name = "test key";
    key.scope = scope;
    std::string secret = NewSecret("hk_test_");
    key.key_hash = Sha256Hex(secret);
    key.prefix = secret.substr(0, 12);
    key.created_at = clock_.Now();
    return key;
  }

  MadeAccount MakeAccount(const std::string& name) {
    MadeAccount made;
    made.account = {NewId("acc", clock_.Now()), name, false, clock_.Now()};
    made.key = NewKey(made.account.id, core::Scope::kAdmin);
    Status s = WaitFor([&](StatusCallback done) { store().CreateAccount(made.account, made.key, done); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return made;
  }

  // A message for `account_id`; the clock moves 1 ms so ids sort in creation order.
  NewMessage NewMsg(const std::string& account_id, const std::string& rcpt = "jane@example.com",
                    const std::string& idempotency_key = "") {
    clock_.Advance(Duration(1));
    NewMessage m;
    core::MessageRecord& r = m.record;
    r.id = NewId("msg", clock_.Now());
    r.account_id = account_id;
    r.status = core::MessageStatus::kQueued;
    r.campaign = "order-confirmation";
    r.mail_from = "bounce@shop.example";
    r.rcpt_to = rcpt;
    r.from_header = "Shop <orders@shop.example>";
    r.to_header = rcpt;
    r.subject = "Your order";
    r.tags = {"order", "eu"};
    r.metadata = {{"order_id", "42"}};
    r.idempotency_key = idempotency_key;
    r.created_at = clock_.Now();
    r.updated_at = clock_.Now();
    r.next_attempt_at = clock_.Now();
    m.raw = "Subject: Your order\r\n\r\nThanks.\r\n";
    m.queued_event = {core::EventType::kQueued, clock_.Now(), {{"source", "api"}}};
    return m;
  }

  Result<InsertOutcome> Insert(NewMessage m, TimePoint since = kStart - kDay) {
    return WaitForResult<InsertOutcome>(
        [&](ResultCallback<InsertOutcome> done) { store().InsertMessage(std::move(m), since, done); });
  }

  // Inserts a message and returns its id, failing the test if that does not work.
  std::string InsertOk(NewMessage m) {
    auto outcome = Insert(std::move(m));
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return outcome.ok() ? outcome->message_id : "";
  }

  Status Attempt(AttemptRecord attempt) {
    return WaitFor([&](StatusCallback done) { store().RecordAttempt(attempt, done); });
  }

  ManualClock clock_{kStart};
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace herald::storage
