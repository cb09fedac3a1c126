#include "mime/submitted_message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "mime/message_reader.h"
#include "mime/mime_test_util.h"
#include "mime/text_checks.h"

namespace herald::mime {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kBody =
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Hello Jane,\r\n"
    "X-Herald-Tag: not a header, this is the body\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: application/octet-stream; name=\"a.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "AAECAwQFBgcICQ==\r\n"
    "--b1--\r\n";

SubmissionEdits Edits() {
  return {"msg_01jdz4n7r8@relay.example", testing::TestDate(), "https://help.example/lists?id=42"};
}

std::string Message(std::string_view headers) {
  return std::string(headers) + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n" +
         std::string(kBody);
}

Result<SubmittedMessage> Prepare(std::string_view raw, const SubmissionEdits& edits = Edits()) {
  return PrepareSubmittedMessage(raw, edits);
}

// The part from the empty line that ends the header section on.
std::string_view Rest(std::string_view raw) {
  size_t blank = raw.find("\r\n\r\n");
  return blank == std::string_view::npos ? std::string_view() : raw.substr(blank + 2);
}

void ExpectRefused(std::string_view raw, std::string_view message_part) {
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_FALSE(prepared.ok()) << raw;
  EXPECT_EQ(prepared.status().code(), Code::kInvalidArgument) << raw;
  EXPECT_THAT(prepared.status().message(), HasSubstr(message_part)) << raw;
}

TEST(PrepareSubmittedMessage, ReadsTheFieldsAndEditsOnlyTheHeaderSection) {
  std::string raw = Message(
      "Received: from app1 (app1 [192.0.2.1])\r\n\tby relay.example; Tue, 25 Nov 2025 11:36:13 +0000\r\n"
      "From: Shop <orders@shop.example>\r\n"
      "To: Jane Doe <jane@example.com>, bob@example.com\r\n"
      "Subject: Your order 42\r\n"
      "X-Herald-Tag: order, receipt\r\n"
      "X-Order-Id: 1001\r\n"
      "X-Herald-Metadata-OrderId: 1001\r\n");
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(prepared->from.AddrSpec(), "orders@shop.example");
  EXPECT_EQ(prepared->from.display_name, "Shop");
  EXPECT_EQ(prepared->from_header, "Shop <orders@shop.example>");
  EXPECT_EQ(prepared->to_header, "Jane Doe <jane@example.com>, bob@example.com");
  EXPECT_EQ(prepared->subject, "Your order 42");
  EXPECT_EQ(prepared->message_id, "msg_01jdz4n7r8@relay.example");
  EXPECT_THAT(prepared->tags, ElementsAre("order", "receipt"));
  EXPECT_EQ(prepared->metadata, nlohmann::json({{"OrderId", "1001"}}));
  EXPECT_EQ(
      prepared->raw,
      "Received: from app1 (app1 [192.0.2.1])\r\n\tby relay.example; Tue, 25 Nov 2025 11:36:13 +0000\r\n"
      "From: Shop <orders@shop.example>\r\n"
      "To: Jane Doe <jane@example.com>, bob@example.com\r\n"
      "Subject: Your order 42\r\n"
      "X-Order-Id: 1001\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n"
      "Date: Tue, 25 Nov 2025 11:36:13 +0000\r\n"
      "Message-ID: <msg_01jdz4n7r8@relay.example>\r\n"
      "List-Help: <https://help.example/lists?id=42>\r\n" +
          std::string(kBody));
}

TEST(PrepareSubmittedMessage, StripsFoldedHeraldFieldsCompletelyInAnyCase) {
  std::string raw = Message(
      "x-herald-tag: a,\r\n b\r\n"
      "From: a@shop.example\r\n"
      "X-HERALD-METADATA-Note:\r\n  first\r\n\tsecond\r\n"
      "X-Herald-Tag: c\r\n");
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_THAT(prepared->tags, ElementsAre("a", "b", "c"));
  EXPECT_EQ(prepared->metadata, nlohmann::json({{"Note", "first\tsecond"}}));
  EXPECT_EQ(core::AsciiLower(prepared->raw).find("x-herald"),
            core::AsciiLower(prepared->raw).find("x-herald-tag: not"));
  EXPECT_THAT(prepared->raw, ::testing::StartsWith("From: a@shop.example\r\nMIME-Version: 1.0\r\n"));
  EXPECT_EQ(Rest(prepared->raw), Rest(raw));
}

TEST(PrepareSubmittedMessage, KeepsAnExistingMessageIdAndDate) {
  std::string raw = Message(
      "From: a@shop.example\r\nDate: Mon, 24 Nov 2025 09:00:00 +0100\r\nmessage-id:\r\n "
      "<own.1@shop.example>\r\n");
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(prepared->message_id, "own.1@shop.example");
  EXPECT_EQ(testing::FieldValue(prepared->raw, "Date"), "Mon, 24 Nov 2025 09:00:00 +0100");
  EXPECT_EQ(prepared->raw.find("Message-ID: <msg_"), std::string::npos);
  EXPECT_EQ(prepared->raw.find("Date: Tue"), std::string::npos);
  EXPECT_EQ(prepared->raw.substr(0, raw.find("\r\n\r\n")), raw.substr(0, raw.find("\r\n\r\n")));
}

TEST(PrepareSubmittedMessage, KeepsAMalformedMessageIdAsWritten) {
  std::string raw = Message("From: a@shop.example\r\nMessage-ID: not an id\r\n");
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_TRUE(prepared.ok());
  EXPECT_EQ(prepared->message_id, "not an id");
  EXPECT_THAT(prepared->raw, HasSubstr("\r\nMessage-ID: not an id\r\n"));
  EXPECT_EQ(prepared->raw.find("<msg_"), std::string::npos);

  Result<SubmittedMessage> bracketed = Prepare(Message("From: a@shop.example\r\nMessage-ID: <a b>\r\n"));
  ASSERT_TRUE(bracketed.ok());
  EXPECT_FALSE(bracketed->message_id.empty());
}

TEST(PrepareSubmittedMessage, ReplacesBlankMessageIdAndDateFields) {
  std::string raw = Message("From: a@shop.example\r\nMessage-ID:  \r\nDate:\r\n");
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_TRUE(prepared.ok());
  EXPECT_EQ(prepared->message_id, "msg_01jdz4n7r8@relay.example");
  EXPECT_EQ(testing::FieldValue(prepared->raw, "Message-ID"), "<msg_01jdz4n7r8@relay.example>");
  EXPECT_EQ(testing::FieldValue(prepared->raw, "Date"), "Tue, 25 Nov 2025 11:36:13 +0000");
  EXPECT_EQ(prepared->raw.find("Message-ID:  \r\n"), std::string::npos);
  EXPECT_EQ(prepared->raw.find("Date:\r\n"), std::string::npos);
}

TEST(PrepareSubmittedMessage, WritesSingleDigitDaysAndUtc) {
  SubmissionEdits edits = Edits();
  edits.now = FromUnixMillis(1'772'409'600'000);  // 2026-03-02T00:00:00Z, a Monday
  Result<SubmittedMessage> prepared = Prepare(Message("From: a@shop.example\r\n"), edits);
  ASSERT_TRUE(prepared.ok());
  EXPECT_EQ(testing::FieldValue(prepared->raw, "Date"), "Mon, 2 Mar 2026 00:00:00 +0000");
}

TEST(PrepareSubmittedMessage, TheConnectionsListHelpReplacesTheMessagesOwn) {
  std::string raw = Message("From: a@shop.example\r\nList-Help: <mailto:help@shop.example>\r\n");
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_TRUE(prepared.ok());
  EXPECT_EQ(testing::FieldValue(prepared->raw, "List-Help"), "<https://help.example/lists?id=42>");
  EXPECT_EQ(prepared->raw.find("mailto:help"), std::string::npos);

  SubmissionEdits no_url = Edits();
  no_url.list_help_url.clear();
  Result<SubmittedMessage> kept = Prepare(raw, no_url);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(testing::FieldValue(kept->raw, "List-Help"), "<mailto:help@shop.example>");
  Result<SubmittedMessage> none = Prepare(Message("From: a@shop.example\r\n"), no_url);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->raw.find("List-Help"), std::string::npos);
}

TEST(PrepareSubmittedMessage, DecodesEncodedWordsAndRawUtf8) {
  std::string raw = Message(
      "From: =?utf-8?q?J=C3=A9r=C3=B4me_Caf=C3=A9?= <jerome@shop.example>\r\n"
      "To: \"Doe, Jane\" <jane@example.com>, Team: x@example.com, y@example.com;\r\n"
      "Subject: =?utf-8?b?4pyTIMOgIGxh?=\r\n =?utf-8?q?_mode?= \t now\r\n"
      "X-Herald-Metadata-City: =?iso-8859-1?q?M=FCnchen?=\r\n"
      "X-Herald-Tag: =?utf-8?q?b=C3=A9stellung?=\r\n");
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(prepared->from.display_name, "J\xc3\xa9r\xc3\xb4me Caf\xc3\xa9");
  EXPECT_EQ(prepared->from_header, "J\xc3\xa9r\xc3\xb4me Caf\xc3\xa9 <jerome@shop.example>");
  EXPECT_EQ(prepared->to_header, "Doe, Jane <jane@example.com>, Team: x@example.com, y@example.com;");
  EXPECT_EQ(prepared->subject, "\xe2\x9c\x93 \xc3\xa0 la mode   now");
  EXPECT_EQ(prepared->metadata["City"], "M\xc3\xbcnchen");
  EXPECT_THAT(prepared->tags, ElementsAre("b\xc3\xa9stellung"));
}

TEST(PrepareSubmittedMessage, AcceptsEightBitHeaders) {
  // SMTPUTF8 (RFC 6531/6532): UTF-8 in names, subjects and addresses, written raw.
  std::string raw = Message(
      "From: J\xc3\xb8rn <j\xc3\xb8rn@b\xc3\xbc"
      "cher.example>\r\n"
      "Subject: Gr\xc3\xbc\xc3\x9f"
      "e \xf0\x9f\x93\xa6\r\n"
      "X-Herald-Metadata-Stadt: K\xc3\xb6ln\r\n");
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(prepared->from.AddrSpec(),
            "j\xc3\xb8rn@b\xc3\xbc"
            "cher.example");
  EXPECT_TRUE(prepared->from.needs_smtputf8);
  EXPECT_EQ(prepared->from.display_name, "J\xc3\xb8rn");
  EXPECT_EQ(prepared->subject,
            "Gr\xc3\xbc\xc3\x9f"
            "e \xf0\x9f\x93\xa6");
  EXPECT_EQ(prepared->metadata["Stadt"], "K\xc3\xb6ln");
  EXPECT_THAT(prepared->raw, HasSubstr("Subject: Gr\xc3\xbc\xc3\x9f"
                                       "e \xf0\x9f\x93\xa6\r\n"));
}

TEST(PrepareSubmittedMessage, LegacyEightBitTextBecomesValidUtf8) {
  Result<SubmittedMessage> prepared =
      Prepare(Message("From: a@shop.example\r\nSubject: Gr\xfc\xdf"
                      "e\r\n"));
  ASSERT_TRUE(prepared.ok());
  EXPECT_TRUE(IsValidUtf8(prepared->subject)) << prepared->subject;
  EXPECT_THAT(prepared->raw, HasSubstr("Subject: Gr\xfc\xdf"
                                       "e\r\n"));  // the bytes themselves stay
}

TEST(PrepareSubmittedMessage, CleansAndCutsWhatItShows) {
  std::string long_subject(1500, 's');
  Result<SubmittedMessage> prepared =
      Prepare(Message("From: a@shop.example\r\nSubject: =?utf-8?q?a=07b=0Dc?= " + long_subject +
                      "\r\nTo: " + std::string(3000, 'x') + "@example.com\r\n"));
  ASSERT_TRUE(prepared.ok());
  EXPECT_EQ(prepared->subject.size(), 998u);
  EXPECT_EQ(prepared->subject.substr(0, 5), "abc s");
  EXPECT_LE(prepared->to_header.size(), 998u);
  Result<SubmittedMessage> cut_utf8 =
      Prepare(Message("From: a@shop.example\r\nSubject: a" + std::string(600, '\xc3') + "\r\n"));
  ASSERT_TRUE(cut_utf8.ok());
  EXPECT_TRUE(IsValidUtf8(cut_utf8->subject));
  EXPECT_LE(cut_utf8->subject.size(), 998u);
}

TEST(PrepareSubmittedMessage, ToAndSubjectMayBeMissing) {
  Result<SubmittedMessage> prepared = Prepare(Message("From: a@shop.example\r\n"));
  ASSERT_TRUE(prepared.ok());
  EXPECT_EQ(prepared->to_header, "");
  EXPECT_EQ(prepared->subject, "");
  EXPECT_TRUE(prepared->tags.empty());
  EXPECT_EQ(prepared->metadata, nlohmann::json::object());
  Result<SubmittedMessage> undisclosed =
      Prepare(Message("From: a@shop.example\r\nTo: undisclosed-recipients:;\r\n"));
  ASSERT_TRUE(undisclosed.ok());
  EXPECT_EQ(undisclosed->to_header, "undisclosed-recipients:;");
}

TEST(PrepareSubmittedMessage, AcceptsAMessageWithoutABody) {
  Result<SubmittedMessage> prepared = Prepare("From: a@shop.example\r\nX-Herald-Tag: t\r\nSubject: hi\r\n");
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(
      prepared->raw,
      "From: a@shop.example\r\nSubject: hi\r\nDate: Tue, 25 Nov 2025 11:36:13 +0000\r\n"
      "Message-ID: <msg_01jdz4n7r8@relay.example>\r\nList-Help: <https://help.example/lists?id=42>\r\n");
  // An unended last line is ended before the added fields; a removed one leaves nothing behind.
  Result<SubmittedMessage> unended = Prepare("From: a@shop.example\r\nSubject: hi");
  ASSERT_TRUE(unended.ok());
  EXPECT_THAT(unended->raw, ::testing::StartsWith("From: a@shop.example\r\nSubject: hi\r\nDate: "));
  Result<SubmittedMessage> removed = Prepare("From: a@shop.example\r\nX-Herald-Tag: t");
  ASSERT_TRUE(removed.ok());
  EXPECT_THAT(removed->raw, ::testing::StartsWith("From: a@shop.example\r\nDate: "));
  EXPECT_EQ(removed->raw.find("\r\n\r\n"), std::string::npos);
  // An empty body keeps its separator.
  Result<SubmittedMessage> empty_body = Prepare("From: a@shop.example\r\n\r\n");
  ASSERT_TRUE(empty_body.ok());
  EXPECT_THAT(empty_body->raw, ::testing::EndsWith(">\r\n\r\n"));
}

TEST(PrepareSubmittedMessage, DeduplicatesTagsAndCountsThemAfterwards) {
  std::string headers = "From: a@shop.example\r\n";
  for (int i = 0; i < 10; ++i) headers += "X-Herald-Tag: t" + std::to_string(i) + ", t0\r\n";
  Result<SubmittedMessage> prepared = Prepare(Message(headers));
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(prepared->tags.size(), 10u);
  ExpectRefused(Message(headers + "X-Herald-Tag: t10\r\n"), "X-Herald-Tag: more than 10 tags");
}

TEST(PrepareSubmittedMessage, RefusesBadLabels) {
  ExpectRefused(Message("From: a@shop.example\r\nX-Herald-Tag: a,,b\r\n"), "X-Herald-Tag: tag is empty");
  ExpectRefused(Message("From: a@shop.example\r\nX-Herald-Tag:\r\n"), "X-Herald-Tag: tag is empty");
  ExpectRefused(Message("From: a@shop.example\r\nX-Herald-Tag: " + std::string(129, 't') + "\r\n"),
                "tag is longer than 128 bytes");
  ExpectRefused(Message("From: a@shop.example\r\nX-Herald-Tag: =?utf-8?q?a=01b?=\r\n"),
                "tag has control characters");
  ExpectRefused(Message("From: a@shop.example\r\nX-Herald-Metadata-: v\r\n"),
                "X-Herald-Metadata-: metadata key is empty");
  ExpectRefused(Message("From: a@shop.example\r\nX-Herald-Metadata-" + std::string(65, 'k') + ": v\r\n"),
                "metadata key is longer than 64 bytes");
  ExpectRefused(Message("From: a@shop.example\r\nX-Herald-Metadata-K: " + std::string(1025, 'v') + "\r\n"),
                "X-Herald-Metadata-K: metadata value is longer than 1024 bytes");
  ExpectRefused(
      Message("From: a@shop.example\r\nX-Herald-Metadata-Order: 1\r\nx-herald-metadata-ORDER: 2\r\n"),
      "x-herald-metadata-ORDER: metadata key given twice");
  std::string many = "From: a@shop.example\r\n";
  for (int i = 0; i <= 50; ++i) many += "X-Herald-Metadata-K" + std::to_string(i) + ": v\r\n";
  ExpectRefused(Message(many), "X-Herald-Metadata-K50: more than 50 metadata keys");
}

TEST(PrepareSubmittedMessage, RefusesUnknownHeraldFields) {
  ExpectRefused(Message("From: a@shop.example\r\nX-Herald-Campaign: spring\r\n"),
                "unknown Herald header X-Herald-Campaign");
  ExpectRefused(Message("From: a@shop.example\r\nx-herald-tags: a\r\n"),
                "unknown Herald header x-herald-tags");
  // Only the X-Herald- family is Herald's.
  EXPECT_TRUE(Prepare(Message("From: a@shop.example\r\nX-Heraldic: a\r\nX-Herald: b\r\n")).ok());
}

TEST(PrepareSubmittedMessage, RefusesABadFromField) {
  ExpectRefused(Message("Subject: hi\r\n"), "the message has no From: field");
  ExpectRefused(Message("From: a@shop.example\r\nFROM: b@shop.example\r\n"), "several From: fields");
  ExpectRefused(Message("From: a@shop.example, b@shop.example\r\n"), "From: must hold exactly one mailbox");
  ExpectRefused(Message("From: Team: a@shop.example;\r\n"), "From: must hold exactly one mailbox");
  ExpectRefused(Message("From:\r\n"), "From: must hold exactly one mailbox");
  ExpectRefused(Message("From: Shop\r\n"), "From: address has no '@'");
  ExpectRefused(Message("From: <a@localhost>\r\n"), "From: domain is not a valid host name");
  ExpectRefused(Message("From: " + std::string(70, 'l') + "@shop.example\r\n"), "From: local part");
}

TEST(PrepareSubmittedMessage, RefusesWhatIsNotAHeaderSection) {
  ExpectRefused("", "the message has no From: field");
  ExpectRefused("\r\nbody\r\n", "the message has no From: field");
  ExpectRefused(Message("From: a@shop.example\r\nnot a header\r\n"), "header line 2 has no colon");
  ExpectRefused(Message(" folded: first\r\nFrom: a@shop.example\r\n"), "header line 1 is folded");
  ExpectRefused(Message("From: a@shop.example\r\n: no name\r\n"), "header line 2 has an empty field name");
  ExpectRefused(Message("From: a@shop.example\r\nFr om: x\r\n"), "header line 2 has a field name");
  ExpectRefused(Message("From: a@shop.example\r\nN\xc3\xa4me: x\r\n"), "header line 2 has a field name");
  ExpectRefused(Message("From: a@shop.example\nSubject: x\r\n"), "header line 1 ends in a bare LF");
  ExpectRefused(Message("From: a@shop.example\r\nSubject: a\rb\r\n"), "header line 2 has a bare CR");
  constexpr char kWithNul[] = "From: a@shop.example\r\nSubject: a\0b\r\n";
  ExpectRefused(Message(std::string(kWithNul, sizeof kWithNul - 1)), "header line 2 has a NUL");
  ExpectRefused(
      Message("From: a@shop.example\r\nX-Big: " + std::string(kMaxSubmittedHeaderSectionBytes, 'x') + "\r\n"),
      "the header section is larger than 1048576 bytes");
  // Spaces before the colon are obsolete but allowed (RFC 5322 §4.5).
  EXPECT_TRUE(Prepare(Message("From : a@shop.example\r\n")).ok());
}

TEST(PrepareSubmittedMessage, OnlyTheHeaderSectionIsChecked) {
  // Bare LFs, NULs, 8-bit bytes and long lines in the body are the SMTP layer's business; they pass.
  std::string raw = "From: a@shop.example\r\n\r\nline\nbare\rcr" + std::string(1, '\0') + "\xff" +
                    std::string(5000, 'x') + "\r\nFrom: b@shop.example\r\n";
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(Rest(prepared->raw), Rest(raw));
}

TEST(PrepareSubmittedMessage, AddsAUtf8MessageIdForAUtf8SenderDomain) {
  SubmissionEdits edits = Edits();
  edits.message_id =
      "msg_1@b\xc3\xbc"
      "cher.example";
  Result<SubmittedMessage> prepared = Prepare(Message("From: a@b\xc3\xbc"
                                                      "cher.example\r\n"),
                                              edits);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_THAT(prepared->raw, HasSubstr("\r\nMessage-ID: <msg_1@b\xc3\xbc"
                                       "cher.example>\r\n"));
  edits.message_id =
      "msg_1@b\xfc"
      "cher.example";  // not UTF-8
  EXPECT_EQ(Prepare(Message("From: a@shop.example\r\n"), edits).status().code(), Code::kInternal);
}

TEST(PrepareSubmittedMessage, RefusesMalformedEditsAsInternal) {
  SubmissionEdits edits = Edits();
  edits.message_id = "<a@b>";
  EXPECT_EQ(Prepare(Message("From: a@shop.example\r\n"), edits).status().code(), Code::kInternal);
  edits = Edits();
  edits.message_id = "no-at";
  EXPECT_EQ(Prepare(Message("From: a@shop.example\r\n"), edits).status().code(), Code::kInternal);
  edits = Edits();
  edits.list_help_url = "https://x.example/a b";
  EXPECT_EQ(Prepare(Message("From: a@shop.example\r\n"), edits).status().code(), Code::kInternal);
  edits.list_help_url = "https://x.example/\r\nBcc: x@y.example";
  EXPECT_EQ(Prepare(Message("From: a@shop.example\r\n"), edits).status().code(), Code::kInternal);
  edits.list_help_url = "https://x.example/" + std::string(990, 'a');
  EXPECT_EQ(Prepare(Message("From: a@shop.example\r\n"), edits).status().code(), Code::kInternal);
}

TEST(PrepareSubmittedMessage, TheResultParsesToTheSameParts) {
  std::string raw = Message("From: Shop <orders@shop.example>\r\nX-Herald-Tag: a\r\n");
  Result<SubmittedMessage> prepared = Prepare(raw);
  ASSERT_TRUE(prepared.ok());
  Result<ParsedMessage> before = ParseMessage(raw);
  Result<ParsedMessage> after = ParseMessage(prepared->raw);
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_EQ(after->parts.size(), 2u);
  EXPECT_EQ(after->parts[1].filename, "a.bin");
  EXPECT_EQ(after->parts[1].body, std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09", 10));
  EXPECT_EQ(after->parts[0].body, before->parts[0].body);
  EXPECT_EQ(after->message_id, "msg_01jdz4n7r8@relay.example");
  EXPECT_TRUE(after->date.has_value());
}

}  // namespace
}  // namespace herald::mime
