#include "mime/header.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace herald::mime {
namespace {

using ::testing::HasSubstr;

void ExpectRefused(const Header& header, std::string_view problem) {
  Status status = ValidateHeader(header);
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << header.name << ": " << header.value;
  EXPECT_THAT(status.message(), HasSubstr(problem)) << header.name;
}

TEST(ValidateHeaderTest, AcceptsOrdinaryHeaders) {
  for (const Header& header : std::vector<Header>{{"X-Order-Id", "42"},
                                                  {"X-Note", "Grüße aus Köln ✓"},
                                                  {"X-Tabbed", "a\tb"},
                                                  {"X-Empty", ""},
                                                  {"List-Unsubscribe", "<https://shop.example/u?id=1>"},
                                                  {"In-Reply-To", "<a@b.example>"},
                                                  {"x!#$%&'*+-.^_`|~", "v"},
                                                  {std::string(76, 'X'), "v"},
                                                  {"X-Full", std::string(990, 'v')}}) {
    EXPECT_TRUE(ValidateHeader(header).ok()) << header.name << ": " << ValidateHeader(header).ToString();
  }
}

TEST(ValidateHeaderTest, RefusesHeaderInjection) {
  ExpectRefused({"X-A", "b\r\nBcc: victim@example.com"}, "line break");
  ExpectRefused({"X-A", "b\nBcc: victim@example.com"}, "line break");
  ExpectRefused({"X-A", "b\rBcc: victim@example.com"}, "line break");
  ExpectRefused({"X-A", std::string("b\0c", 3)}, "NUL");
  ExpectRefused({"X-A",
                 "b\x01"
                 "c"},
                "control character");
  ExpectRefused({"X-A", "b\x7f"}, "control character");
  ExpectRefused({"X-A\r\nBcc", "victim@example.com"}, "name");
}

TEST(ValidateHeaderTest, RefusesHeadersHeraldOwns) {
  for (std::string name : {"From",
                           "to",
                           "CC",
                           "Bcc",
                           "Subject",
                           "Date",
                           "Message-ID",
                           "message-id",
                           "MIME-Version",
                           "Content-Type",
                           "content-transfer-encoding",
                           "Content-Disposition",
                           "Return-Path",
                           "Received",
                           "DKIM-Signature",
                           "Sender",
                           "Reply-To",
                           "Resent-From",
                           "ARC-Seal",
                           "Authentication-Results",
                           "Received-SPF",
                           "Delivered-To"}) {
    ExpectRefused({name, "x"}, "set by Herald");
  }
}

TEST(ValidateHeaderTest, RefusesBadNames) {
  ExpectRefused({"", "x"}, "empty");
  ExpectRefused({std::string(77, 'X'), "x"}, "longer than 76");
  ExpectRefused({"X A", "x"}, "printable ASCII");
  ExpectRefused({"X:A", "x"}, "printable ASCII");
  ExpectRefused({"X-Grüße", "x"}, "printable ASCII");
  ExpectRefused({"X\tA", "x"}, "printable ASCII");
}

TEST(ValidateHeaderTest, RefusesBadValues) {
  ExpectRefused({"X-A", std::string(999, 'v')}, "longer than 998");
  ExpectRefused({"X-Full", std::string(991, 'v')}, "998-byte line");
  ExpectRefused({"X-A", "bad \xff"}, "UTF-8");
  ExpectRefused({"X-A", "overlong \xc0\xaf"}, "UTF-8");
  ExpectRefused({"X-A", "cut \xe2\x82"}, "UTF-8");
}

TEST(ValidateHeaderTest, MessageNamesTheHeaderCleanly) {
  Status status = ValidateHeader({"Bcc", "x"});
  EXPECT_THAT(status.message(), HasSubstr("\"Bcc\""));
  status = ValidateHeader({"X\x01Y", "x"});
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("\x01")));
}

TEST(FoldAsciiValueTest, FoldsBeforeWhitespaceOnly) {
  EXPECT_EQ(FoldAsciiValue("X-A", ""), "\r\n");
  EXPECT_EQ(FoldAsciiValue("X-A", "short value"), " short value\r\n");
  std::string words;
  for (int i = 0; i < 20; ++i) words += "word" + std::to_string(i) + " ";
  words += "end";
  std::string folded = FoldAsciiValue("X-Words", words);
  // Unfolding (removing the inserted line ends) gives the value back.
  std::string unfolded;
  for (char c : folded.substr(1, folded.size() - 3)) {
    if (c != '\r' && c != '\n') unfolded += c;
  }
  EXPECT_EQ(unfolded, words);
  size_t line_start = 0;
  size_t lines = 0;
  for (size_t at = folded.find('\n'); at != std::string::npos; at = folded.find('\n', at + 1), ++lines) {
    size_t prefix = lines == 0 ? std::string("X-Words:").size() : 0;
    EXPECT_EQ(folded[at - 1], '\r') << folded;
    EXPECT_LE(prefix + at - 1 - line_start, 78u) << folded;
    line_start = at + 1;
  }
  EXPECT_GT(lines, 1u);
}

TEST(FoldAsciiValueTest, KeepsLongWordsWholeAndNeverMakesBlankLines) {
  std::string url = "<https://shop.example/unsubscribe?token=" + std::string(300, 'k') + ">";
  EXPECT_EQ(FoldAsciiValue("List-Unsubscribe", url), " " + url + "\r\n");
  EXPECT_EQ(FoldAsciiValue("List-Unsubscribe", url + ", <mailto:u@shop.example>"),
            " " + url + ",\r\n <mailto:u@shop.example>\r\n");
  // Trailing whitespace stays on the last line rather than forming a line of its own.
  EXPECT_EQ(FoldAsciiValue("X-A", std::string(70, 'a') + std::string(20, ' ')),
            " " + std::string(70, 'a') + std::string(20, ' ') + "\r\n");
  EXPECT_EQ(FoldAsciiValue("X-A", "  lead"), "   lead\r\n");
}

}  // namespace
}  // namespace herald::mime
