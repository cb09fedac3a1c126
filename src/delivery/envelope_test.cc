#include "delivery/envelope.h"

#include <gtest/gtest.h>

namespace herald::delivery {
namespace {

core::MessageRecord Record(std::string mail_from) {
  core::MessageRecord record;
  record.id = "msg_01jdz4n7r8xg4w5v3k2p9qh6tb";
  record.mail_from = std::move(mail_from);
  record.rcpt_to = "jane@example.net";
  return record;
}

TEST(EnvelopeOf, TheConfiguredReturnPathDomainMakesAVerpSender) {
  EXPECT_EQ(EnvelopeOf(Record("orders@shop.example"), "rp.herald.example").mail_from,
            "bounces+01jdz4n7r8xg4w5v3k2p9qh6tb@rp.herald.example");
  EXPECT_EQ(EnvelopeOf(Record("orders@shop.example"), "").mail_from, "orders@shop.example");
  EXPECT_EQ(EnvelopeOf(Record(""), "rp.herald.example").mail_from, "");  // the null sender stays null
  EXPECT_EQ(EnvelopeOf(Record("orders@shop.example"), "").rcpt_to, "jane@example.net");
}

TEST(EnvelopeOf, ASendingDomainsVerpSenderIsKept) {
  const auto record = Record("bounces+01jdz4n7r8xg4w5v3k2p9qh6tb@bounces.shop.example");
  EXPECT_EQ(EnvelopeOf(record, "rp.herald.example").mail_from, record.mail_from);
  // Another message's VERP address is not this one's: it is replaced.
  EXPECT_EQ(EnvelopeOf(Record("bounces+01jdz4n7r8xg4w5v3k2p9qh6ta@bounces.shop.example"), "rp.herald.example").mail_from,
            "bounces+01jdz4n7r8xg4w5v3k2p9qh6tb@rp.herald.example");
}

}  // namespace
}  // namespace herald::delivery
