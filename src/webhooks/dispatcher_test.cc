// The dispatcher against a real SQLite store and a real HTTP receiver on loopback: matching, order per
// message, retries that hold back only their own message, resuming from the outbox, disabling.
#include "webhooks/dispatcher.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "base/random.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sync.h"
#include "webhooks/service.h"
#include "webhooks/signature.h"

namespace herald::webhooks {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

struct Seen {
  nlohmann::json event;
  std::string body;
  std::string signature;
  int status = 0;
};

// Answers each POST with what `answer(event)` says; a thread per connection.
class Receiver {
 public:
  explicit Receiver(std::function<int(const nlohmann::json&)> answer)
      : answer_(std::move(answer)), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Accept(); });
  }
  ~Receiver() {
    stopping_ = true;
    boost::system::error_code ec;
    tcp::socket wake(io_);
    wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    thread_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_) ::shutdown(fd, SHUT_RDWR);  // ends the reads of kept-alive connections
    }
    for (std::thread& t : connections_) t.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Seen> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  // The 2xx-answered events, in the order they were answered.
  std::vector<nlohmann::json> delivered() {
    std::vector<nlohmann::json> out;
    for (const Seen& s : seen()) {
      if (s.status >= 200 && s.status < 300) out.push_back(s.event);
    }
    return out;
  }

 private:
  void Accept() {
    for (;;) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (stopping_ || ec) return;
      {
        std::lock_guard lock(mutex_);
        open_.push_back(socket.native_handle());
      }
      connections_.emplace_back([this, s = std::move(socket)]() mutable { Talk(s); });
    }
  }
  void Talk(tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) return;
      nlohmann::json event = nlohmann::json::parse(request.body(), nullptr, false);
      const int status = answer_(event);
      {
        std::lock_guard lock(mutex_);
        seen_.push_back({event, request.body(), std::string(request["Herald-Signature"]), status});
      }
      http::response<http::empty_body> response(static_cast<http::status>(status), 11);
      response.keep_alive(true);
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec) return;
    }
  }

  std::function<int(const nlohmann::json&)> answer_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::vector<std::thread> connections_;  // joined at the end: the dispatcher closes its connections first
  std::mutex mutex_;
  std::vector<Seen> seen_;  // guarded by mutex_
  std::vector<int> open_;   // guarded by mutex_: the connections' descriptors
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "herald-webhooks-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto opened = storage::OpenSqliteStore({(dir_ / "herald.db").string()}, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    account_ = {NewId("acc", clock_.Now()), "shop", false, clock_.Now()};
    core::ApiKey key{NewId("key", clock_.Now()), account_.id, "k", core::Scope::kAdmin, Sha(), "hk", clock_.Now(), {}};
    ASSERT_TRUE(storage::WaitFor([&](auto done) { store_->CreateAccount(account_, key, done); }).ok());
    options_.retry = {Duration(50), Duration(200), Duration(86'400'000)};
    options_.http.allow_private_networks = true;
    options_.http.response_timeout = Duration(2'000);
    options_.poll_interval = Duration(10);
  }
  void TearDown() override {
    StopDispatcher();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  static std::string Sha() { return NewSecret("h"); }

  void StartDispatcher() {
    io_ = std::make_unique<asio::io_context>(1);
    work_.emplace(asio::make_work_guard(*io_));
    dispatcher_ = std::make_unique<Dispatcher>(*io_, *store_, secrets_, clock_, tls_, options_);
    asio::post(*io_, [this] { dispatcher_->Start(); });
    thread_ = std::thread([this] { io_->run(); });
  }
  void StopDispatcher() {
    if (!thread_.joinable()) return;
    asio::post(*io_, [this] { dispatcher_->Stop([this] { work_.reset(); }); });
    thread_.join();
    dispatcher_.reset();
  }

  CreatedWebhook MakeWebhook(const std::string& url, core::WebhookEventFilter events = {true, {}}) {
    WebhookService service(*store_, secrets_, clock_, true, [this] {
      if (dispatcher_) dispatcher_->Reload();
    });
    asio::io_context io;
    std::optional<Result<CreatedWebhook>> created;
    auto create = [&]() -> asio::awaitable<void> {
      // A named argument: GCC 12 destroys a braced temporary in a co_await expression twice.
      WebhookSettings settings{url, events, std::nullopt, true};
      created.emplace(co_await service.Create(account_.id, std::move(settings)));
    };
    asio::co_spawn(io, create(), asio::detached);
    io.run();
    EXPECT_TRUE(created && created->ok()) << (created ? created->status().ToString() : "no answer");
    return **created;
  }

  // A message with its queued event, then `more` events (sent, delivered, …) as delivery records them.
  std::string Message(std::vector<core::EventType> more = {}, const std::string& rcpt = "jane@example.com") {
    storage::NewMessage m;
    m.record.id = NewId("msg", clock_.Now());
    m.record.account_id = account_.id;
    m.record.rcpt_to = rcpt;
    m.record.created_at = m.record.updated_at = clock_.Now();
    m.record.next_attempt_at = clock_.Now();
    m.raw = "Subject: x\r\n\r\nx\r\n";
    m.queued_event = {core::EventType::kQueued, clock_.Now(), {}};
    auto inserted = storage::WaitForResult<storage::InsertOutcome>(
        [&](auto done) { store_->InsertMessage(m, clock_.Now() - Duration(1), done); });
    EXPECT_TRUE(inserted.ok());
    for (core::EventType type : more) {
      storage::AttemptRecord a;
      a.message_id = m.record.id;
      a.status = core::MessageStatus::kDeferred;
      a.attempts = 1;
      a.events = {{type, clock_.Now(), {}}};
      EXPECT_TRUE(storage::WaitFor([&](auto done) { store_->RecordAttempt(a, done); }).ok());
    }
    return m.record.id;
  }

  static bool WaitUntil(const std::function<bool()>& done, int ms = 10'000) {
    for (int waited = 0; waited < ms; waited += 10) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  static std::vector<std::string> TypesOf(const std::vector<nlohmann::json>& events, const std::string& message) {
    std::vector<std::string> types;
    for (const nlohmann::json& e : events) {
      if (e["message_id"] == message) types.push_back(e["type"]);
    }
    return types;
  }

  AdjustableClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  const SecretBox secrets_ = SecretBox::WithKey({4, 2});
  asio::ssl::context tls_{asio::ssl::context::tls_client};
  core::Account account_;
  DispatcherOptions options_;
  std::unique_ptr<asio::io_context> io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::thread thread_;
};

TEST_F(DispatcherTest, DeliversMatchedEventsSignedOnceEachInOrder) {
  Receiver receiver([](const nlohmann::json&) { return 204; });
  std::string before = Message({core::EventType::kSent});  // before the webhook: not delivered
  CreatedWebhook hook = MakeWebhook(receiver.url(), {false, {core::EventType::kQueued, core::EventType::kDelivered}});
  StartDispatcher();
  std::string one = Message({core::EventType::kSent, core::EventType::kDelivered});
  std::string two = Message({core::EventType::kDeferred, core::EventType::kDelivered});
  ASSERT_TRUE(WaitUntil([&] { return receiver.delivered().size() >= 4; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::vector<nlohmann::json> delivered = receiver.delivered();
  ASSERT_EQ(delivered.size(), 4u);
  EXPECT_EQ(TypesOf(delivered, one), (std::vector<std::string>{"queued", "delivered"}));
  EXPECT_EQ(TypesOf(delivered, two), (std::vector<std::string>{"queued", "delivered"}));
  EXPECT_TRUE(TypesOf(delivered, before).empty());
  for (const Seen& s : receiver.seen()) {
    const std::string t = s.signature.substr(2, s.signature.find(',') - 2);
    EXPECT_EQ(s.signature, SignatureValue(hook.secret, std::stoll(t), s.body));
  }
  ASSERT_TRUE(WaitUntil([&] {
    auto log = store_->ListWebhookAttempts(account_.id, hook.webhook.id, "", 100);
    return log.ok() && log->attempts.size() == 4;
  }));
  EXPECT_TRUE(store_->ListWebhookDeliveries(hook.webhook.id, 0, 100)->empty());
}

TEST_F(DispatcherTest, AFailingEventHoldsBackItsMessageOnly) {
  std::atomic<int> refusals{0};
  Receiver receiver([&](const nlohmann::json& e) {
    if (e["recipient"] == "stuck@example.com" && e["type"] == "queued" && refusals < 3) {
      ++refusals;
      return 500;
    }
    return 200;
  });
  CreatedWebhook hook = MakeWebhook(receiver.url());
  options_.retry = {Duration(200), Duration(800), Duration(86'400'000)};
  StartDispatcher();
  const std::string stuck = Message({core::EventType::kSent, core::EventType::kDelivered}, "stuck@example.com");
  std::string free = Message({core::EventType::kSent, core::EventType::kDelivered});
  ASSERT_TRUE(WaitUntil([&] { return receiver.delivered().size() >= 6; }));
  std::vector<nlohmann::json> delivered = receiver.delivered();
  EXPECT_EQ(TypesOf(delivered, stuck), (std::vector<std::string>{"queued", "sent", "delivered"}));
  EXPECT_EQ(TypesOf(delivered, free), (std::vector<std::string>{"queued", "sent", "delivered"}));
  EXPECT_EQ(refusals, 3);
  // The free message did not wait for the stuck one's retries.
  size_t free_done = 0, stuck_first = 0;
  for (size_t i = 0; i < delivered.size(); ++i) {
    if (delivered[i]["message_id"] == free && delivered[i]["type"] == "delivered") free_done = i;
    if (delivered[i]["message_id"] == stuck && delivered[i]["type"] == "queued") stuck_first = i;
  }
  EXPECT_LT(free_done, stuck_first);
  auto log = store_->ListWebhookAttempts(account_.id, hook.webhook.id, "", 100);
  ASSERT_TRUE(log.ok());
  int retrying = 0;
  for (const storage::WebhookAttempt& a : log->attempts) retrying += a.outcome == storage::WebhookAttemptOutcome::kRetrying;
  EXPECT_EQ(retrying, 3);
}

TEST_F(DispatcherTest, ResumesFromTheOutboxAfterAStop) {
  std::atomic<bool> up{false};
  Receiver receiver([&](const nlohmann::json&) { return up ? 204 : 503; });
  CreatedWebhook hook = MakeWebhook(receiver.url());
  StartDispatcher();
  std::string id = Message({core::EventType::kSent});
  ASSERT_TRUE(WaitUntil([&] { return receiver.seen().size() >= 2; }));
  StopDispatcher();
  EXPECT_EQ(store_->ListWebhookDeliveries(hook.webhook.id, 0, 100)->size(), 2u) << "both wait in the outbox";
  up = true;
  StartDispatcher();
  ASSERT_TRUE(WaitUntil([&] { return receiver.delivered().size() >= 2; }));
  EXPECT_EQ(TypesOf(receiver.delivered(), id), (std::vector<std::string>{"queued", "sent"}));
}

TEST_F(DispatcherTest, DisablesAWebhookThatKeepsFailing) {
  uint16_t closed_port;
  {
    asio::io_context io;
    tcp::acceptor gone(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = gone.local_endpoint().port();
  }
  options_.disable_after = Duration(300);
  CreatedWebhook hook = MakeWebhook("http://127.0.0.1:" + std::to_string(closed_port) + "/");
  StartDispatcher();
  Message();
  ASSERT_TRUE(WaitUntil([&] {
    auto w = store_->GetWebhook(account_.id, hook.webhook.id);
    return w.ok() && !w->enabled;
  }));
  auto events = store_->ListAccountEvents(account_.id, hook.webhook.id, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, "webhook.disabled");
  auto log = store_->ListWebhookAttempts(account_.id, hook.webhook.id, "", 100);
  ASSERT_TRUE(log.ok());
  ASSERT_FALSE(log->attempts.empty());
  EXPECT_EQ(log->attempts.back().error, "connection refused");
  EXPECT_EQ(store_->ListWebhookDeliveries(hook.webhook.id, 0, 10)->size(), 1u) << "kept for when it is enabled";
}

}  // namespace
}  // namespace herald::webhooks
