#include "smtp/reply.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald::smtp {
namespace {

TEST(ParseReplyLine, ReadsCodeSeparatorAndText) {
  struct Case {
    std::string line;
    int code;
    bool last;
    std::string text;
  };
  for (const Case& c : std::vector<Case>{
           {"250 OK", 250, true, "OK"},
           {"250-PIPELINING", 250, false, "PIPELINING"},
           {"250", 250, true, ""},
           {"250 ", 250, true, ""},
           {"354 End data with <CR><LF>.<CR><LF>", 354, true, "End data with <CR><LF>.<CR><LF>"},
           {"550 5.1.1 <x@y.example>: Recipient address rejected", 550, true,
            "5.1.1 <x@y.example>: Recipient address rejected"},
       }) {
    Result<ReplyLine> parsed = ParseReplyLine(c.line);
    ASSERT_TRUE(parsed.ok()) << c.line;
    EXPECT_EQ(parsed->code, c.code) << c.line;
    EXPECT_EQ(parsed->last, c.last) << c.line;
    EXPECT_EQ(parsed->text, c.text) << c.line;
  }
}

TEST(ParseReplyLine, RejectsMalformedLines) {
  for (const std::string line : {"", "25", "2x0 OK", "OK 250", "650 no such class", "150 no", "250x",
                                 "2500 OK", "250_OK", " 250 OK"}) {
    EXPECT_FALSE(ParseReplyLine(line).ok()) << line;
  }
}

TEST(EnhancedCodeLength, FindsRfc3463CodesOfTheReplyClass) {
  struct Case {
    std::string text;
    int reply_class;
    size_t length;
  };
  for (const Case& c : std::vector<Case>{
           {"5.1.1 No such user", 5, 5},
           {"4.7.1", 4, 5},
           {"2.0.0 Ok: queued as 123", 2, 5},
           {"5.123.456 long parts", 5, 9},
           {"4.7.1 x", 5, 0},     // class differs from the reply code's
           {"5.1.1234 x", 5, 0},  // detail longer than three digits
           {"5.1.1x", 5, 0},      // not followed by a space
           {"5..1 x", 5, 0},
           {"5.1. x", 5, 0},
           {"Ok", 2, 0},
           {"", 2, 0},
           {"5.1", 5, 0},
       }) {
    EXPECT_EQ(EnhancedCodeLength(c.text, c.reply_class), c.length) << c.text;
  }
}

TEST(ParseReply, SingleLineWithEnhancedCode) {
  Result<Reply> reply = ParseReply("550 5.1.1 No such user here\r\n");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->code, 550);
  EXPECT_TRUE(reply->Permanent());
  EXPECT_EQ(reply->enhanced_code, "5.1.1");
  EXPECT_EQ(reply->Text(), "No such user here");
}

TEST(ParseReply, MultiLineRepeatingTheEnhancedCode) {
  Result<Reply> reply = ParseReply(
      "550-5.1.1 The email account that you tried to reach does not exist.\r\n"
      "550-5.1.1 Please try double-checking the address.\r\n"
      "550 5.1.1 https://support.example/?p=NoSuchUser\r\n");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->enhanced_code, "5.1.1");
  ASSERT_EQ(reply->lines.size(), 3u);
  EXPECT_EQ(
      reply->Text(),
      "The email account that you tried to reach does not exist. Please try double-checking the address. "
      "https://support.example/?p=NoSuchUser");
}

TEST(ParseReply, MultiLineEhloWithoutEnhancedCode) {
  Result<Reply> reply =
      ParseReply("250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->code, 250);
  EXPECT_EQ(reply->enhanced_code, "");
  EXPECT_EQ(reply->lines,
            (std::vector<std::string>{"mx.example", "PIPELINING", "SIZE 10240000", "8BITMIME"}));
}

TEST(ParseReply, EnhancedCodeOfAnotherClassStaysInTheText) {
  Result<Reply> reply = ParseReply("250 5.1.1 odd\r\n");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->enhanced_code, "");
  EXPECT_EQ(reply->Text(), "5.1.1 odd");
}

TEST(ParseReply, AcceptsBareLfLineEnds) {
  Result<Reply> reply = ParseReply("250-a\n250 b\n");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->lines, (std::vector<std::string>{"a", "b"}));
}

TEST(ParseReply, RejectsMixedCodesAndIncompleteOrExtraReplies) {
  EXPECT_FALSE(ParseReply("250-a\r\n251 b\r\n").ok());
  EXPECT_FALSE(ParseReply("250-a\r\n").ok());
  EXPECT_FALSE(ParseReply("250 a").ok());  // no line end yet
  EXPECT_FALSE(ParseReply("250 a\r\n250 b\r\n").ok());
  EXPECT_FALSE(ParseReply("hello\r\n").ok());
}

TEST(ReplyParser, LineLimitCountsTheTerminator) {
  const std::string at_limit = "250 " + std::string(kMaxReplyLineBytes - 6, 'x') + "\r\n";
  ASSERT_EQ(at_limit.size(), kMaxReplyLineBytes);
  EXPECT_TRUE(ParseReply(at_limit).ok());
  const std::string over = "250 " + std::string(kMaxReplyLineBytes - 5, 'x') + "\r\n";
  EXPECT_FALSE(ParseReply(over).ok());
}

TEST(ReplyParser, OversizedLineFailsBeforeItsEndArrives) {
  ReplyParser parser;
  EXPECT_TRUE(parser.Feed("250 ").ok());
  Status status = parser.Feed(std::string(kMaxReplyLineBytes, 'x'));  // no newline, ever
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(parser.Feed("\r\n250 ok\r\n").ok()) << "errors are sticky";
  EXPECT_FALSE(parser.Next().has_value());
}

TEST(ReplyParser, LineCountLimit) {
  std::string at_limit;
  for (size_t i = 1; i < kMaxReplyLines; ++i) at_limit += "250-x\r\n";
  EXPECT_TRUE(ParseReply(at_limit + "250 x\r\n").ok());
  EXPECT_FALSE(ParseReply(at_limit + "250-x\r\n250 x\r\n").ok());
}

TEST(ReplyParser, AssemblesRepliesFedByteByByte) {
  const std::string input = "220 mx ready\r\n250-mx\r\n250 PIPELINING\r\n";
  ReplyParser parser;
  std::vector<Reply> replies;
  for (char c : input) {
    ASSERT_TRUE(parser.Feed(std::string_view(&c, 1)).ok());
    while (std::optional<Reply> reply = parser.Next()) replies.push_back(std::move(*reply));
  }
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].code, 220);
  EXPECT_EQ(replies[0].Text(), "mx ready");
  EXPECT_EQ(replies[1].lines.size(), 2u);
  EXPECT_FALSE(parser.HasPartialReply());
}

TEST(ReplyParser, KeepsPipelinedRepliesInOrder) {
  ReplyParser parser;
  ASSERT_TRUE(parser.Feed("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n250 2.0.0 queued\r\n25").ok());
  std::vector<int> codes;
  while (std::optional<Reply> reply = parser.Next()) codes.push_back(reply->code);
  EXPECT_EQ(codes, (std::vector<int>{250, 250, 354, 250}));
  EXPECT_TRUE(parser.HasPartialReply());
}

TEST(ReplyParser, CompletedRepliesSurviveALaterError) {
  ReplyParser parser;
  EXPECT_FALSE(parser.Feed("250 ok\r\ngarbage\r\n").ok());
  std::optional<Reply> reply = parser.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->code, 250);
  EXPECT_FALSE(parser.status().ok());
}

}  // namespace
}  // namespace herald::smtp
