// The dispatcher's administration (cancel, retry now, snapshot) against a real SQLite store and the
// capture transport, the dispatcher running on its own thread as in the daemon.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <optional>
#include <thread>

#include "base/random.h"
#include "delivery/capture_transport.h"
#include "delivery/dispatcher.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/test_support.h"
#include "storage/sync.h"

namespace herald::delivery {
namespace {

namespace asio = boost::asio;
using queue::AdminVerdict;

const TimePoint kStart = FromUnixMillis(1'700'000'000'000);
const Duration kHour(3'600'000);

class DispatcherAdmin : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::OpenSqliteStore({dir_.File("herald.db")}, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    core::Account account{"acct_test", "Shop", true, kStart};
    core::ApiKey key{"key_test", account.id, "test", core::Scope::kAdmin, "hash", "hk_test", kStart, std::nullopt};
    ASSERT_TRUE(storage::WaitFor([&](auto done) { store_->CreateAccount(account, key, done); }).ok());

    DispatcherOptions options;
    options.site = "capture";
    dispatcher_.emplace(io_, *store_, queue_, transport_, clock_, options);
    asio::post(io_, [this] { dispatcher_->Start(); });
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    StopDelivery();
    dispatcher_.reset();
  }

  void StopDelivery() {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] { dispatcher_->Stop([this] { work_.reset(); }); });
    thread_.join();
  }

  // A message stored and scheduled at `due`; `attempts` > 0 makes it deferred.
  std::string Enqueue(TimePoint due, int attempts = 0) {
    storage::NewMessage m;
    m.record.id = NewId("msg", clock_.Now());
    m.record.account_id = "acct_test";
    m.record.mail_from = "bounce@shop.example";
    m.record.rcpt_to = "jane@example.com";
    m.record.created_at = m.record.updated_at = clock_.Now();
    m.record.next_attempt_at = clock_.Now();
    m.raw = "Subject: hello\r\n\r\nHi.\r\n";
    m.queued_event = {core::EventType::kQueued, clock_.Now(), nlohmann::json::object()};
    const std::string id = m.record.id;
    auto inserted = storage::WaitForResult<storage::InsertOutcome>(
        [&](auto done) { store_->InsertMessage(std::move(m), kStart, done); });
    EXPECT_TRUE(inserted.ok()) << inserted.status().ToString();
    if (attempts > 0) {
      storage::AttemptRecord deferred{id, core::MessageStatus::kDeferred, attempts, due, {}, false};
      EXPECT_TRUE(storage::WaitFor([&](auto done) { store_->RecordAttempt(deferred, done); }).ok());
    }
    queue_.Schedule({id, due, attempts, clock_.Now(), "example.com"});
    return id;
  }

  Result<queue::AdminAnswer> Cancel(const std::string& id) {
    return storage::WaitForResult<queue::AdminAnswer>(
        [&](auto done) { dispatcher_->Cancel(id, {{"api_key", "key_test"}}, done); });
  }
  Result<queue::AdminAnswer> Retry(const std::string& id) {
    return storage::WaitForResult<queue::AdminAnswer>([&](auto done) { dispatcher_->Retry(id, done); });
  }
  Result<queue::QueueSnapshot> Snapshot() {
    return storage::WaitForResult<queue::QueueSnapshot>([&](auto done) { dispatcher_->Snapshot(done); });
  }

  core::MessageStatus StatusOf(const std::string& id) { return store_->GetMessage("acct_test", id)->status; }

  // Waits (in real time) until the message has `wanted` as its status.
  bool WaitForStatus(const std::string& id, core::MessageStatus wanted) {
    for (int i = 0; i < 500; ++i) {
      if (StatusOf(id) == wanted) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  storage::sqlite::TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<storage::Store> store_;
  queue::ScheduledQueue queue_;
  CaptureTransport transport_;
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::optional<Dispatcher> dispatcher_;
  std::thread thread_;
};

TEST_F(DispatcherAdmin, CancelWithdrawsAWaitingMessageForGood) {
  const std::string id = Enqueue(kStart + kHour);
  const std::string other = Enqueue(kStart + kHour, 2);

  auto snapshot = Snapshot();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ(snapshot->sites.size(), 1u);
  const queue::SiteCounts& site = snapshot->sites[0];
  EXPECT_EQ(site.site, "capture");  // without a router, every message goes to the one site
  EXPECT_EQ((std::pair{site.queued, site.deferred}), (std::pair<size_t, size_t>{1, 1}));
  EXPECT_EQ(site.domains, (std::vector<std::pair<std::string, size_t>>{{"example.com", 2}}));
  EXPECT_EQ(snapshot->scheduler.held, 2u);
  EXPECT_GT(snapshot->scheduler.queue_bytes, 0u);

  auto cancelled = Cancel(id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->verdict, AdminVerdict::kDone);
  EXPECT_EQ(cancelled->status, core::MessageStatus::kCancelled);
  EXPECT_FALSE(queue_.Contains(id));
  EXPECT_TRUE(queue_.Contains(other));
  EXPECT_EQ(StatusOf(id), core::MessageStatus::kCancelled);
  auto events = store_->GetEvents("acct_test", id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->back().type, core::EventType::kCancelled);
  EXPECT_EQ(events->back().details["api_key"], "key_test");

  // Once cancelled, the store says so; there is nothing left to retry.
  auto again = Cancel(id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->verdict, AdminVerdict::kFinished);
  EXPECT_EQ(again->status, core::MessageStatus::kCancelled);
  EXPECT_EQ(Retry(id)->verdict, AdminVerdict::kNotWaiting);
  EXPECT_EQ(Cancel("msg_unknown").status().code(), Code::kNotFound);
}

TEST_F(DispatcherAdmin, RetryMakesADeferredMessageDueNow) {
  const std::string id = Enqueue(kStart + kHour, 1);
  auto retried = Retry(id);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->verdict, AdminVerdict::kDone);
  ASSERT_TRUE(WaitForStatus(id, core::MessageStatus::kDelivered)) << core::ToString(StatusOf(id));

  auto snapshot = Snapshot();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_TRUE(snapshot->sites.empty());
  EXPECT_EQ(snapshot->scheduler.held, 0u);
  EXPECT_GE(snapshot->scheduler.ticks, 2u);
  EXPECT_GE(snapshot->scheduler.max_tick_us, snapshot->scheduler.last_tick_us);
}

TEST_F(DispatcherAdmin, CancelLeavesADeliveredMessageAlone) {
  const std::string id = Enqueue(kStart);
  ASSERT_TRUE(WaitForStatus(id, core::MessageStatus::kDelivered));
  auto cancelled = Cancel(id);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->verdict, AdminVerdict::kFinished);
  EXPECT_EQ(cancelled->status, core::MessageStatus::kDelivered);
  EXPECT_EQ(StatusOf(id), core::MessageStatus::kDelivered);
}

TEST_F(DispatcherAdmin, ARecipientSuppressedWhileTheMessageWaitsIsNeverTried) {
  const std::string id = Enqueue(kStart + kHour, 1);
  core::Suppression suppression{"acct_test", "jane@example.com", "user_unknown", "bounce", std::nullopt, kStart};
  ASSERT_TRUE(storage::WaitFor([&](auto done) { store_->AddSuppression(suppression, done); }).ok());
  ASSERT_EQ(Retry(id)->verdict, AdminVerdict::kDone);  // due now
  ASSERT_TRUE(WaitForStatus(id, core::MessageStatus::kSuppressed)) << core::ToString(StatusOf(id));
  auto events = store_->GetEvents("acct_test", id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->back().type, core::EventType::kSuppressed);
  EXPECT_EQ(events->back().details["reason"], "user_unknown");
  EXPECT_EQ(events->back().details["source"], "bounce");
  for (const core::Event& event : *events) EXPECT_NE(event.type, core::EventType::kDelivered);
  EXPECT_FALSE(queue_.Contains(id));
}

TEST_F(DispatcherAdmin, AnswersUnavailableOnceStopped) {
  const std::string id = Enqueue(kStart + kHour);
  StopDelivery();
  EXPECT_EQ(Cancel(id).status().code(), Code::kUnavailable);
  EXPECT_EQ(Retry(id).status().code(), Code::kUnavailable);
  EXPECT_EQ(Snapshot().status().code(), Code::kUnavailable);
  EXPECT_EQ(StatusOf(id), core::MessageStatus::kQueued);
}

}  // namespace
}  // namespace herald::delivery
