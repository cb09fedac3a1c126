#include "api/export_csv.h"

#include <gtest/gtest.h>

#include <string>

#include "base/time_format.h"

namespace herald::api {
namespace {

using core::EventType;

storage::SuppressionExportRow Row(std::string address, std::string source, std::string reason,
                                  std::optional<std::string> message_id, std::optional<core::Event> cause) {
  core::Suppression s{"acc_1",           std::move(address),    std::move(reason),
                      std::move(source), std::move(message_id), *ParseRfc3339("2026-11-25T10:05:00.250Z")};
  return {std::move(s), std::move(cause)};
}

std::string Record(const storage::SuppressionExportRow& row) {
  std::string out;
  AppendSuppressionRecord(out, row);
  return out;
}

TEST(ExportCsv, ARefusalAtDeliveryGivesTheRemoteReply) {
  core::Event bounced{EventType::kBounced,
                      {},
                      {{"attempt", 1},
                       {"remote",
                        {{"host", "mx.example.net"},
                         {"code", 550},
                         {"enhanced_code", "5.1.1"},
                         {"text", "<jane@example.net>: Recipient address rejected: User unknown"}}},
                       {"bounce", {{"type", "hard"}, {"reason", "user_unknown"}}}}};
  EXPECT_EQ(Record(Row("jane@example.net", "bounce", "user_unknown", "msg_01", bounced)),
            "jane@example.net,2026-11-25T10:05:00.250Z,bounce,user_unknown,550,5.1.1,"
            "<jane@example.net>: Recipient address rejected: User unknown,msg_01\r\n");
  // A server that gave no enhanced code.
  bounced.details["remote"]["enhanced_code"] = nullptr;
  EXPECT_EQ(Record(Row("jane@example.net", "bounce", "user_unknown", "msg_01", bounced)),
            "jane@example.net,2026-11-25T10:05:00.250Z,bounce,user_unknown,550,,"
            "<jane@example.net>: Recipient address rejected: User unknown,msg_01\r\n");
}

TEST(ExportCsv, AReportedBounceGivesItsStatusAndDiagnosticQuoted) {
  core::Event bounced{EventType::kBounced,
                      {},
                      {{"bounce", {{"type", "hard"}, {"reason", "user_unknown"}}},
                       {"report",
                        {{"recipient", "joe@example.net"},
                         {"action", "failed"},
                         {"status", "5.1.1"},
                         {"code", 550},
                         {"diagnostic", "smtp; 550 5.1.1 \"joe\", no such user"}}}}};
  EXPECT_EQ(Record(Row("joe@example.net", "bounce", "user_unknown", "msg_02", bounced)),
            "joe@example.net,2026-11-25T10:05:00.250Z,bounce,user_unknown,550,5.1.1,"
            "\"smtp; 550 5.1.1 \"\"joe\"\", no such user\",msg_02\r\n");
  // A report without a reply code.
  bounced.details["report"].erase("code");
  EXPECT_EQ(Record(Row("joe@example.net", "bounce", "user_unknown", "msg_02", bounced)),
            "joe@example.net,2026-11-25T10:05:00.250Z,bounce,user_unknown,,5.1.1,"
            "\"smtp; 550 5.1.1 \"\"joe\"\", no such user\",msg_02\r\n");
}

TEST(ExportCsv, AComplaintAndAManualEntryHaveNoReply) {
  core::Event complained{
      EventType::kComplained,
      {},
      {{"complaint", {{"feedback_type", "abuse"}}}, {"report", {{"recipient", "ann@example.org"}}}}};
  EXPECT_EQ(Record(Row("ann@example.org", "complaint", "abuse", "msg_03", complained)),
            "ann@example.org,2026-11-25T10:05:00.250Z,complaint,abuse,,,,msg_03\r\n");
  EXPECT_EQ(
      Record(Row("asked@example.com", "manual", "asked \"twice\", by phone", std::nullopt, std::nullopt)),
      "asked@example.com,2026-11-25T10:05:00.250Z,manual,\"asked \"\"twice\"\", by phone\",,,,\r\n");
  // A bounce whose message lost its events (or odd stored details): the entry alone.
  core::Event odd{EventType::kBounced, {}, {{"remote", {{"code", "550"}, {"text", 7}}}}};
  EXPECT_EQ(Record(Row("x@example.com", "bounce", "user_unknown", "msg_04", odd)),
            "x@example.com,2026-11-25T10:05:00.250Z,bounce,user_unknown,,,,msg_04\r\n");
  EXPECT_EQ(Record(Row("x@example.com", "bounce", "user_unknown", "msg_04", std::nullopt)),
            "x@example.com,2026-11-25T10:05:00.250Z,bounce,user_unknown,,,,msg_04\r\n");
}

TEST(ExportCsv, TheHeadersEndWithCrlf) {
  EXPECT_TRUE(kMessagesCsvHeader.ends_with("tags\r\n"));
  EXPECT_TRUE(kSuppressionsCsvHeader.starts_with("address,created_at,"));
  EXPECT_TRUE(kSuppressionsCsvHeader.ends_with("message_id\r\n"));
}

}  // namespace
}  // namespace herald::api
