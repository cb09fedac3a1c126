#include "mime/header_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "mime/message_reader.h"
#include "mime/mime_test_util.h"

namespace herald::mime {
namespace {

using testing::Address;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The lines of `field` (CRLF removed); fails when it does not end with CRLF or holds a bare CR or LF.
std::vector<std::string> Lines(const std::string& field) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < field.size()) {
    const size_t end = field.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << field;
    if (end == std::string::npos) break;
    lines.push_back(field.substr(start, end - start));
    EXPECT_EQ(lines.back().find_first_of("\r\n"), std::string::npos) << field;
    start = end + 2;
  }
  return lines;
}

// Every line within `limit` characters, every continuation line starting with whitespace and holding
// more than whitespace, and every encoded word within 75 characters.
void ExpectWellFolded(const std::string& field, size_t limit = kFoldColumn) {
  std::vector<std::string> lines = Lines(field);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), limit) << field;
    if (i > 0) {
      ASSERT_FALSE(lines[i].empty()) << field;
      EXPECT_TRUE(lines[i][0] == ' ' || lines[i][0] == '\t') << field;
      EXPECT_NE(lines[i].find_first_not_of(" \t"), std::string::npos) << field;
    }
  }
  for (size_t at = field.find("=?UTF-8?Q?"); at != std::string::npos; at = field.find("=?UTF-8?Q?", at + 1)) {
    const size_t end = field.find("?=", at + 10);
    ASSERT_NE(end, std::string::npos) << field;
    EXPECT_LE(end + 2 - at, 75u) << field;
  }
}

std::string Subject(std::string_view text) {
  std::string out;
  FieldWriter field(out, "Subject");
  AppendUnstructured(field, text);
  field.Finish();
  return out;
}

// `fields` as the header of a message, read back by GMime.
ParsedMessage ReadBack(const std::string& fields) {
  Result<ParsedMessage> parsed = ParseMessage(fields + "MIME-Version: 1.0\r\n\r\nbody\r\n");
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : ParsedMessage{};
}

TEST(FieldWriterTest, FoldsBeforeWhitespaceWhenALineWouldPass78) {
  std::string out;
  FieldWriter field(out, "X-Words");
  for (int i = 0; i < 30; ++i) field.Append(i == 0 ? "" : " ", "word" + std::to_string(i));
  field.Finish();
  ExpectWellFolded(out);
  EXPECT_GT(Lines(out).size(), 2u);
  std::string unfolded;
  for (char c : out) {
    if (c != '\r' && c != '\n') unfolded += c;
  }
  EXPECT_THAT(unfolded, ::testing::StartsWith("X-Words: word0 word1 word2"));
  EXPECT_THAT(unfolded, ::testing::EndsWith("word28 word29"));
}

TEST(FieldWriterTest, AnEmptyFieldIsTheNameAlone) {
  std::string out;
  FieldWriter field(out, "Subject");
  field.Finish();
  EXPECT_EQ(out, "Subject:\r\n");
}

TEST(FieldWriterTest, EncodedWordsFillTheLineAndKeepCharactersWhole) {
  std::string out;
  FieldWriter field(out, "Subject");
  std::string text;
  for (int i = 0; i < 60; ++i) text += "€😀ü";
  field.AppendEncoded("", text);
  field.Finish();
  ExpectWellFolded(out);
  EXPECT_GE(Lines(out).front().size(), 70u) << out;
  EXPECT_EQ(ReadBack(out).subject, text);
}

TEST(AppendUnstructuredTest, AsciiWordsStayAsTheyAre) {
  EXPECT_EQ(Subject("Your order 42"), "Subject: Your order 42\r\n");
  EXPECT_EQ(Subject("tab\tand  two spaces"), "Subject: tab\tand  two spaces\r\n");
  EXPECT_EQ(Subject(""), "Subject:\r\n");
  const std::string folded =
      Subject("A normal subject line that is long enough to need folding once or twice when written out");
  EXPECT_EQ(folded,
            "Subject: A normal subject line that is long enough to need folding once or\r\n"
            " twice when written out\r\n");
}

TEST(AppendUnstructuredTest, OnlyWhatCannotStandIsEncoded) {
  EXPECT_EQ(Subject("Ihre Bestellung über 30 €"),
            "Subject: Ihre Bestellung =?UTF-8?Q?=C3=BCber?= 30 =?UTF-8?Q?=E2=82=AC?=\r\n");
  // Two words to encode in a row: the space between them goes inside, where readers keep it.
  EXPECT_EQ(Subject("a ü é b"), "Subject: a =?UTF-8?Q?=C3=BC_=C3=A9?= b\r\n");
}

TEST(AppendUnstructuredTest, ReadsBackExactly) {
  const std::vector<std::string> texts = {
      "Your order 42",
      "Grüße aus Köln",
      "  leading",
      "trailing ",
      " ",
      "\t",
      "   ",
      "a  ü  b",
      "=?utf-8?q?hi?= there",
      "x=?y",
      "?= =?",
      "😀",
      "日本語の件名がとても長い場合には折り返されます日本語の件名がとても長い",
      std::string(300, 'x') + " tail words here",
      "Lieferung " + std::string(120, 'x') + " und Grüße",
      "a" + std::string(500, ' ') + "ü",
      "x" + std::string(900, ' ') + "y",
      std::string(998, 'z'),
      "end with tab\t",
      "ü" + std::string(400, ' ')};
  for (const std::string& text : texts) {
    const std::string field = Subject(text);
    ExpectWellFolded(field, text.find("   ") == std::string::npos ? kFoldColumn : 998);
    EXPECT_EQ(ReadBack(field).subject, text) << field;
  }
}

TEST(AppendUnstructuredTest, RandomTextReadsBackExactly) {
  std::mt19937 random(7);
  const std::vector<std::string> pieces = {"a",
                                           "Order",
                                           " ",
                                           " ",
                                           "  ",
                                           "\t",
                                           "ü",
                                           "€",
                                           "😀",
                                           "日本",
                                           "=?",
                                           "?=",
                                           "=",
                                           "?",
                                           "\"",
                                           "(",
                                           ")",
                                           ",",
                                           ";",
                                           "<",
                                           ">",
                                           "\\",
                                           std::string(80, 'k'),
                                           "utf-8",
                                           "Q",
                                           "B"};
  for (int round = 0; round < 400; ++round) {
    std::string text;
    const size_t count = random() % 40;
    for (size_t i = 0; i < count && text.size() < 900; ++i) text += pieces[random() % pieces.size()];
    const std::string field = Subject(text);
    EXPECT_THAT(testing::WireProblems(field), IsEmpty()) << field;
    EXPECT_EQ(ReadBack(field).subject, text) << field;
  }
}

std::string From(const core::EmailAddress& address) {
  std::string out;
  FieldWriter field(out, "From");
  AppendMailbox(field, address);
  field.Finish();
  return out;
}

TEST(AppendMailboxTest, NamesAsAtomsQuotedStringsOrEncodedWords) {
  EXPECT_EQ(From(Address("orders@shop.example")), "From: orders@shop.example\r\n");
  EXPECT_EQ(From(Address("orders@shop.example", "Shop")), "From: Shop <orders@shop.example>\r\n");
  EXPECT_EQ(From(Address("orders@shop.example", "O'Brien & Co")),
            "From: O'Brien & Co <orders@shop.example>\r\n");
  EXPECT_EQ(From(Address("orders@shop.example", "Doe, Jane")),
            "From: \"Doe, Jane\" <orders@shop.example>\r\n");
  EXPECT_EQ(From(Address("orders@shop.example", "a \"b\" \\c")),
            "From: \"a \\\"b\\\" \\\\c\" <orders@shop.example>\r\n");
  EXPECT_EQ(From(Address("orders@shop.example", "Zoë")),
            "From: =?UTF-8?Q?Zo=C3=AB?= <orders@shop.example>\r\n");
}

TEST(AppendMailboxTest, DomainsAsALabelsAndUtf8LocalPartsAsTheyAre) {
  EXPECT_EQ(From(Address("jane@bücher.example")), "From: jane@xn--bcher-kva.example\r\n");
  EXPECT_EQ(From(Address("jäne@bücher.example", "J")), "From: J <jäne@xn--bcher-kva.example>\r\n");
  EXPECT_EQ(From(Address("\"john doe\"@example.com", "J")), "From: J <\"john doe\"@example.com>\r\n");
}

TEST(AppendMailboxTest, NamesReadBackExactly) {
  for (const std::string name :
       {"Jane Doe", "Doe, Jane", "  spaces  ", "a  b", "Jane Q. Public", "=?utf-8?q?x?=", "x=y",
        "?=", "The \"Best\" Shop", "Müller, \"Hans\"", "日本語の名前", "Zoë O'Brien",
        "A very long display name that goes past the seventy-eight column limit of a line for sure",
        "Ünïcödé very long display name that goes past the seventy-eight column limit of a line for sure "
        "yes"}) {
    const std::string field = From(Address("orders@shop.example", name));
    ParsedMessage parsed = ReadBack(field);
    ASSERT_EQ(parsed.from.size(), 1u) << field;
    // Readers trim a display name, whatever its form.
    const size_t first = name.find_first_not_of(' ');
    const std::string trimmed = name.substr(first, name.find_last_not_of(' ') + 1 - first);
    EXPECT_EQ(parsed.from[0].display_name, trimmed) << field;
    EXPECT_EQ(parsed.from[0].addr_spec, "orders@shop.example") << field;
  }
}

std::string Disposition(std::string_view filename) {
  std::string out;
  FieldWriter field(out, "Content-Disposition");
  field.Append("", "attachment");
  AppendParameter(field, "filename", filename);
  field.Finish();
  return out;
}

TEST(AppendParameterTest, TokenQuotedStringOrRfc2231) {
  EXPECT_EQ(Disposition("plain.txt"), "Content-Disposition: attachment; filename=plain.txt\r\n");
  EXPECT_EQ(Disposition("invoice 1001.pdf"),
            "Content-Disposition: attachment; filename=\"invoice 1001.pdf\"\r\n");
  EXPECT_EQ(Disposition("a\"b\\c.txt"), "Content-Disposition: attachment; filename=\"a\\\"b\\\\c.txt\"\r\n");
  EXPECT_EQ(Disposition("Übersicht.txt"),
            "Content-Disposition: attachment; filename*=UTF-8''%C3%9Cbersicht.txt\r\n");
  const std::string sections = Disposition(std::string(100, 'a') + " ü.pdf");
  EXPECT_THAT(sections, HasSubstr(";\r\n filename*0*=UTF-8''aaa"));
  EXPECT_THAT(sections, HasSubstr(";\r\n filename*1*="));
  ExpectWellFolded(sections);
}

TEST(AppendParameterTest, FilenamesReadBackExactly) {
  std::vector<std::string> names = {"plain.txt",
                                    "invoice 1001.pdf",
                                    "a\"b\\c.txt",
                                    "Übersicht.txt",
                                    "tab\tname.txt",
                                    "semi;colon=equals.txt",
                                    "100% done'*.txt",
                                    std::string(255, 'n'),
                                    "日本語のファイル名がとても長い場合にはどうなるでしょうか.pdf"};
  std::string long_utf8;
  while (long_utf8.size() + 7 <= 255) long_utf8 += "é€ a";
  names.push_back(long_utf8);
  for (const std::string& name : names) {
    const std::string disposition = Disposition(name);
    ExpectWellFolded(disposition);
    Result<ParsedMessage> parsed = ParseMessage(
        "From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n" +
        disposition + "Content-Transfer-Encoding: base64\r\n\r\neA==\r\n");
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed->parts.size(), 1u);
    EXPECT_EQ(parsed->parts[0].filename, name) << disposition;
  }
}

TEST(IsMimeTokenTest, PrintableAsciiButSpaceAndTspecials) {
  EXPECT_TRUE(IsMimeToken("application"));
  EXPECT_TRUE(IsMimeToken("vnd.ms-excel+xml"));
  EXPECT_FALSE(IsMimeToken(""));
  EXPECT_FALSE(IsMimeToken("a b"));
  EXPECT_FALSE(IsMimeToken("a/b"));
  EXPECT_FALSE(IsMimeToken("a=b"));
  EXPECT_FALSE(IsMimeToken("ü"));
}

}  // namespace
}  // namespace herald::mime
