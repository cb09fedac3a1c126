// The shared DKIM corpus (../shared/corpora/dkim, see its README): our body hash equals bh= for every
// (message, c=) of kat/expectations.json.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "dkim/body_hash.h"
#include "dkim/dkim_test_util.h"
#include "dkim/message_fields.h"

namespace herald::dkim {
namespace {

using testing::CorpusDir;
using testing::ReadFile;

struct Expectation {
  std::string message;  // kat/messages/…
  std::string signed_file;
  std::string algorithm;
  std::string canonicalization;
  std::string body_hash;
  std::string signature;
};

std::vector<Expectation> Expectations() {
  nlohmann::json json = nlohmann::json::parse(ReadFile(CorpusDir() / "kat/expectations.json"));
  std::vector<Expectation> expectations;
  for (const nlohmann::json& entry : json) {
    auto text = [&](const char* key) { return entry.at(key).get<std::string>(); };
    expectations.push_back({text("message"), text("signed"), text("a"), text("c"), text("bh"), text("b")});
  }
  return expectations;
}

TEST(KnownAnswerTest, TheCorpusHasEightySignedFiles) { EXPECT_EQ(Expectations().size(), 80u); }

TEST(KnownAnswerTest, BodyHashMatchesEveryMessageAndCanonicalization) {
  std::set<std::pair<std::string, std::string>> checked;  // (message, body canonicalization)
  for (const Expectation& expected : Expectations()) {
    Canonicalization c = ParseCanonicalization(expected.canonicalization).value().body;
    std::string message = ReadFile(CorpusDir() / "kat" / expected.message);
    Result<MessageParts> parts = SplitMessage(message);
    ASSERT_TRUE(parts.ok()) << expected.message;
    EXPECT_EQ(BodyHash(c, parts->body), expected.body_hash) << expected.signed_file;
    checked.insert({expected.message, std::string(ToString(c))});
  }
  EXPECT_EQ(checked.size(), 20u);  // 10 messages × {simple, relaxed}
}

TEST(KnownAnswerTest, EmptyBodiesHashToTheStandardConstants) {
  EXPECT_EQ(BodyHash(Canonicalization::kSimple, ""), "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
  EXPECT_EQ(BodyHash(Canonicalization::kRelaxed, ""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(BodyHash(Canonicalization::kSimple, "\r\n"), "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
  EXPECT_EQ(BodyHash(Canonicalization::kRelaxed, "\r\n"), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

// RFC 6376 §3.4.3/§3.4.4: a body that does not end in CRLF gets one, in both canonicalisations (the corpus
// README: Mail::DKIM does not add it for simple; dkimpy and the RFC do).
TEST(KnownAnswerTest, ABodyWithoutAFinalCrlfGetsOne) {
  std::string message = ReadFile(CorpusDir() / "kat/messages/05-no-final-crlf.eml");
  std::string_view body = SplitMessage(message)->body;
  ASSERT_TRUE(body.ends_with("last line has no terminator"));
  EXPECT_EQ(CanonicalizeBody(Canonicalization::kSimple, body), std::string(body) + "\r\n");
  EXPECT_EQ(CanonicalizeBody(Canonicalization::kRelaxed, body), std::string(body) + "\r\n");
}

}  // namespace
}  // namespace herald::dkim
