// ReportRecorder against a real SQLite store: which recipients the inbound listener takes, and what
// reports sent to them do (and do not do) to messages and the suppression list.
#include "reports/recorder.h"

#include <gtest/gtest.h>

#include <cctype>
#include <future>
#include <string>

#include "base/random.h"
#include "core/verp.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/test_support.h"
#include "storage/sync.h"

namespace herald::reports {
namespace {

const TimePoint kStart = FromUnixMillis(1'780'000'000'000);

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::OpenSqliteStore({dir_.File("herald.db")}, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    for (const char* account : {"acc_a", "acc_b"}) {
      core::Account a{account, account, false, kStart};
      core::ApiKey key;
      key.id = NewId("key", kStart);
      key.account_id = account;
      key.key_hash = std::string(account) + "-hash";
      key.prefix = "hk";
      key.created_at = kStart;
      ASSERT_TRUE(storage::WaitFor([&](storage::StatusCallback done) { store_->CreateAccount(a, key, done); }).ok());
    }
    core::SendingDomain shop;
    shop.account_id = "acc_a";
    shop.name = "shop.example";
    shop.status = core::DomainStatus::kVerified;
    core::SendingDomain other = shop;
    other.account_id = "acc_b";
    other.name = "other.example";
    directory_.Load({shop, other});
    recorder_ = std::make_unique<ReportRecorder>(*store_, hosts_, clock_, bounces::ReadLimits{});
  }

  // A delivered message of `account` to `rcpt`, with its VERP sender at `host`; answers its id.
  std::string Sent(const std::string& account, const std::string& rcpt, const std::string& host = "bounces.shop.example") {
    clock_.Advance(Duration(1));
    storage::NewMessage m;
    m.record.id = NewId("msg", clock_.Now());
    m.record.account_id = account;
    m.record.rcpt_to = rcpt;
    m.record.mail_from = *core::VerpAddress(m.record.id, host);
    m.record.created_at = m.record.updated_at = clock_.Now();
    m.record.next_attempt_at = clock_.Now();
    m.raw = "Subject: x\r\n\r\ny\r\n";
    m.queued_event = {core::EventType::kQueued, clock_.Now(), nlohmann::json::object()};
    auto inserted = storage::WaitForResult<storage::InsertOutcome>(
        [&](storage::ResultCallback<storage::InsertOutcome> done) { store_->InsertMessage(m, kStart, done); });
    EXPECT_TRUE(inserted.ok());
    storage::AttemptRecord delivered{m.record.id, core::MessageStatus::kDelivered, 1, std::nullopt, {}, false};
    EXPECT_TRUE(storage::WaitFor([&](storage::StatusCallback done) { store_->RecordAttempt(delivered, done); }).ok());
    return m.record.id;
  }

  static smtp::Path PathOf(const std::string& address) {
    Result<core::EmailAddress> parsed = core::ParseAddrSpec(address);
    EXPECT_TRUE(parsed.ok()) << address;
    return smtp::Path{parsed.ok() ? *parsed : core::EmailAddress{}};
  }

  // The reply CheckRecipient gives, "" when it takes the recipient.
  std::string Check(const std::string& address) {
    std::optional<smtp::ServerReply> reply = recorder_->CheckRecipient(PathOf(address));
    return reply ? std::to_string(reply->code) + " " + reply->enhanced_code : "";
  }

  smtp::ServerReply Record(const std::string& rcpt, std::string raw) {
    smtp::Envelope envelope;
    envelope.rcpt_to.push_back(PathOf(rcpt));
    std::promise<smtp::ServerReply> replied;
    recorder_->Record(envelope, std::move(raw), [&](smtp::ServerReply reply) { replied.set_value(reply); });
    return replied.get_future().get();
  }

  static std::string VerpOf(const std::string& id, const std::string& host = "bounces.shop.example") {
    return *core::VerpAddress(id, host);
  }

  core::MessageRecord Message(const std::string& account, const std::string& id) { return *store_->GetMessage(account, id); }
  std::vector<core::Event> Events(const std::string& account, const std::string& id) {
    return *store_->GetEvents(account, id);
  }

  storage::sqlite::TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<storage::Store> store_;
  const SecretBox secrets_ = SecretBox::WithKey({1, 2, 3});
  domains::DomainDirectory directory_{secrets_, {}};
  ReturnPathHosts hosts_{directory_, "bounces", "rp.herald.test"};
  std::unique_ptr<ReportRecorder> recorder_;
};

std::string Dsn(const std::string& to, const std::string& recipient, const std::string& status,
                const std::string& diagnostic, const std::string& original_header = "") {
  return "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r\n"
         "To: " + to + "\r\n"
         "Subject: Undelivered Mail Returned to Sender\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
         "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n"
         "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
         "Final-Recipient: rfc822; " + recipient + "\r\nAction: failed\r\nStatus: " + status +
         "\r\nDiagnostic-Code: smtp; " + diagnostic + "\r\n\r\n"
         "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n" + original_header +
         "From: Shop <orders@shop.example>\r\nSubject: Your order\r\n\r\n--B--\r\n";
}

std::string Arf(const std::string& recipient, const std::string& message_id) {
  return "From: feedback@isp.example\r\nTo: fbl@bounces.shop.example\r\nSubject: complaint\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\r\n\r\n"
         "--F\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n\r\n"
         "--F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: isp/1.0\r\n"
         "Version: 1\r\nOriginal-Rcpt-To: " + recipient + "\r\n\r\n"
         "--F\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <" + message_id + "@shop.example>\r\n"
         "From: orders@shop.example\r\nTo: " + recipient + "\r\nSubject: Your order\r\n\r\nThanks.\r\n--F--\r\n";
}

TEST_F(RecorderTest, RecipientsAreTheReturnPathsOfKnownMessagesOnly) {
  const std::string a = Sent("acc_a", "jane@example.com");
  const std::string b = Sent("acc_b", "joe@example.com", "bounces.other.example");
  EXPECT_EQ(Check(VerpOf(a)), "");
  std::string shouted = VerpOf(a);
  for (char& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(Check(shouted), "");
  EXPECT_EQ(Check(VerpOf(b, "rp.herald.test")), "");  // the shared domain takes any account's
  EXPECT_EQ(Check(VerpOf(b)), "550 5.1.1");          // b's message at a's host
  EXPECT_EQ(Check(VerpOf("msg_00000000000000000000000000")), "550 5.1.1");
  EXPECT_EQ(Check("bounces+garbage@bounces.shop.example"), "550 5.1.1");
  EXPECT_EQ(Check("jane@bounces.shop.example"), "550 5.1.1");
  EXPECT_EQ(Check("Postmaster@bounces.shop.example"), "");
  EXPECT_EQ(Check("fbl@bounces.other.example"), "");
  EXPECT_EQ(Check(VerpOf(a, "shop.example")), "550 5.7.1");  // the sending domain itself is no bounce host
  EXPECT_EQ(Check("jane@example.com"), "550 5.7.1");
  EXPECT_EQ(Check("postmaster@bounces.nowhere.example"), "550 5.7.1");
}

TEST_F(RecorderTest, AHardBounceBouncesTheMessageAndSuppressesItsRecipient) {
  const std::string id = Sent("acc_a", "Jane@Example.com");
  smtp::ServerReply reply =
      Record(VerpOf(id), Dsn(VerpOf(id), "jane@example.com", "5.1.1", "550 5.1.1 <jane@example.com>: User unknown"));
  EXPECT_EQ(reply.code, 250) << reply.text;
  EXPECT_EQ(reply.text, "Ok: report recorded for " + id);
  EXPECT_EQ(Message("acc_a", id).status, core::MessageStatus::kBounced);
  const core::Event last = Events("acc_a", id).back();
  EXPECT_EQ(last.type, core::EventType::kBounced);
  EXPECT_EQ(last.details["bounce"], (nlohmann::json{{"type", "hard"}, {"reason", "user_unknown"}}));
  EXPECT_EQ(last.details["report"]["status"], "5.1.1");
  auto suppression = store_->GetSuppression("acc_a", "jane@example.com");
  ASSERT_TRUE(suppression.ok());
  EXPECT_EQ(suppression->source, "bounce");
  EXPECT_EQ(suppression->message_id, id);
}

TEST_F(RecorderTest, ASoftBounceIsRecordedWithoutSuppressing) {
  const std::string id = Sent("acc_a", "jane@example.com");
  smtp::ServerReply reply =
      Record(VerpOf(id), Dsn(VerpOf(id), "jane@example.com", "4.2.2", "452 4.2.2 Mailbox full"));
  EXPECT_EQ(reply.code, 250) << reply.text;
  EXPECT_EQ(Message("acc_a", id).status, core::MessageStatus::kDelivered);
  EXPECT_EQ(Events("acc_a", id).back().details["bounce"], (nlohmann::json{{"type", "soft"}, {"reason", "mailbox_full"}}));
  EXPECT_EQ(store_->GetSuppression("acc_a", "jane@example.com").status().code(), Code::kNotFound);
}

TEST_F(RecorderTest, AComplaintAtTheFeedbackAddressFindsItsMessageByMessageId) {
  const std::string id = Sent("acc_a", "jane@example.com");
  smtp::ServerReply reply = Record("fbl@bounces.shop.example", Arf("jane@example.com", id));
  EXPECT_EQ(reply.code, 250) << reply.text;
  EXPECT_EQ(Events("acc_a", id).back().type, core::EventType::kComplained);
  EXPECT_EQ(Message("acc_a", id).status, core::MessageStatus::kDelivered);
  EXPECT_EQ(store_->GetSuppression("acc_a", "jane@example.com")->source, "complaint");

  // The same report at another account's host changes nothing there.
  const std::string b = Sent("acc_b", "joe@example.com", "bounces.other.example");
  reply = Record("fbl@bounces.shop.example", Arf("joe@example.com", b));
  EXPECT_EQ(reply.code, 550);
  EXPECT_EQ(reply.enhanced_code, "5.6.0");
  EXPECT_EQ(Events("acc_b", b).size(), 1u);
  EXPECT_EQ(store_->GetSuppression("acc_b", "joe@example.com").status().code(), Code::kNotFound);
}

TEST_F(RecorderTest, NoticesAreNotedAndOrdinaryMailRefused) {
  const std::string id = Sent("acc_a", "jane@example.com");
  const size_t events = Events("acc_a", id).size();
  smtp::ServerReply reply = Record(VerpOf(id),
                                   "From: jane@example.com\r\nTo: " + VerpOf(id) +
                                       "\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\n"
                                       "I am away until Monday.\r\n");
  EXPECT_EQ(reply.code, 250) << reply.text;
  EXPECT_EQ(reply.text, "Ok: auto_reply noted, nothing to record");

  reply = Record(VerpOf(id), "From: jane@example.com\r\nSubject: hello\r\n\r\nJust saying hi.\r\n");
  EXPECT_EQ(reply.code, 550);
  EXPECT_EQ(reply.enhanced_code, "5.6.0");
  reply = Record(VerpOf(id), std::string("\x01\x02 garbage \xff\r\n", 15));
  EXPECT_EQ(reply.code, 550);

  // A bounce about someone else, at the VERP address, with two failures: noted only.
  std::string two = Dsn(VerpOf(id), "a@x.example", "5.1.1", "550 5.1.1 unknown");
  two.insert(two.find("--B\r\nContent-Type: text/rfc822"),
             "Final-Recipient: rfc822; b@x.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n");
  reply = Record(VerpOf(id), two);
  EXPECT_EQ(reply.code, 250) << reply.text;
  EXPECT_EQ(reply.text, "Ok: bounce noted, nothing to record");

  // At postmaster@, a bounce that names no message of ours.
  reply = Record("postmaster@bounces.shop.example",
                 Dsn("postmaster@bounces.shop.example", "jane@example.com", "5.1.1", "550 5.1.1 unknown"));
  EXPECT_EQ(reply.code, 550);
  EXPECT_EQ(Events("acc_a", id).size(), events);
  EXPECT_EQ(Message("acc_a", id).status, core::MessageStatus::kDelivered);
  EXPECT_EQ(store_->GetSuppression("acc_a", "jane@example.com").status().code(), Code::kNotFound);
}

TEST_F(RecorderTest, PastTheReadersLimitsIsRefused) {
  const std::string id = Sent("acc_a", "jane@example.com");
  bounces::ReadLimits small;
  small.max_bytes = 1000;
  ReportRecorder strict(*store_, hosts_, clock_, small);
  smtp::Envelope envelope;
  envelope.rcpt_to.push_back(PathOf(VerpOf(id)));
  std::promise<smtp::ServerReply> replied;
  strict.Record(envelope, Dsn(VerpOf(id), "jane@example.com", "5.1.1", std::string(2000, 'x')),
                [&](smtp::ServerReply reply) { replied.set_value(reply); });
  smtp::ServerReply reply = replied.get_future().get();
  EXPECT_EQ(reply.code, 552);
  EXPECT_EQ(Message("acc_a", id).status, core::MessageStatus::kDelivered);
}

}  // namespace
}  // namespace herald::reports
