// PrepareSubmittedMessage over the shared MIME corpus (../shared/corpora/mime, see its README): every
// file, made into a submission (CRLF line ends, as SMTP delivers it, our own From and X-Herald fields
// in front), must come out with its body and attachments byte-identical and the same MIME parts. Then
// mutated header sections: never a crash, and whatever is accepted GMime parses as a message.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

#include "core/address.h"
#include "mime/corpus_test_util.h"
#include "mime/message_reader.h"
#include "mime/submitted_message.h"

namespace herald::mime {
namespace {

using testing::CorpusDir;
using testing::ReadFile;
using testing::WithCrlf;

// Where the header section ends: the empty line's CR, or the end.
size_t HeaderEnd(std::string_view raw) {
  if (raw.starts_with("\r\n")) return 0;
  size_t blank = raw.find("\r\n\r\n");
  return blank == std::string_view::npos ? raw.size() : blank + 2;
}

// The file as a relay client would submit it: the corpus's own From fields (often not addresses)
// replaced by ours, with folded Herald fields in front.
std::string AsSubmission(std::string_view crlf, std::string_view name) {
  std::string out =
      "From: Corpus <corpus@example.com>\r\n"
      "X-Herald-Tag: corpus,\r\n\tedge\r\n"
      "X-Herald-Metadata-File:\r\n " +
      std::string(name) + "\r\n";
  size_t end = HeaderEnd(crlf);
  bool skipping = false;
  for (size_t at = 0; at < end;) {
    size_t next = crlf.find("\r\n", at);
    next = next == std::string_view::npos || next >= end ? end : next + 2;
    std::string_view line = crlf.substr(at, next - at);
    bool folded = line[0] == ' ' || line[0] == '\t';
    if (!folded) skipping = core::AsciiLower(line.substr(0, 5)) == "from:";
    if (!skipping) out.append(line);
    at = next;
  }
  out.append(crlf.substr(end));
  return out;
}

int CountFields(std::string_view header_section, std::string_view name) {
  std::string lower = "\r\n" + core::AsciiLower(header_section);
  std::string needle = "\r\n" + core::AsciiLower(name) + ":";
  int count = 0;
  for (size_t at = lower.find(needle); at != std::string::npos; at = lower.find(needle, at + 1)) ++count;
  return count;
}

TEST(PrepareSubmittedMessageCorpusTest, BodiesAndPartsStayByteIdentical) {
  if (!std::filesystem::exists(CorpusDir() / "summary.json")) {
    GTEST_SKIP() << "MIME corpus not found at " << CorpusDir();
  }
  nlohmann::json summary = nlohmann::json::parse(ReadFile(CorpusDir() / "summary.json"));
  SubmissionEdits edits{"corpus.1@relay.example", FromUnixMillis(1764070573250), "https://help.example/l"};
  int files = 0;
  for (std::string folder : {"malformed", "thirdparty", "rfc"}) {
    for (const auto& entry : std::filesystem::directory_iterator(CorpusDir() / folder)) {
      if (entry.path().extension() != ".eml") continue;
      ++files;
      std::string name = folder + "/" + entry.path().filename().string();
      std::string original = ReadFile(entry.path());
      std::string raw = AsSubmission(WithCrlf(original), name);
      Result<SubmittedMessage> prepared = PrepareSubmittedMessage(raw, edits);
      ASSERT_TRUE(prepared.ok()) << name << ": " << prepared.status().ToString();

      // Everything from the empty line on is untouched.
      std::string_view out = prepared->raw;
      EXPECT_EQ(out.substr(HeaderEnd(out)), std::string_view(raw).substr(HeaderEnd(raw))) << name;
      std::string_view header = out.substr(0, HeaderEnd(out));
      EXPECT_EQ(core::AsciiLower(header).find("x-herald"), std::string::npos) << name;
      EXPECT_EQ(CountFields(header, "List-Help"), 1) << name;
      // Added only when missing; the file's own are kept, however many and however malformed.
      std::string_view raw_header = std::string_view(raw).substr(0, HeaderEnd(raw));
      for (std::string_view field : {"Message-ID", "Date"}) {
        EXPECT_EQ(CountFields(header, field), std::max(1, CountFields(raw_header, field)))
            << name << " " << field;
      }
      EXPECT_EQ(prepared->tags, (std::vector<std::string>{"corpus", "edge"})) << name;
      EXPECT_EQ(prepared->metadata["File"], name);
      EXPECT_EQ(prepared->from_header, "Corpus <corpus@example.com>");

      // GMime reads the same parts, with the same bytes, from what we store.
      Result<ParsedMessage> before = ParseMessage(raw);
      Result<ParsedMessage> after = ParseMessage(prepared->raw);
      ASSERT_EQ(before.ok(), after.ok()) << name;
      if (!after.ok()) continue;
      ASSERT_EQ(before->parts.size(), after->parts.size()) << name;
      for (size_t i = 0; i < after->parts.size(); ++i) {
        EXPECT_EQ(before->parts[i].content_type, after->parts[i].content_type) << name << " part " << i;
        EXPECT_EQ(before->parts[i].filename, after->parts[i].filename) << name << " part " << i;
        EXPECT_EQ(before->parts[i].body, after->parts[i].body) << name << " part " << i;
      }

      // Encoded-word subjects are a strict check (README), for the files that are not malformed.
      if (folder != "malformed" && summary.contains(name)) {
        const nlohmann::json& subject = summary[name]["subject"];
        EXPECT_EQ(prepared->subject, subject.is_string() ? subject.get<std::string>() : "") << name;
      }
    }
  }
  EXPECT_GT(files, 40);
}

// SMTP hands over CRLF lines; the LF-only files are refused, naming the first line.
TEST(PrepareSubmittedMessageCorpusTest, LfOnlyHeaderSectionsAreRefused) {
  std::filesystem::path path = CorpusDir() / "rfc" / "000.eml";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "MIME corpus not found at " << CorpusDir();
  std::string raw = "From: corpus@example.com\n" + ReadFile(path);
  Result<SubmittedMessage> prepared = PrepareSubmittedMessage(raw, {"a.1@relay.example", {}, ""});
  EXPECT_EQ(prepared.status().message(), "header line 1 ends in a bare LF");
}

// Random bytes (CR, LF, NUL, ':', spaces, 8-bit, "=?") written over a typical header section.
TEST(PrepareSubmittedMessageFuzzTest, WhateverIsAcceptedParsesAndKeepsItsBody) {
  const std::string base =
      "From: =?utf-8?q?Sh=C3=B6p?= <orders@shop.example>\r\nTo: Jane <jane@example.com>\r\n"
      "Subject: =?utf-8?b?4pyTIMOgIGxh?= order\r\nX-Herald-Tag: a, b\r\nX-Herald-Metadata-K: v\r\n"
      "Message-ID: <m.1@shop.example>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n";
  const size_t header_end = base.find("\r\n\r\n");
  static constexpr char kBytes[] = "\r\n\0: \t,=?<>@\x80\xc3\xa9xX-";
  constexpr std::string_view kAlphabet(kBytes, sizeof kBytes - 1);
  std::mt19937 random(20261125);
  SubmissionEdits edits{"fuzz.1@relay.example", FromUnixMillis(1764070573250), "https://help.example/l"};
  int accepted = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string raw = base;
    int changes = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < changes; ++i) {
      raw[random() % header_end] = kAlphabet[random() % kAlphabet.size()];
    }
    Result<SubmittedMessage> prepared = PrepareSubmittedMessage(raw, edits);
    if (!prepared.ok()) {
      EXPECT_EQ(prepared.status().code(), Code::kInvalidArgument) << raw;
      continue;
    }
    ++accepted;
    EXPECT_TRUE(ParseMessage(prepared->raw).ok()) << raw;
    EXPECT_TRUE(ParseMessage(raw).ok()) << raw;
    std::string_view out = prepared->raw;
    EXPECT_EQ(out.substr(HeaderEnd(out)), std::string_view(raw).substr(HeaderEnd(raw))) << raw;
  }
  EXPECT_GT(accepted, 500);
}

}  // namespace
}  // namespace herald::mime
