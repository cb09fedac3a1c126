#include "mime/message_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "core/address.h"
#include "mime/corpus_test_util.h"
#include "mime/text_checks.h"

namespace herald::mime {
namespace {

using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ParseMessageTest, ReadsAHandWrittenMessage) {
  std::string raw =
      "From: =?utf-8?q?J=C3=BCrgen?= <jurgen@example.com>\r\n"
      "To: Team: a@example.com, \"B, Person\" <b@example.com>;\r\n"
      "Subject: =?utf-8?b?R3LDvMOfZQ==?= again\r\n"
      "Message-ID: <id-1@example.com>\r\n"
      "Date: Tue, 25 Nov 2025 12:36:13 +0100\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
      "\r\n"
      "--b1\r\n"
      "Content-Type: text/plain; charset=iso-8859-1\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "Gr=FC=DFe\r\n"
      "--b1\r\n"
      "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
      "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n"
      "AAEC/w==\r\n"
      "--b1--\r\n";
  Result<ParsedMessage> parsed = ParseMessage(raw);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->subject, "Grüße again");
  ASSERT_EQ(parsed->from.size(), 1u);
  EXPECT_EQ(parsed->from[0].display_name, "Jürgen");
  EXPECT_EQ(parsed->from[0].addr_spec, "jurgen@example.com");
  ASSERT_EQ(parsed->to.size(), 2u);
  EXPECT_EQ(parsed->to[0].addr_spec, "a@example.com");
  EXPECT_EQ(parsed->to[1].display_name, "B, Person");
  EXPECT_EQ(parsed->message_id, "id-1@example.com");
  ASSERT_TRUE(parsed->date.has_value());
  EXPECT_EQ(ToUnixMillis(*parsed->date), 1764070573000);
  ASSERT_EQ(parsed->parts.size(), 2u);
  EXPECT_EQ(parsed->parts[0].content_type, "text/plain");
  EXPECT_EQ(parsed->parts[0].charset, "iso-8859-1");
  EXPECT_TRUE(parsed->parts[0].is_text);
  EXPECT_EQ(parsed->parts[0].body, "Grüße");
  EXPECT_EQ(parsed->parts[1].content_type, "application/octet-stream");
  EXPECT_EQ(parsed->parts[1].filename, "data.bin");
  EXPECT_FALSE(parsed->parts[1].is_text);
  EXPECT_EQ(parsed->parts[1].body, std::string("\x00\x01\x02\xff", 4));
  std::vector<std::string> names;
  for (const Header& header : parsed->headers) names.push_back(header.name);
  EXPECT_THAT(names,
              ElementsAre("From", "To", "Subject", "Message-ID", "Date", "MIME-Version", "Content-Type"));
}

TEST(ParseMessageTest, GarbageDoesNotCrash) {
  std::mt19937 random(42);
  std::vector<std::string> inputs = {
      "",
      "\r\n",
      "no headers at all",
      "A: b",
      std::string(10000, '\n'),
      std::string("\0\0\0From: x\0", 11),
      "Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n",
      "Subject: =?utf-8?b?////?= =?x-unknown?q?=FF?=\r\n\r\nbody",
      "Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n\xff\xfe body"};
  for (int i = 0; i < 200; ++i) {
    std::string bytes(static_cast<size_t>(random() % 2000), '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    inputs.push_back(std::move(bytes));
  }
  for (const std::string& input : inputs) {
    Result<ParsedMessage> parsed = ParseMessage(input);
    if (!parsed.ok()) continue;
    for (const ParsedPart& part : parsed->parts) {
      if (part.is_text) {
        EXPECT_TRUE(IsValidUtf8(part.body));
      }
    }
  }
}

TEST(ParseMessageTest, DatesPastWhatATimePointHoldsAreLeftUnread) {
  // The year 2486 (found by mutating bounces under UBSan): seconds × 10^9 overflows 64 bits.
  Result<ParsedMessage> parsed =
      ParseMessage("Date: Tue, 1 Jan 2486 00:00:00 +0000\r\nSubject: x\r\n\r\nbody\r\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->date.has_value());
  parsed = ParseMessage("Date: Sun, 1 Jan 2260 00:00:00 +0000\r\n\r\nbody\r\n");
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(parsed->date.has_value());
  EXPECT_EQ(ToUnixMillis(*parsed->date), 9151488000000);
}

TEST(ParseMessageTest, UnknownCharsetStillGivesUtf8) {
  Result<ParsedMessage> parsed =
      ParseMessage("Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nok \xff\xfe\r\n");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->parts.size(), 1u);
  EXPECT_EQ(parsed->parts[0].body, "ok \xef\xbf\xbd\xef\xbf\xbd\r\n");
}

std::string Multipart(int depth, int width) {
  std::string raw = "Subject: nest\r\nMIME-Version: 1.0\r\n";
  for (int level = 0; level < depth; ++level) {
    raw += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(level) + "\"\r\n\r\n--b" +
           std::to_string(level) + "\r\n";
  }
  for (int i = 0; i < width; ++i)
    raw += "Content-Type: text/plain\r\n\r\npart\r\n--b" + std::to_string(depth - 1) + "\r\n";
  return raw;
}

TEST(ParseMessageTest, LimitsAreEnforced) {
  EXPECT_EQ(ParseMessage("Subject: x\r\n\r\nbody", {.max_bytes = 5}).status().code(),
            Code::kResourceExhausted);
  EXPECT_TRUE(ParseMessage(Multipart(10, 1)).ok());
  EXPECT_EQ(ParseMessage(Multipart(100, 1)).status().code(), Code::kResourceExhausted);
  EXPECT_EQ(ParseMessage(Multipart(10, 1), {.max_depth = 5}).status().code(), Code::kResourceExhausted);
  EXPECT_TRUE(ParseMessage(Multipart(1, 50)).ok());
  EXPECT_EQ(ParseMessage(Multipart(1, 50), {.max_parts = 20}).status().code(), Code::kResourceExhausted);
  // GMime itself stops nesting at 1024; far deeper input must still come back cleanly.
  EXPECT_EQ(ParseMessage(Multipart(5000, 1)).status().code(), Code::kResourceExhausted);
}

// ---- The shared MIME corpus (../shared/corpora/mime, see its README) ----

using testing::CorpusDir;
using testing::ReadFile;
using testing::WithCrlf;

TEST(ParseMessageCorpusTest, EveryFileParsesWithoutCrashing) {
  if (!std::filesystem::exists(CorpusDir() / "summary.json")) {
    GTEST_SKIP() << "MIME corpus not found at " << CorpusDir();
  }
  int files = 0;
  for (std::string folder : {"malformed", "thirdparty", "rfc"}) {
    for (const auto& entry : std::filesystem::directory_iterator(CorpusDir() / folder)) {
      if (entry.path().extension() != ".eml") continue;
      ++files;
      std::string raw = ReadFile(entry.path());
      for (const std::string& form : {raw, WithCrlf(raw)}) {
        Result<ParsedMessage> parsed = ParseMessage(form);
        // Broken structure may be refused by a limit, but never crash; the rest must parse.
        if (folder == "malformed") {
          EXPECT_THAT(parsed.status().code(),
                      AnyOf(Code::kOk, Code::kResourceExhausted, Code::kInvalidArgument));
        } else {
          EXPECT_TRUE(parsed.ok()) << entry.path() << ": " << parsed.status().ToString();
        }
      }
    }
  }
  EXPECT_GT(files, 40);
}

// Encoded-word subjects are a strict check (README). The part trees of files that are not malformed are
// compared too where both parsers find the same number of leaves: their types, in order, and attachment
// names. (Decoded text is not compared: Dovecot's charset tests end parts without line ends and the
// like, where parsers legitimately recover differently.)
TEST(ParseMessageCorpusTest, SubjectsAndLeavesMatchTheReference) {
  std::filesystem::path summary_path = CorpusDir() / "summary.json";
  if (!std::filesystem::exists(summary_path)) GTEST_SKIP() << "MIME corpus not found at " << CorpusDir();
  nlohmann::json summary = nlohmann::json::parse(ReadFile(summary_path));
  int compared_trees = 0;
  for (const auto& [name, expected] : summary.items()) {
    if (name.rfind("malformed/", 0) == 0) continue;
    Result<ParsedMessage> parsed = ParseMessage(ReadFile(CorpusDir() / name));
    ASSERT_TRUE(parsed.ok()) << name;
    std::string subject = expected["subject"].is_string() ? expected["subject"].get<std::string>() : "";
    EXPECT_EQ(parsed->subject, subject) << name;

    std::vector<const nlohmann::json*> leaves;
    for (const auto& part : expected["parts"]) {
      if (part["body_kind"] != "Multipart") leaves.push_back(&part);
    }
    if (leaves.size() != parsed->parts.size()) continue;
    ++compared_trees;
    for (size_t i = 0; i < leaves.size(); ++i) {
      const nlohmann::json& leaf = *leaves[i];
      if (leaf["content_type"].is_string()) {
        EXPECT_EQ(parsed->parts[i].content_type, core::AsciiLower(leaf["content_type"].get<std::string>()))
            << name << " leaf " << i;
      }
      if (leaf.contains("params") && leaf["params"].contains("name")) {
        EXPECT_EQ(parsed->parts[i].filename, leaf["params"]["name"].get<std::string>())
            << name << " leaf " << i;
      }
    }
  }
  EXPECT_GT(compared_trees, 15);
}

}  // namespace
}  // namespace herald::mime
