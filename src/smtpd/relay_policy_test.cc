#include "smtpd/relay_policy.h"

#include <gtest/gtest.h>

namespace herald::smtpd {
namespace {

using core::MessageStatus;

std::string TextOf(const Result<std::vector<intake::Accepted>>& stored) {
  smtp::ServerReply reply = RelayReply(stored);
  return std::to_string(reply.code) + " " + reply.enhanced_code + " " + reply.text;
}

TEST(RelayReply, NamesTheQueuedAndTheSuppressed) {
  EXPECT_EQ(TextOf(std::vector<intake::Accepted>{{"msg_a", MessageStatus::kQueued, false},
                                                 {"msg_b", MessageStatus::kQueued, false}}),
            "250 2.0.0 Ok: queued as msg_a msg_b");
  EXPECT_EQ(TextOf(std::vector<intake::Accepted>{{"msg_a", MessageStatus::kQueued, false},
                                                 {"msg_b", MessageStatus::kSuppressed, false}}),
            "250 2.0.0 Ok: queued as msg_a; suppressed (recipient_suppressed): msg_b");
  EXPECT_EQ(TextOf(std::vector<intake::Accepted>{{"msg_b", MessageStatus::kSuppressed, false}}),
            "250 2.0.0 Ok: suppressed (recipient_suppressed): msg_b");
}

TEST(RelayReply, CountsWhatDoesNotFit) {
  std::vector<intake::Accepted> many;
  for (int i = 0; i < 12; ++i) many.push_back({"msg_" + std::to_string(i), MessageStatus::kQueued, false});
  many.push_back({"msg_x", MessageStatus::kSuppressed, false});
  many.push_back({"msg_y", MessageStatus::kSuppressed, false});
  EXPECT_EQ(TextOf(many),
            "250 2.0.0 Ok: queued as msg_0 msg_1 msg_2 msg_3 msg_4 msg_5 msg_6 msg_7 and 4 more; suppressed "
            "(recipient_suppressed): msg_x and 1 more");
}

TEST(RelayReply, Refusals) {
  EXPECT_EQ(TextOf(Status::PermissionDenied("sender domain x.example is not verified")),
            "550 5.7.1 sender domain x.example is not verified");
  EXPECT_EQ(TextOf(Status::InvalidArgument("bad header")), "550 5.6.0 bad header");
  EXPECT_EQ(TextOf(Status::Unavailable("disk")), "451 4.3.0 Temporary failure storing the message; try again later");
}

}  // namespace
}  // namespace herald::smtpd
