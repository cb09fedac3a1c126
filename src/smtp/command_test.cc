#include "smtp/command.h"

#include <gtest/gtest.h>

#include <limits>

#include "base/ascii.h"

namespace herald::smtp {
namespace {

TEST(Command, SplitsVerbAndArgument) {
  CommandLine command = SplitCommandLine("MAIL FROM:<a@b.example> SIZE=1  \t");
  EXPECT_EQ(command.verb, "MAIL");
  EXPECT_EQ(command.argument, "FROM:<a@b.example> SIZE=1");
  command = SplitCommandLine("EHLO   client.example");
  EXPECT_EQ(command.verb, "EHLO");
  EXPECT_EQ(command.argument, "client.example");
  command = SplitCommandLine("DATA ");
  EXPECT_EQ(command.verb, "DATA");
  EXPECT_EQ(command.argument, "");
  command = SplitCommandLine("");
  EXPECT_EQ(command.verb, "");
  EXPECT_TRUE(EqualsIgnoreCase("rCpT", "RCPT"));
  EXPECT_FALSE(EqualsIgnoreCase("RCPT", "RCP"));
}

TEST(Command, MailArguments) {
  MailArguments mail = ParseMailArguments("from:<Jane@Shop.example> size=123 BODY=8bitmime smtputf8 AUTH=<>");
  ASSERT_EQ(mail.error, ArgumentError::kNone);
  EXPECT_EQ(mail.sender.address.local, "Jane");
  EXPECT_EQ(mail.sender.address.domain, "Shop.example");
  EXPECT_EQ(mail.declared_size, 123u);
  EXPECT_TRUE(mail.eight_bit_mime);
  EXPECT_TRUE(mail.smtputf8);

  mail = ParseMailArguments("FROM:<>");
  ASSERT_EQ(mail.error, ArgumentError::kNone);
  EXPECT_TRUE(mail.sender.null());
  EXPECT_FALSE(mail.declared_size.has_value());

  mail = ParseMailArguments("FROM:<a@b.example> SIZE=18446744073709551616");
  ASSERT_EQ(mail.error, ArgumentError::kNone);
  EXPECT_EQ(mail.declared_size, std::numeric_limits<uint64_t>::max());
  mail = ParseMailArguments("FROM:<a@b.example> SIZE=18446744073709551615");
  EXPECT_EQ(mail.declared_size, std::numeric_limits<uint64_t>::max());
  mail = ParseMailArguments("FROM:<a@b.example> SIZE=0");
  EXPECT_EQ(mail.declared_size, 0u);
}

TEST(Command, MailArgumentErrors) {
  EXPECT_EQ(ParseMailArguments("FROM <a@b.example>").error, ArgumentError::kSyntax);
  EXPECT_EQ(ParseMailArguments("FROM:").error, ArgumentError::kSyntax);
  EXPECT_EQ(ParseMailArguments("FROM:<\"a>b@b.example>").error, ArgumentError::kSyntax);
  EXPECT_EQ(ParseMailArguments("FROM:<a@b.example>>").error, ArgumentError::kSyntax);
  EXPECT_EQ(ParseMailArguments("FROM:<a@b.example> BODY").error, ArgumentError::kBadParameter);
  EXPECT_EQ(ParseMailArguments("FROM:<a@b.example> BODY=7BIT BODY=7BIT").error, ArgumentError::kBadParameter);
  EXPECT_EQ(ParseMailArguments("FROM:<a@b.example> X-=1").error, ArgumentError::kUnsupportedParameter);
  EXPECT_EQ(ParseMailArguments("FROM:<a@b.example> -X=1").error, ArgumentError::kBadParameter);
  EXPECT_EQ(ParseMailArguments("FROM:<a@b.example> SIZE=1=2").error, ArgumentError::kBadParameter);
  EXPECT_EQ(ParseMailArguments("FROM:<a@b.example> SIZE=-1").error, ArgumentError::kBadParameter);
  EXPECT_EQ(ParseMailArguments("FROM:<a@b.example> ENVID=\xc3\xa9").error, ArgumentError::kBadCharacter);
  EXPECT_EQ(ParseMailArguments("FROM:\xc3\xa9<a@b.example>").error, ArgumentError::kBadCharacter);
  EXPECT_EQ(ParseMailArguments("FROM:<\xc3\xa9@b.example>").error, ArgumentError::kNeedsSmtpUtf8);
  EXPECT_EQ(ParseMailArguments("FROM:<\xc3\xa9@b.example> SMTPUTF8").error, ArgumentError::kNone);
  EXPECT_EQ(ParseMailArguments("FROM:<\xc3@b.example> SMTPUTF8").error, ArgumentError::kBadAddress);
  // A parameter error is found before the address is looked at.
  EXPECT_EQ(ParseMailArguments("FROM:<bad> X=1").error, ArgumentError::kUnsupportedParameter);
}

TEST(Command, QuotedLocalPartMayHoldBrackets) {
  MailArguments mail = ParseMailArguments("FROM:<\"a>b\\\"c\"@b.example> SIZE=5");
  ASSERT_EQ(mail.error, ArgumentError::kNone);
  EXPECT_EQ(mail.sender.address.local, "\"a>b\\\"c\"");
  EXPECT_EQ(mail.declared_size, 5u);
}

TEST(Command, RcptArguments) {
  RcptArguments rcpt = ParseRcptArguments("To:<@a.example,@b.example:joe@c.example>", false);
  ASSERT_EQ(rcpt.error, ArgumentError::kNone);
  EXPECT_EQ(rcpt.recipient.address.AddrSpec(), "joe@c.example");
  EXPECT_EQ(ParseRcptArguments("TO:<>", false).error, ArgumentError::kBadAddress);
  EXPECT_EQ(ParseRcptArguments("TO:<joe@c.example> NOTIFY=NEVER", false).error,
            ArgumentError::kUnsupportedParameter);
  EXPECT_EQ(ParseRcptArguments("TO:<joe@c.example> NOTIFY=", false).error, ArgumentError::kBadParameter);
  EXPECT_EQ(ParseRcptArguments("TO:<j\xc3\xb6@c.example>", false).error, ArgumentError::kNeedsSmtpUtf8);
  EXPECT_EQ(ParseRcptArguments("TO:<j\xc3\xb6@c.example>", true).error, ArgumentError::kNone);
  EXPECT_EQ(ParseRcptArguments("TO:joe@c.example", false).error, ArgumentError::kSyntax);
}

}  // namespace
}  // namespace herald::smtp
