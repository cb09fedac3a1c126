#include "tracking/token.h"

#include <gtest/gtest.h>

namespace herald::tracking {
namespace {

const TokenCodec kCodec({1, 2, 3});

TEST(TokenCodec, RoundTripsOpensAndClicks) {
  std::string open = kCodec.Make({TokenKind::kOpen, "msg_01jdz4n7r8xg4w5v3k2p9qh6tb", ""});
  auto read = kCodec.Read(open);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->kind, TokenKind::kOpen);
  EXPECT_EQ(read->message_id, "msg_01jdz4n7r8xg4w5v3k2p9qh6tb");
  EXPECT_EQ(open.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);  // safe in a URL path as it is

  const std::string url = "https://shop.example/orders/1001?utm=mail&x=ü#top";
  auto click = kCodec.Read(kCodec.Make({TokenKind::kClick, "msg_x", url}));
  ASSERT_TRUE(click.has_value());
  EXPECT_EQ(click->kind, TokenKind::kClick);
  EXPECT_EQ(click->url, url);
}

TEST(TokenCodec, RefusesTamperedForeignAndMalformedTokens) {
  std::string token = kCodec.Make({TokenKind::kClick, "msg_x", "https://shop.example/"});
  for (size_t i = 0; i < token.size(); i += 7) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(kCodec.Read(altered).has_value()) << i;
  }
  EXPECT_FALSE(TokenCodec({9}).Read(token).has_value());      // another key
  EXPECT_FALSE(kCodec.Read(token.substr(0, token.size() - 4)).has_value());
  EXPECT_FALSE(kCodec.Read("").has_value());
  EXPECT_FALSE(kCodec.Read("not a token!").has_value());
  EXPECT_FALSE(kCodec.Read(std::string(kMaxTokenBytes + 4, 'A')).has_value());
  // The URL cannot be swapped: it is under the MAC.
  std::string other = kCodec.Make({TokenKind::kClick, "msg_x", "https://evil.example/"});
  EXPECT_NE(other, token);
}

}  // namespace
}  // namespace herald::tracking
