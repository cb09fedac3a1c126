#include "mime/message_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "base/base64.h"
#include "mime/body_encoding.h"
#include "mime/message_reader.h"
#include "mime/mime_test_util.h"

namespace herald::mime {
namespace {

using testing::Address;
using ::testing::ElementsAre;
using testing::FieldValue;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using testing::TypicalContent;
using testing::UnfoldedHeaders;
using testing::WireProblems;

std::string Build(const MessageContent& content) {
  Result<BuiltMessage> built = BuildMessage(content);
  EXPECT_TRUE(built.ok()) << built.status().ToString();
  return built.ok() ? built->wire : std::string();
}

ParsedMessage Parse(const std::string& wire) {
  Result<ParsedMessage> parsed = ParseMessage(wire);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : ParsedMessage{};
}

std::string TransferEncodingOf(const std::string& wire, std::string_view content_type) {
  size_t type = wire.find("Content-Type: " + std::string(content_type));
  if (type == std::string::npos) return "";
  size_t field = wire.find("Content-Transfer-Encoding: ", type);
  if (field == std::string::npos) return "";
  field += 27;
  return wire.substr(field, wire.find("\r\n", field) - field);
}

std::string BoundaryOf(const std::string& wire) {
  size_t start = wire.find("boundary=\"");
  if (start == std::string::npos) return "";
  start += 10;
  return wire.substr(start, wire.find('"', start) - start);
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST(BuildMessageTest, BothBodiesMakeAlternativeWithTextFirst) {
  std::string wire = Build(TypicalContent());
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_THAT(FieldValue(wire, "Content-Type"), StartsWith("multipart/alternative; boundary="));

  ParsedMessage parsed = Parse(wire);
  ASSERT_EQ(parsed.parts.size(), 2u);
  EXPECT_EQ(parsed.parts[0].content_type, "text/plain");
  EXPECT_EQ(parsed.parts[0].charset, "utf-8");
  EXPECT_EQ(parsed.parts[0].body, "Hello Jane,\r\nthank you for your order.\r\n");
  EXPECT_EQ(parsed.parts[1].content_type, "text/html");
  EXPECT_EQ(parsed.parts[1].charset, "utf-8");
  EXPECT_EQ(parsed.parts[1].body, "<p>Hello Jane,</p>\r\n<p>thank you for your order.</p>\r\n");
  EXPECT_EQ(TransferEncodingOf(wire, "text/plain"), "7bit");
}

TEST(BuildMessageTest, AttachmentsFollowTheBodyInMultipartMixed) {
  MessageContent content = TypicalContent();
  std::string binary;
  for (int i = 0; i < 100'000; ++i) binary += static_cast<char>((i * 7919) & 0xff);
  content.attachments = {{"invoice 1001.pdf", "application/pdf", CanonicalBase64::Encode(binary)},
                         {"Übersicht.txt", "text/plain", CanonicalBase64::Encode("line one\nline two\n")}};
  std::string wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_THAT(FieldValue(wire, "Content-Type"), StartsWith("multipart/mixed; boundary="));

  ParsedMessage parsed = Parse(wire);
  ASSERT_EQ(parsed.parts.size(), 4u);  // text, html (alternative), then the two attachments
  EXPECT_EQ(parsed.parts[0].content_type, "text/plain");
  EXPECT_EQ(parsed.parts[1].content_type, "text/html");
  EXPECT_EQ(parsed.parts[2].content_type, "application/pdf");
  EXPECT_EQ(parsed.parts[2].filename, "invoice 1001.pdf");
  EXPECT_EQ(parsed.parts[2].body, binary);  // byte for byte
  EXPECT_EQ(parsed.parts[3].filename, "Übersicht.txt");
  EXPECT_EQ(TransferEncodingOf(wire, "application/pdf"), "base64");
}

TEST(BuildMessageTest, AnEmptyAttachmentAndAttachmentsOfOneContentEachKeepTheirPlace) {
  MessageContent content = TypicalContent();
  content.attachments = {{"empty.bin", "application/octet-stream", CanonicalBase64()},
                         {"a.txt", "text/plain", CanonicalBase64::Encode("same\n")},
                         {"b.txt", "text/plain", CanonicalBase64::Encode("same\n")}};
  std::string wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  ParsedMessage parsed = Parse(wire);
  ASSERT_EQ(parsed.parts.size(), 5u);
  EXPECT_EQ(parsed.parts[2].filename, "empty.bin");
  EXPECT_EQ(parsed.parts[2].body, "");
  EXPECT_EQ(parsed.parts[3].filename, "a.txt");
  EXPECT_EQ(parsed.parts[3].body, "same\n");
  EXPECT_EQ(parsed.parts[4].filename, "b.txt");
  EXPECT_EQ(parsed.parts[4].body, "same\n");
  EXPECT_EQ(wire.find("HeraldAttachment"), std::string::npos);
}

TEST(BuildMessageTest, SaysWhereEachAttachmentsBase64LinesLie) {
  MessageContent content = TypicalContent();
  content.attachments = {{"a.bin", "application/octet-stream", CanonicalBase64::Encode(std::string(1000, 'a'))},
                         {"empty.bin", "application/octet-stream", CanonicalBase64()},
                         {"b.txt", "text/plain", CanonicalBase64::Encode("same\n")}};
  Result<BuiltMessage> built = BuildMessage(content);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  ASSERT_EQ(built->attachment_bodies.size(), 3u);
  for (size_t i = 0; i < content.attachments.size(); ++i) {
    std::string lines;
    AppendBase64Lines(Base64Decode(content.attachments[i].base64.text()).value(), lines);
    const ByteRange range = built->attachment_bodies[i];
    EXPECT_EQ(built->wire.substr(range.offset, range.size), lines) << i;
    EXPECT_EQ(built->wire.substr(range.offset - 2, 2), "\r\n") << i;  // the part's headers end before
  }
  EXPECT_THAT(BuildMessage(TypicalContent())->attachment_bodies, IsEmpty());
}

TEST(BuildMessageTest, BadAttachmentsAreRefused) {
  const CanonicalBase64 x = CanonicalBase64::Encode("x");
  for (const Attachment& bad : {Attachment{"", "application/pdf", x}, Attachment{"a/b.pdf", "application/pdf", x},
                                Attachment{"bell\a.pdf", "application/pdf", x}, Attachment{"a.pdf", "pdf", x},
                                Attachment{"a.pdf", "application/p df", x}, Attachment{std::string(300, 'a'), "a/b", x}}) {
    MessageContent content = TypicalContent();
    content.attachments = {bad};
    EXPECT_EQ(BuildMessage(content).status().code(), Code::kInvalidArgument) << bad.filename << " " << bad.content_type;
  }
}

TEST(BuildMessageTest, HtmlOnlyIsOnePart) {
  MessageContent content = TypicalContent();
  content.text.clear();
  std::string wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_EQ(wire.find("multipart"), std::string::npos);
  EXPECT_EQ(FieldValue(wire, "Content-Type"), "text/html; charset=utf-8");
  ParsedMessage parsed = Parse(wire);
  ASSERT_EQ(parsed.parts.size(), 1u);
  EXPECT_EQ(parsed.parts[0].content_type, "text/html");
  EXPECT_EQ(parsed.parts[0].body, "<p>Hello Jane,</p>\r\n<p>thank you for your order.</p>\r\n");
}

TEST(BuildMessageTest, TextOnlyIsOnePart) {
  MessageContent content = TypicalContent();
  content.html.clear();
  content.text = "Danke für Ihre Bestellung.\nGrüße";
  std::string wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_EQ(FieldValue(wire, "Content-Type"), "text/plain; charset=utf-8");
  ParsedMessage parsed = Parse(wire);
  ASSERT_EQ(parsed.parts.size(), 1u);
  EXPECT_EQ(parsed.parts[0].content_type, "text/plain");
  EXPECT_TRUE(parsed.parts[0].is_text);
  // Quoted-printable ends an unended last line with a soft line break: the text comes back as it was.
  EXPECT_EQ(parsed.parts[0].body, "Danke für Ihre Bestellung.\r\nGrüße");

  content.text = "Plain ASCII without a final line end";
  wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_EQ(TransferEncodingOf(wire, "text/plain"), "7bit");
  // 7bit has no soft breaks: the message's last line gets the CRLF every line needs.
  EXPECT_EQ(Parse(wire).parts.at(0).body, "Plain ASCII without a final line end\r\n");
}

TEST(BuildMessageTest, NoBodyIsRefused) {
  MessageContent content = TypicalContent();
  content.text.clear();
  content.html.clear();
  EXPECT_EQ(BuildMessage(content).status().code(), Code::kInvalidArgument);
}

TEST(BuildMessageTest, Utf8SubjectIsEncodedAndComesBack) {
  MessageContent content = TypicalContent();
  content.subject = "Ihre Bestellung über 30 € ✓";
  std::string wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  std::string subject = core::AsciiLower(FieldValue(wire, "Subject"));
  size_t word = subject.find("=?utf-8?");
  ASSERT_NE(word, std::string::npos) << subject;
  EXPECT_TRUE(subject.compare(word + 8, 2, "b?") == 0 || subject.compare(word + 8, 2, "q?") == 0) << subject;
  EXPECT_NE(subject.find("?=", word + 10), std::string::npos) << subject;
  EXPECT_EQ(Parse(wire).subject, "Ihre Bestellung über 30 € ✓");
}

TEST(BuildMessageTest, LongSubjectIsFoldedAndComesBack) {
  MessageContent content = TypicalContent();
  content.subject = "Lieferung " + std::string(300, 'x') + " und Grüße " + std::string(40, 'y');
  for (int i = 0; i < 30; ++i) content.subject += " wort" + std::to_string(i);
  std::string wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_EQ(Parse(wire).subject, content.subject);
}

TEST(BuildMessageTest, DisplayNamesAreQuotedOrEncoded) {
  for (const std::string name : {"Doe, Jane", "The \"Best\" Shop", "Müller, \"Hans\"", "日本語の名前",
                                 "a\\b (c) <d> ;:@.", "Jäne O'Brien-Smith"}) {
    MessageContent content = TypicalContent();
    content.from.display_name = name;
    content.to.display_name = name;
    std::string wire = Build(content);
    EXPECT_THAT(WireProblems(wire), IsEmpty()) << name;
    ParsedMessage parsed = Parse(wire);
    ASSERT_EQ(parsed.from.size(), 1u) << name;
    EXPECT_EQ(parsed.from[0].display_name, name);
    EXPECT_EQ(parsed.from[0].addr_spec, "orders@shop.example");
    ASSERT_EQ(parsed.to.size(), 1u) << name << "\n" << wire;
    EXPECT_EQ(parsed.to[0].display_name, name);
    EXPECT_EQ(parsed.to[0].addr_spec, "jane@example.com");
  }
}

TEST(BuildMessageTest, AsciiNameWithCommaIsQuoted) {
  MessageContent content = TypicalContent();
  content.from.display_name = "Doe, Jane";
  EXPECT_EQ(FieldValue(Build(content), "From"), "\"Doe, Jane\" <orders@shop.example>");
}

TEST(BuildMessageTest, EmptyDisplayNameGivesBareAddress) {
  MessageContent content = TypicalContent();
  content.from.display_name.clear();
  EXPECT_EQ(FieldValue(Build(content), "From"), "orders@shop.example");
}

TEST(BuildMessageTest, HeadersComeInTheDocumentedOrder) {
  MessageContent content = TypicalContent();
  content.reply_to = Address("support@shop.example", "Support");
  content.headers = {{"X-Order-Id", "42"}, {"List-Unsubscribe", "<https://shop.example/u/1>"}};
  std::vector<std::string> names;
  for (const std::string& field : UnfoldedHeaders(Build(content)))
    names.push_back(field.substr(0, field.find(':')));
  EXPECT_THAT(names, ElementsAre("From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version",
                                 "X-Order-Id", "List-Unsubscribe", "Content-Type"));
}

TEST(BuildMessageTest, ReplyToIsWrittenOnlyWhenGiven) {
  MessageContent content = TypicalContent();
  EXPECT_EQ(FieldValue(Build(content), "Reply-To"), "");
  content.reply_to = Address("support@shop.example");
  EXPECT_EQ(FieldValue(Build(content), "Reply-To"), "support@shop.example");
}

TEST(BuildMessageTest, DateAndMessageIdAreWritten) {
  std::string wire = Build(TypicalContent());
  EXPECT_EQ(FieldValue(wire, "Date"), "Tue, 25 Nov 2025 11:36:13 +0000");
  EXPECT_EQ(FieldValue(wire, "Message-ID"), "<msg_01jdz4n7r8xg4w5v3k2p9qh6tb@shop.example>");
  EXPECT_EQ(FieldValue(wire, "MIME-Version"), "1.0");
  ParsedMessage parsed = Parse(wire);
  EXPECT_EQ(parsed.message_id, "msg_01jdz4n7r8xg4w5v3k2p9qh6tb@shop.example");
  ASSERT_TRUE(parsed.date.has_value());
  EXPECT_EQ(ToUnixMillis(*parsed.date), 1764070573000);  // whole seconds: RFC 5322 has no fractions
}

TEST(BuildMessageTest, CallerHeadersPassThrough) {
  MessageContent content = TypicalContent();
  content.headers = {{"X-Order-Id", "ORD-2025-0042"},
                     {"X-Note", "Grüße aus Köln"},
                     {"X-Empty", ""},
                     {"X-Long", std::string(900, 'z')}};
  std::string wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_EQ(FieldValue(wire, "X-Order-Id"), "ORD-2025-0042");
  EXPECT_THAT(FieldValue(wire, "X-Note"), HasSubstr("=?UTF-8?"));
  ParsedMessage parsed = Parse(wire);
  auto value_of = [&](std::string_view name) {
    for (const Header& header : parsed.headers) {
      if (header.name == name) return header.value;
    }
    return std::string("<absent>");
  };
  EXPECT_EQ(value_of("X-Order-Id"), "ORD-2025-0042");
  EXPECT_EQ(value_of("X-Note"), "Grüße aus Köln");
  EXPECT_EQ(value_of("X-Empty"), "");
  EXPECT_EQ(value_of("X-Long"), std::string(900, 'z'));
}

TEST(BuildMessageTest, StructuredCallerHeadersAreWrittenAsGiven) {
  MessageContent content = TypicalContent();
  std::string url = "<https://shop.example/unsubscribe?token=" + std::string(300, 'k') + ">";
  content.headers = {{"List-Unsubscribe", url + ", <mailto:unsubscribe@shop.example>"},
                     {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
                     {"In-Reply-To", "not a message id"},
                     {"Disposition-Notification-To", "not an address"},
                     {"X-After", "still its own field"}};
  std::string wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_EQ(FieldValue(wire, "List-Unsubscribe"), url + ", <mailto:unsubscribe@shop.example>");
  EXPECT_EQ(FieldValue(wire, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_EQ(FieldValue(wire, "In-Reply-To"), "not a message id");
  EXPECT_EQ(FieldValue(wire, "Disposition-Notification-To"), "not an address");
  EXPECT_EQ(FieldValue(wire, "X-After"), "still its own field");
}

TEST(BuildMessageTest, DangerousCallerHeadersAreRefused) {
  for (const Header& header : std::vector<Header>{{"X-A", "b\r\nBcc: victim@example.com"},
                                                  {"X-A", "b\nBcc: victim@example.com"},
                                                  {"Bcc", "victim@example.com"},
                                                  {"content-type", "text/plain"},
                                                  {"X A", "b"},
                                                  {std::string(77, 'X'), "b"},
                                                  {"X-A", std::string(999, 'b')}}) {
    MessageContent content = TypicalContent();
    content.headers = {{"X-Fine", "ok"}, header};
    Result<BuiltMessage> built = BuildMessage(content);
    EXPECT_EQ(built.status().code(), Code::kInvalidArgument) << header.name;
  }
}

TEST(BuildMessageTest, VeryLongHtmlLineIsWrappedByTheTransferEncoding) {
  MessageContent content = TypicalContent();
  content.html = "<p>" + std::string(20000, 'a') + "</p>";
  std::string wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_EQ(TransferEncodingOf(wire, "text/html"), "quoted-printable");
  ParsedMessage parsed = Parse(wire);
  ASSERT_EQ(parsed.parts.size(), 2u);
  EXPECT_EQ(parsed.parts[1].body, content.html);
}

TEST(BuildMessageTest, TransferEncodingFollowsTheText) {
  MessageContent content = TypicalContent();
  content.html.clear();
  content.text = "Hallo Jürgen, Ihre Bestellung ist unterwegs und kommt übermorgen an.\n";
  std::string wire = Build(content);
  EXPECT_EQ(TransferEncodingOf(wire, "text/plain"), "quoted-printable");
  EXPECT_EQ(Parse(wire).parts[0].body,
            "Hallo Jürgen, Ihre Bestellung ist unterwegs und kommt übermorgen an.\r\n");

  content.text = "Ваш заказ отправлен и прибудет послезавтра.\n";
  wire = Build(content);
  EXPECT_EQ(TransferEncodingOf(wire, "text/plain"), "base64");
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_EQ(Parse(wire).parts[0].body, "Ваш заказ отправлен и прибудет послезавтра.\r\n");
}

TEST(BuildMessageTest, LineEndsBecomeCrlf) {
  MessageContent content = TypicalContent();
  content.html.clear();
  content.text = "a\rb\nc\r\nd\n\ne \n";
  std::string wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_EQ(Parse(wire).parts[0].body, "a\r\nb\r\nc\r\nd\r\n\r\ne \r\n");
}

TEST(BuildMessageTest, OutputIsDeterministicButForTheBoundary) {
  MessageContent content = TypicalContent();
  std::string first = Build(content);
  std::string second = Build(content);
  std::string first_boundary = BoundaryOf(first);
  std::string second_boundary = BoundaryOf(second);
  EXPECT_EQ(first_boundary.size(), 28u);  // "=_" and 26 base32 characters
  EXPECT_NE(first_boundary, second_boundary);
  EXPECT_EQ(ReplaceAll(first, first_boundary, "B"), ReplaceAll(second, second_boundary, "B"));

  content.text.clear();
  EXPECT_EQ(Build(content), Build(content));
}

TEST(BuildMessageTest, Utf8LocalPartIsWrittenAsUtf8AndDomainAsALabel) {
  MessageContent content = TypicalContent();
  content.to = Address("jäne@bücher.example");
  ASSERT_TRUE(content.to.needs_smtputf8);
  std::string wire = Build(content);
  EXPECT_EQ(FieldValue(wire, "To"), "jäne@xn--bcher-kva.example");
  // Only the To line carries 8-bit bytes.
  std::vector<std::string> problems = WireProblems(wire);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "line 2 has a non-ASCII byte");

  content.to = Address("jane@bücher.example");  // ASCII local part: the message stays 7-bit
  wire = Build(content);
  EXPECT_THAT(WireProblems(wire), IsEmpty());
  EXPECT_EQ(FieldValue(wire, "To"), "jane@xn--bcher-kva.example");
  EXPECT_EQ(Parse(wire).to.at(0).addr_spec, "jane@bücher.example");
}

TEST(BuildMessageTest, BadFieldsAreRefused) {
  auto refused = [](MessageContent content, std::string_view expected) {
    Result<BuiltMessage> built = BuildMessage(content);
    EXPECT_EQ(built.status().code(), Code::kInvalidArgument) << expected;
    EXPECT_THAT(built.status().message(), HasSubstr(expected));
  };
  MessageContent content = TypicalContent();
  content.subject = "Hi\r\nBcc: victim@example.com";
  refused(content, "subject");
  content = TypicalContent();
  content.subject = "bad \xff byte";
  refused(content, "subject");
  content = TypicalContent();
  content.subject = std::string(999, 's');
  refused(content, "subject");
  content = TypicalContent();
  content.html = "bad \xc3\x28 utf-8";
  refused(content, "html");
  content = TypicalContent();
  content.text = std::string("nul \0 inside", 12);
  refused(content, "text");
  content = TypicalContent();
  content.to.local = "jane\r\nBcc: victim";
  refused(content, "to address");
  content = TypicalContent();
  content.from.display_name = "Shop\r\nBcc: victim@example.com";
  refused(content, "from display name");
  content = TypicalContent();
  content.reply_to = core::EmailAddress{"", "shop.example", "", false};
  refused(content, "reply_to address");
  for (const std::string& id :
       std::vector<std::string>{"", "no-at-sign", "<msg@shop.example>", "msg 1@shop.example", "msg@",
                                "@shop.example", "msg@shop..example", std::string(251, 'a') + "@x"}) {
    content = TypicalContent();
    content.message_id = id;
    refused(content, "message_id");
  }
}

TEST(BuildMessageTest, ManyThreadsBuildAtOnce) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([t, &failures] {
      MessageContent content = TypicalContent();
      content.subject = "Grüße " + std::to_string(t);
      for (int i = 0; i < 200; ++i) {
        Result<BuiltMessage> built = BuildMessage(content);
        if (!built.ok() || !ParseMessage(built->wire).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(failures, ElementsAre(0, 0, 0, 0));
}

}  // namespace
}  // namespace herald::mime
