#include "bounces/text_scan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald::bounces {
namespace {

std::vector<std::string> Addresses(std::string_view text, size_t max = 100) {
  std::vector<std::string> out;
  for (const FoundAddress& found : FindAddresses(text, max)) {
    EXPECT_EQ(text.substr(found.offset, found.address.size()), found.address);
    out.emplace_back(found.address);
  }
  return out;
}

TEST(Lines, SplitsOnLfAndCrlf) {
  EXPECT_EQ(Lines("a\r\nb\nc"), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(Lines("a\n\nb\n"), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_TRUE(Lines("").empty());
}

TEST(Text, SearchesAndFoldsIgnoringAsciiCase) {
  EXPECT_EQ(FindIgnoreCase("Delivery Status Notification (Delay)", "(delay)"), 29u);
  EXPECT_EQ(FindIgnoreCase("abc", "abcd"), std::string_view::npos);
  EXPECT_EQ(FindIgnoreCase("aXa", "xa", 2), std::string_view::npos);
  EXPECT_TRUE(ContainsAnyIgnoreCase("Mail Delivery Failed", {"nothing", "DELIVERY"}));
  EXPECT_EQ(OneLine("  550-5.1.1 The account\r\n    does not\texist.  "),
            "550-5.1.1 The account does not exist.");
  EXPECT_EQ(Trim(" \t x \r\n"), "x");
}

TEST(FindAddresses, FindsAddressesInTheirUsualDress) {
  EXPECT_EQ(Addresses("<kijitora@example.jp>: host mx.example.jp said: 550 5.1.1 <kijitora@example.jp>..."),
            (std::vector<std::string>{"kijitora@example.jp", "kijitora@example.jp"}));
  EXPECT_EQ(Addresses("kijitora@example.com<mailto:kijitora@example.com>"),
            (std::vector<std::string>{"kijitora@example.com", "kijitora@example.com"}));
  EXPECT_EQ(Addresses("\"shironeko@example.jp\": Final-Recipient: rfc822;neko@example.org."),
            (std::vector<std::string>{"shironeko@example.jp", "neko@example.org"}));
  EXPECT_EQ(Addresses("(kijitora@example.co.jp) [-9]"), (std::vector<std::string>{"kijitora@example.co.jp"}));
}

TEST(FindAddresses, SkipsWhatIsNotAnAddress) {
  EXPECT_TRUE(Addresses("foo@localhost, @example.com, user@, @, a@@b.example, x@-bad-.example").empty());
  EXPECT_TRUE(Addresses("https://support.google.com/mail/?p=NoSuchUser 192.0.2.1").empty());
  EXPECT_EQ(Addresses("...a@b.example..."), (std::vector<std::string>{"a@b.example"}));
  EXPECT_EQ(Addresses("one@a.example two@b.example three@c.example", 2).size(), 2u);
  EXPECT_EQ(FirstAddress("rfc822; <jane@example.com>"), "jane@example.com");
  EXPECT_EQ(FirstAddress("rfc822; undisclosed"), std::nullopt);
  EXPECT_EQ(WithoutAddresses("550 <no-such-user@example.com>... User unknown"), "550 <>... User unknown");
}

TEST(FindAddresses, IsLinearOnHostileInput) {
  std::string hostile(200000, 'a');
  for (size_t i = 0; i < hostile.size(); i += 3) hostile[i] = '@';
  EXPECT_LE(FindAddresses(hostile, 1000).size(), 1000u);
  std::string long_local(100000, 'x');
  EXPECT_TRUE(FindAddresses(long_local + "@example.com", 10).empty());  // a local part over 64 bytes
}

TEST(FindCodes, FindsReplyAndEnhancedCodes) {
  FoundCodes codes =
      FindCodes("host mx.example.jp[192.0.2.153] said: 550 5.1.1 <x@example.jp>... User Unknown");
  EXPECT_EQ(codes.reply_code, 550);
  EXPECT_EQ(codes.status, "5.1.1");
  EXPECT_TRUE(codes.status_follows_reply);
  codes = FindCodes("550-5.7.26 Unauthenticated email");
  EXPECT_EQ(codes.reply_code, 550);
  EXPECT_EQ(codes.status, "5.7.26");
  codes = FindCodes("Remote host said: 552 sorry, mailbox is over quota (#5.2.2)");
  EXPECT_EQ(codes.reply_code, 552);
  EXPECT_EQ(codes.status, "5.2.2");
  EXPECT_FALSE(codes.status_follows_reply);
  EXPECT_EQ(FindCodes("ERROR_CODE :550, ERROR_CODE :5.2.1 <x@example.jp>").reply_code, 550);
  EXPECT_EQ(FindCodes("550: : User unknown").reply_code, 550);
}

TEST(FindCodes, PrefersTheCodeWrittenWithTheReply) {
  // SES wraps the remote's reply in its own words: the status that follows the reply code is the remote's.
  FoundCodes codes = FindCodes("5.1.0 - Unknown address error 550 5.7.1 Access denied");
  EXPECT_EQ(codes.status, "5.7.1");
  EXPECT_TRUE(codes.status_follows_reply);
  codes = FindCodes("5.1.0 - Unknown address error 550-'5.7.1 Access denied'");
  EXPECT_EQ(codes.status, "5.1.0");
  EXPECT_FALSE(codes.status_follows_reply);
}

TEST(FindCodes, IgnoresNumbersThatAreNotCodes) {
  for (std::string_view text :
       {"[192.0.2.25]:25 4.16.55.1 SIZE=1543 port 465 2014-11-24 23:34:45 +0900 000-000-4401 v5.1.1b",
        "Sendmail 8.14.4/8.14.4 Exim 4.72 mailbox0.d5 550x 1550 5.1.1000", ""}) {
    FoundCodes codes = FindCodes(text);
    EXPECT_EQ(codes.reply_code, 0) << text;
    EXPECT_EQ(codes.status, "") << text;
  }
  EXPECT_EQ(FindCodes("250 2.1.5 Ok").reply_code, 0);  // a success is not looked for by default
  EXPECT_EQ(FindCodes("250 2.1.5 Ok", "2").status, "2.1.5");
}

TEST(FindCodes, KnowsAGenericStatus) {
  EXPECT_TRUE(IsGenericStatus("5.0.0"));
  EXPECT_TRUE(IsGenericStatus("4.0.0"));
  EXPECT_FALSE(IsGenericStatus("5.1.0"));
  EXPECT_FALSE(IsGenericStatus("5.0.00"));
}

TEST(FindRepliedCommand, ReadsWhatTheReportSays) {
  using smtp::RepliedCommand;
  auto command = [](std::string_view text) { return FindRepliedCommand(text, FindCodes(text).reply_offset); };
  EXPECT_EQ(command("host x said: 550 5.1.1 unknown (in reply to RCPT TO command)"), RepliedCommand::kRcptTo);
  EXPECT_EQ(command("said: 550 Unknown user (in reply to end of DATA command)"), RepliedCommand::kData);
  EXPECT_EQ(command("SMTP error from remote mail server after MAIL FROM:<a@b.example> SIZE=1543: 550 5.7.0"),
            RepliedCommand::kMailFrom);
  EXPECT_EQ(command("SMTP error from remote mail server after end of data: 550 5.2.0 rejected"),
            RepliedCommand::kData);
  EXPECT_EQ(command("gmail-smtp-in.l.google.com did not like our final DATA: 550-5.7.26"),
            RepliedCommand::kData);
  EXPECT_EQ(command("SMTP error from remote mail server after initial connection: 554 go away"),
            RepliedCommand::kGreeting);
  // A transcript: the last command before the failing reply, not one after it.
  EXPECT_EQ(
      command(">>> MAIL From:<a@b.example>\n<<< 250 ok\n>>> RCPT To:<c@d.example>\n<<< 550 User unknown\n"
              ">>> DATA\n<<< 503 need RCPT"),
      RepliedCommand::kRcptTo);
  EXPECT_EQ(command("550 5.1.1 User unknown"), RepliedCommand::kUnknown);
  EXPECT_EQ(command("We could not deliver our mail after all"), RepliedCommand::kUnknown);
}

TEST(HtmlToText, KeepsTheWordsAndTheLines) {
  EXPECT_EQ(
      HtmlToText("<p>Delivery has failed to:</p><b>jane@example.com</b><br>550 5.1.1 &lt;jane&gt;", 1000),
      "\nDelivery has failed to:\njane@example.com\n550 5.1.1 <jane>");
  EXPECT_EQ(HtmlToText("<unclosed", 1000), "");
  EXPECT_EQ(HtmlToText("abcdef", 3), "abc");
}

}  // namespace
}  // namespace herald::bounces
