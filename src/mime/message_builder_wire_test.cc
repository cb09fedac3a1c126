// BuildMessage's wire rules held by construction: checked on edge cases and on many generated messages,
// each read back by GMime to the same subject, addresses, headers, bodies and attachments.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "base/base64.h"
#include "mime/body_encoding.h"
#include "mime/message_builder.h"
#include "mime/message_reader.h"
#include "mime/mime_test_util.h"
#include "mime/text_checks.h"

namespace herald::mime {
namespace {

using testing::Address;
using testing::FieldValue;
using testing::HeaderSection;
using ::testing::IsEmpty;
using testing::TypicalContent;
using testing::WireProblems;

// `text` with every line end (CRLF, LF, lone CR) as CRLF.
std::string WithCrlf(std::string_view text) {
  std::string out;
  AppendWithCrlf(text, [&out](const char* data, size_t size) { out.append(data, size); });
  return out;
}

std::string Trimmed(std::string_view text, std::string_view space = " ") {
  const size_t first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(space) + 1 - first));
}

// What a reader gets back from a text body: its lines with CRLF, and a final CRLF added when 7bit (which
// has no soft break to end an unended last line with) carries it.
std::string ExpectedTextBody(std::string_view text) {
  std::optional<BodyStats> stats = NormalizeBody(text, [](const char*, size_t) {});
  std::string expected = WithCrlf(text);
  if (stats && ChooseTransferEncoding(*stats) == TransferEncoding::k7Bit && !text.empty() &&
      text.back() != '\n' && text.back() != '\r') {
    expected += "\r\n";
  }
  return expected;
}

TEST(BuildMessageWireTest, ACallerHeaderFillingA998ByteLineStaysWithinIt) {
  MessageContent content = TypicalContent();
  const std::string name = "X-Token";
  content.headers = {{name, std::string(998 - name.size() - 2, 't')}};
  Result<BuiltMessage> built = BuildMessage(content);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_THAT(WireProblems(built->wire), IsEmpty());
  EXPECT_NE(built->wire.find("\r\n" + name + ": " + content.headers[0].value + "\r\n"), std::string::npos);
}

TEST(BuildMessageWireTest, HeaderLinesKeepWithin78WhereTheWordsAllow) {
  MessageContent content = TypicalContent();
  content.subject = std::string(998, 's');  // one word: written as encoded words, folded
  content.from.display_name = "Ünïcödé very long display name that goes past the seventy-eight column limit";
  content.headers = {{"X-Note", "Grüße " + std::string(200, 'g') + " aus Köln"}};
  content.attachments = {{std::string(200, 'f') + " é.pdf", "application/pdf", CanonicalBase64::Encode("x")}};
  Result<BuiltMessage> built = BuildMessage(content);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_THAT(WireProblems(built->wire), IsEmpty());
  const std::string_view wire = built->wire;
  const size_t body = wire.find("\r\n\r\n", wire.find("Content-Disposition"));
  for (size_t start = 0, end = 0; start < body; start = end + 2) {
    end = wire.find("\r\n", start);
    EXPECT_LE(end - start, 78u) << wire.substr(start, end - start);
  }
  ParsedMessage parsed = ParseMessage(built->wire).value();
  EXPECT_EQ(parsed.subject, content.subject);
  EXPECT_EQ(parsed.from.at(0).display_name, content.from.display_name);
  EXPECT_EQ(parsed.parts.at(2).filename, content.attachments[0].filename);
}

TEST(BuildMessageWireTest, DateIsWrittenInUtcForAnyDay) {
  auto date_of = [](int64_t unix_millis) {
    MessageContent content = TypicalContent();
    content.date = FromUnixMillis(unix_millis);
    return FieldValue(BuildMessage(content)->wire, "Date");
  };
  EXPECT_EQ(date_of(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(date_of(-1000), "Wed, 31 Dec 1969 23:59:59 +0000");
  EXPECT_EQ(date_of(-1), "Wed, 31 Dec 1969 23:59:59 +0000");  // whole seconds, rounded down
  EXPECT_EQ(date_of(1709251199999), "Thu, 29 Feb 2024 23:59:59 +0000");
  EXPECT_EQ(date_of(952214400000), "Sun, 05 Mar 2000 00:00:00 +0000");
  EXPECT_EQ(date_of(4102444800000), "Fri, 01 Jan 2100 00:00:00 +0000");
}

TEST(BuildMessageWireTest, SubjectsComeBackExactlyEvenWhereGMimeWouldNot) {
  for (const std::string subject : {"  leading and trailing  ", "=?utf-8?q?hi?= there", " ", "tab\tinside"}) {
    MessageContent content = TypicalContent();
    content.subject = subject;
    Result<BuiltMessage> built = BuildMessage(content);
    ASSERT_TRUE(built.ok());
    EXPECT_THAT(WireProblems(built->wire), IsEmpty());
    EXPECT_EQ(ParseMessage(built->wire).value().subject, subject);
  }
}

// Generated messages: random pieces of text, each chosen to hit a rule of the wire format.
class Generator {
 public:
  explicit Generator(uint32_t seed) : random_(seed) {}

  size_t Below(size_t n) { return n == 0 ? 0 : random_() % n; }

  std::string Text(const std::vector<std::string>& pieces, size_t max_pieces, size_t max_bytes) {
    std::string text;
    const size_t count = Below(max_pieces + 1);
    for (size_t i = 0; i < count; ++i) {
      const std::string& piece = pieces[Below(pieces.size())];
      if (text.size() + piece.size() > max_bytes) break;
      text += piece;
    }
    return text;
  }

  MessageContent Content() {
    static const std::vector<std::string> kNamePieces = {
        "Jane", "Doe", " ",  " ", ",", "\"", "\\", "(", ")",   ".",       "'",     "ü", "日本",
        "😀",    "=?",  "?=", "<", ">", "@",  ";",  ":", "Zoë", "O'Brien", "utf-8", "Q"};
    static const std::vector<std::string> kSubjectPieces = {"Your",
                                                            "order",
                                                            " ",
                                                            " ",
                                                            "  ",
                                                            "\t",
                                                            "ü",
                                                            "€",
                                                            "✓",
                                                            "日本語",
                                                            "😀",
                                                            "=?",
                                                            "?=",
                                                            "=",
                                                            "?",
                                                            "_",
                                                            "\"",
                                                            ",",
                                                            std::string(90, 'x'),
                                                            "42",
                                                            ":",
                                                            "Grüße"};
    static const std::vector<std::string> kBodyPieces = {"Hello",
                                                         " ",
                                                         "\t",
                                                         "\n",
                                                         "\r\n",
                                                         "\r",
                                                         "=",
                                                         "ü",
                                                         "€",
                                                         "日本語",
                                                         ".",
                                                         "From ",
                                                         "<p class=\"x\">",
                                                         "=?",
                                                         std::string(1200, 'a'),
                                                         std::string(75, 'b'),
                                                         " \n",
                                                         "\t\r\n",
                                                         "\n\n",
                                                         "Ваш заказ отправлен",
                                                         "~"};
    static const std::vector<std::string> kFilePieces = {
        "invoice", " ",  ".pdf", "ü",    "%",   "*",  "'",
        ";",       "\"", "=",    "日本", "(1)", "\t", std::string(60, 'n')};
    static const std::vector<std::string> kAddresses = {"orders@shop.example", "jane@example.com",
                                                        "\"john doe\"@example.com", "jane@bücher.example",
                                                        "a.b+c@sub.example.org"};
    MessageContent content = TypicalContent();
    content.from = Address(kAddresses[Below(kAddresses.size())], Text(kNamePieces, 12, 256));
    content.to = Address(kAddresses[Below(kAddresses.size())], Text(kNamePieces, 12, 256));
    if (Below(3) == 0) content.reply_to = Address("support@shop.example", Text(kNamePieces, 6, 256));
    content.subject = Text(kSubjectPieces, Below(4) == 0 ? 60 : 12, 998);
    content.text = Text(kBodyPieces, 150, 40'000);
    content.html = Below(3) == 0 ? "" : Text(kBodyPieces, 150, 40'000);
    if (content.text.empty() && content.html.empty()) content.text = "x";
    content.headers.clear();
    for (const char* name : {"X-Order-Id", "X-Note", "List-Unsubscribe"}) {
      if (Below(2) == 0) content.headers.push_back({name, Text(kSubjectPieces, 30, 900)});
    }
    content.attachments.clear();
    for (size_t i = Below(3); i > 0; --i) {
      std::string filename = Text(kFilePieces, 10, 255);
      if (filename.empty()) filename = "a";
      std::string bytes(Below(3000), '\0');
      for (char& c : bytes) c = static_cast<char>(random_());
      content.attachments.push_back({filename, Below(2) == 0 ? "application/pdf" : "image/png", CanonicalBase64::Encode(bytes)});
    }
    return content;
  }

 private:
  std::mt19937 random_;
};

void ExpectReadsBack(const MessageContent& content, const BuiltMessage& built) {
  Result<ParsedMessage> read = ParseMessage(built.wire);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const ParsedMessage& parsed = *read;
  EXPECT_EQ(parsed.subject, content.subject);
  ASSERT_EQ(parsed.from.size(), 1u) << HeaderSection(built.wire);
  EXPECT_EQ(parsed.from[0].display_name, Trimmed(content.from.display_name)) << HeaderSection(built.wire);
  EXPECT_EQ(parsed.from[0].addr_spec, content.from.AddrSpec());
  ASSERT_EQ(parsed.to.size(), 1u) << HeaderSection(built.wire);
  EXPECT_EQ(parsed.to[0].display_name, Trimmed(content.to.display_name)) << HeaderSection(built.wire);
  EXPECT_EQ(parsed.to[0].addr_spec, content.to.AddrSpec());
  for (const Header& header : content.headers) {
    auto found = std::find_if(parsed.headers.begin(), parsed.headers.end(),
                              [&](const Header& h) { return h.name == header.name; });
    ASSERT_NE(found, parsed.headers.end()) << header.name;
    if (!IsAscii(header.value)) {
      EXPECT_EQ(found->value, header.value) << HeaderSection(built.wire);
    } else if (header.value.find("=?") == std::string::npos) {
      // ASCII values go as given (encoded-word look-alikes too, which readers decode), and readers
      // trim them.
      EXPECT_EQ(found->value, Trimmed(header.value, " \t")) << HeaderSection(built.wire);
    }
  }

  std::vector<const std::string*> texts;
  if (!content.text.empty()) texts.push_back(&content.text);
  if (!content.html.empty()) texts.push_back(&content.html);
  ASSERT_EQ(parsed.parts.size(), texts.size() + content.attachments.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(parsed.parts[i].content_type, texts[i] == &content.text ? "text/plain" : "text/html");
    EXPECT_TRUE(parsed.parts[i].body == ExpectedTextBody(*texts[i])) << "body " << i << " differs";
  }
  ASSERT_EQ(built.attachment_bodies.size(), content.attachments.size());
  for (size_t i = 0; i < content.attachments.size(); ++i) {
    const ParsedPart& part = parsed.parts[texts.size() + i];
    EXPECT_EQ(part.content_type, content.attachments[i].content_type);
    EXPECT_EQ(part.filename, content.attachments[i].filename);
    EXPECT_TRUE(part.body == Base64Decode(content.attachments[i].base64.text()).value()) << "attachment " << i << " differs";
    std::string lines;
    AppendBase64Lines(Base64Decode(content.attachments[i].base64.text()).value(), lines);
    const ByteRange range = built.attachment_bodies[i];
    EXPECT_EQ(built.wire.substr(range.offset, range.size), lines);
  }
}

TEST(BuildMessageWireTest, GeneratedMessagesFollowTheWireRulesAndReadBack) {
  Generator generate(20251125);
  for (int round = 0; round < 300; ++round) {
    const MessageContent content = generate.Content();
    Result<BuiltMessage> built = BuildMessage(content);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    std::vector<std::string> problems = WireProblems(built->wire);
    // A UTF-8 local part is written as UTF-8 (SMTPUTF8); nothing else may be 8-bit.
    if (!IsAscii(content.from.local) || !IsAscii(content.to.local)) {
      std::erase_if(problems, [](const std::string& problem) { return problem.ends_with("non-ASCII byte"); });
    }
    EXPECT_THAT(problems, IsEmpty()) << round << "\n" << HeaderSection(built->wire);
    ExpectReadsBack(content, *built);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "round " << round;
      break;
    }
  }
}

}  // namespace
}  // namespace herald::mime
