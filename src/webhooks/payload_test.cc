#include "webhooks/payload.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace herald::webhooks {
namespace {

TEST(Payload, CarriesTheEventAndItsMessage) {
  storage::WebhookEvent e;
  e.id = 42;
  e.message_id = "msg_1";
  e.type = core::EventType::kBounced;
  e.at = FromUnixMillis(1'700'000'000'123);
  e.details = {{"bounce", {{"type", "hard"}, {"reason", "user_unknown"}}}};
  e.campaign = "order-confirmation";
  e.recipient = "jane@example.com";
  e.tags = {"order"};
  e.metadata = {{"order_id", "1001"}};
  nlohmann::json body = nlohmann::json::parse(EventPayload(e));
  EXPECT_EQ(body, nlohmann::json({{"id", "evt_42"},
                                  {"type", "bounced"},
                                  {"at", "2023-11-14T22:13:20.123Z"},
                                  {"message_id", "msg_1"},
                                  {"campaign", "order-confirmation"},
                                  {"recipient", "jane@example.com"},
                                  {"tags", {"order"}},
                                  {"metadata", {{"order_id", "1001"}}},
                                  {"details", {{"bounce", {{"type", "hard"}, {"reason", "user_unknown"}}}}}}));
}

TEST(Payload, InlineContentHasNoCampaignAndBadTextIsReplaced) {
  storage::WebhookEvent e;
  e.id = 1;
  e.message_id = "msg_2";
  e.recipient = "x@example.com";
  e.metadata = {{"note", std::string("caf\xe9")}};  // Latin-1, not UTF-8
  const std::string text = EventPayload(e);
  nlohmann::json body = nlohmann::json::parse(text);
  EXPECT_TRUE(body["campaign"].is_null());
  EXPECT_EQ(body["type"], "queued");
  EXPECT_EQ(body["metadata"]["note"], "caf\xef\xbf\xbd");
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace herald::webhooks
