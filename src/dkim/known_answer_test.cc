// The shared DKIM corpus (../shared/corpora/dkim, see its README): our body hash equals bh= for every
// (message, c=) of kat/expectations.json, and re-signing each of the 80 signed files' DKIM-Signature field
// (b= emptied) over its unsigned message with the same key gives its b= bit for bit; likewise RFC 8463's
// example with its two signatures.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "dkim/body_hash.h"
#include "dkim/dkim_test_util.h"
#include "dkim/message_fields.h"
#include "dkim/signature.h"

namespace herald::dkim {
namespace {

using testing::CorpusDir;
using testing::ReadFile;
using testing::SignatureTag;

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

// The DKIM-Signature fields at the top of a signed message, top first.
std::vector<std::string_view> SignatureFields(std::string_view signed_message) {
  std::vector<std::string_view> fields;
  Result<MessageParts> parts = SplitMessage(signed_message);
  EXPECT_TRUE(parts.ok());
  if (!parts.ok()) return fields;
  for (const HeaderField& field : parts->fields) {
    if (EqualsIgnoreCase(field.name, "DKIM-Signature")) fields.push_back(field.text);
  }
  return fields;
}

const PrivateKey& CorpusKey(Algorithm algorithm) {
  static const PrivateKey rsa = testing::ParsedKey(Algorithm::kRsaSha256, testing::CorpusRsaPem());
  static const PrivateKey ed25519 =
      testing::ParsedKey(Algorithm::kEd25519Sha256, testing::CorpusEd25519Pem());
  return algorithm == Algorithm::kRsaSha256 ? rsa : ed25519;
}

// Computes b= for `signature_field` with its b= emptied and returns it.
std::string Resign(std::string_view message, std::string_view signature_field) {
  Result<std::string> field = WithEmptySignatureValue(signature_field);
  EXPECT_TRUE(field.ok()) << field.status().ToString();
  if (!field.ok()) return "";
  std::optional<Algorithm> algorithm = ParseAlgorithm(SignatureTag(signature_field, "a"));
  EXPECT_TRUE(algorithm.has_value());
  if (!algorithm) return "";
  Result<std::string> b = ComputeSignatureValue(message, *field, CorpusKey(*algorithm));
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? *b : "";
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

TEST(KnownAnswerTest, ResigningEverySignedFileGivesItsSignature) {
  int matched = 0;
  for (const Expectation& expected : Expectations()) {
    std::string signed_message = ReadFile(CorpusDir() / "kat" / expected.signed_file);
    std::vector<std::string_view> fields = SignatureFields(signed_message);
    ASSERT_EQ(fields.size(), 1u) << expected.signed_file;
    ASSERT_EQ(SignatureTag(fields[0], "a"), expected.algorithm) << expected.signed_file;
    ASSERT_EQ(SignatureTag(fields[0], "b"), expected.signature) << expected.signed_file;
    std::string b = Resign(ReadFile(CorpusDir() / "kat" / expected.message), fields[0]);
    EXPECT_EQ(b, expected.signature) << expected.signed_file;
    matched += b == expected.signature;
  }
  EXPECT_EQ(matched, 80);
}

TEST(KnownAnswerTest, ResigningRfc8463ExampleGivesBothSignatures) {
  std::string signed_message = ReadFile(CorpusDir() / "rfc8463/signed.eml");
  std::string unsigned_message = ReadFile(CorpusDir() / "rfc8463/unsigned.eml");
  std::vector<std::string_view> fields = SignatureFields(signed_message);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(SignatureTag(fields[0], "a"), "ed25519-sha256");
  EXPECT_EQ(SignatureTag(fields[1], "a"), "rsa-sha256");
  for (std::string_view field : fields) {
    EXPECT_EQ(Resign(unsigned_message, field), SignatureTag(field, "b")) << field;
    EXPECT_EQ(BodyHash(Canonicalization::kSimple, SplitMessage(unsigned_message)->body),
              SignatureTag(field, "bh"));
  }
}

TEST(KnownAnswerTest, AChangedHeaderOrBodyGivesAnotherSignature) {
  std::string signed_message = ReadFile(CorpusDir() / "rfc8463/signed.eml");
  std::string message = ReadFile(CorpusDir() / "rfc8463/unsigned.eml");
  std::string_view field = SignatureFields(signed_message).at(0);
  std::string changed_subject = message;
  changed_subject.replace(changed_subject.find("dinner"), 6, "supper");
  EXPECT_NE(Resign(changed_subject, field), SignatureTag(field, "b"));
  std::string changed_body = message;
  changed_body.replace(changed_body.find("hungry"), 6, "hungrY");
  EXPECT_NE(BodyHash(Canonicalization::kSimple, SplitMessage(changed_body)->body), SignatureTag(field, "bh"));
}

}  // namespace
}  // namespace herald::dkim
