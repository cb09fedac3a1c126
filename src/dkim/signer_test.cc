#include "dkim/signer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "dkim/body_hash.h"
#include "dkim/dkim_test_util.h"
#include "dkim/signature.h"
#include "dkim/signer_test_util.h"

namespace herald::dkim {
namespace {

using ::testing::HasSubstr;
using testing::SignatureTag;
using ::testing::StartsWith;

const TimePoint kNow = FromUnixMillis(1'796'158'800'123);  // 2026-12-01 21:00:00.123 UTC

std::vector<std::string> SignSample(const Signer& signer,
                                    const std::string& message = testing::SampleMessage()) {
  Result<std::string> signatures = signer.Sign(message, kNow);
  EXPECT_TRUE(signatures.ok()) << signatures.status().ToString();
  return signatures.ok() ? testing::SplitFields(*signatures) : std::vector<std::string>{};
}

TEST(SignerTest, WritesOneRelaxedSignaturePerKeyInOrder) {
  std::vector<std::string> fields = SignSample(*testing::MakeSigner(testing::BothKeys()));
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_THAT(fields[0], StartsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop.example;"));
  EXPECT_THAT(fields[1],
              StartsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=shop.example;"));
  EXPECT_EQ(SignatureTag(fields[0], "s"), "rsa2026");
  EXPECT_EQ(SignatureTag(fields[1], "s"), "ed2026");
  for (const std::string& field : fields) {
    EXPECT_EQ(SignatureTag(field, "t"), "1796158800");
    for (std::string_view absent : {"x", "l", "i", "q", "z"})
      EXPECT_EQ(SignatureTag(field, absent), "") << absent;
    EXPECT_EQ(SignatureTag(field, "bh"),
              BodyHash(Canonicalization::kRelaxed, SplitMessage(testing::SampleMessage())->body));
  }
  EXPECT_EQ(Base64Decode(SignatureTag(fields[0], "b"))->size(), 256u);  // RSA-2048
  EXPECT_EQ(Base64Decode(SignatureTag(fields[1], "b"))->size(), 64u);   // Ed25519
}

TEST(SignerTest, SignsThePresentFieldsAndOverSignsTheOnesThatMustNotBeAdded) {
  std::vector<std::string> fields = SignSample(*testing::MakeSigner(testing::BothKeys()));
  ASSERT_FALSE(fields.empty());
  // Cc twice (as it occurs), From/Subject/Date/To/Message-ID once more than they occur; Reply-To,
  // In-Reply-To, References, List-Help and Feedback-ID are absent; X-Herald-Tag is not ours to sign.
  EXPECT_EQ(SignatureTag(fields[0], "h"),
            "from:from:subject:subject:date:date:to:to:cc:cc:message-id:message-id:mime-version:content-type:"
            "content-transfer-encoding:list-unsubscribe:list-unsubscribe-post");

  std::string minimal = "from: a@shop.example\r\nFROM: b@shop.example\r\n\r\nbody\r\n";
  EXPECT_EQ(SignatureTag(SignSample(*testing::MakeSigner(testing::BothKeys()), minimal).at(0), "h"),
            "from:from:from:subject:date:to:message-id");
}

TEST(SignerTest, FoldsLinesToAtMost78Columns) {
  for (const std::string& field : SignSample(*testing::MakeSigner(testing::BothKeys()))) {
    ASSERT_TRUE(field.ends_with("\r\n"));
    size_t start = 0;
    for (size_t end = field.find("\r\n"); end != std::string::npos; end = field.find("\r\n", start)) {
      EXPECT_LE(end - start, 78u) << field.substr(start, end - start);
      if (start > 0) {
        EXPECT_EQ(field[start], ' ') << "a continuation line starts with a SP";
      }
      start = end + 2;
    }
    EXPECT_EQ(start, field.size());
  }
}

TEST(SignerTest, TheSignatureCoversTheFieldAsWritten) {
  // Re-signing the finished field (folded b= removed again) gives its b=: the template that was signed and
  // the field that a verifier sees agree, folds included. Both algorithms are deterministic.
  std::string message = testing::SampleMessage();
  std::vector<std::string> fields = SignSample(*testing::MakeSigner(testing::BothKeys()), message);
  ASSERT_EQ(fields.size(), 2u);
  PrivateKey rsa = testing::ParsedKey(Algorithm::kRsaSha256, testing::Keys().rsa.private_key_pem);
  PrivateKey ed25519 = testing::ParsedKey(Algorithm::kEd25519Sha256, testing::Keys().ed25519.private_key_pem);
  EXPECT_EQ(ComputeSignatureValue(message, fields[0], rsa).value(), SignatureTag(fields[0], "b"));
  EXPECT_EQ(ComputeSignatureValue(message, fields[1], ed25519).value(), SignatureTag(fields[1], "b"));
}

TEST(SignerTest, FoldsALongDomainWherePossible) {
  std::string domain = std::string(60, 'a') + "." + std::string(60, 'b') + ".example";
  std::vector<SigningKey> keys = testing::BothKeys();
  keys[0].domain = domain;
  std::vector<std::string> fields = SignSample(*testing::MakeSigner({keys[0]}));
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_THAT(fields[0], HasSubstr("\r\n d=" + domain + ";\r\n"));  // a line of its own, longer than 78
  EXPECT_EQ(SignatureTag(fields[0], "d"), domain);
}

TEST(SignerTest, SignsConcurrentlyWithTheSameResult) {
  std::shared_ptr<const Signer> signer = testing::MakeSigner(testing::BothKeys());
  std::string message = testing::SampleMessage();
  std::string expected = signer->Sign(message, kNow).value();
  std::vector<std::thread> threads;
  std::atomic<int> mismatches = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        Result<std::string> signatures = signer->Sign(message, kNow);
        if (!signatures.ok() || *signatures != expected) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, 0);
}

void ExpectCreateRefused(std::vector<SigningKey> keys, std::string_view problem) {
  Result<std::shared_ptr<const Signer>> signer = Signer::Create(std::move(keys));
  ASSERT_FALSE(signer.ok()) << problem;
  EXPECT_EQ(signer.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(signer.status().message(), HasSubstr(problem));
}

TEST(SignerTest, RefusesBadKeys) {
  ExpectCreateRefused({}, "at least one key");
  SigningKey rsa = testing::BothKeys()[0];
  SigningKey bad_pem = rsa;
  bad_pem.private_key_pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  ExpectCreateRefused({bad_pem}, "rsa2026._domainkey.shop.example: not a readable PEM private key");
  SigningKey wrong_type = rsa;
  wrong_type.algorithm = Algorithm::kEd25519Sha256;
  ExpectCreateRefused({testing::BothKeys()[1], wrong_type}, "not of the type ed25519-sha256 needs");
  for (const std::string& domain : std::vector<std::string>{
           "", "Bücher.example", "shop.example.", "-shop.example", "shop..example", "shop example",
           "shop.example;\r\nBcc: x", std::string(64, 'a') + ".example"}) {
    SigningKey key = rsa;
    key.domain = domain;
    ExpectCreateRefused({key}, "domain");
  }
  for (std::string_view selector : {"", "s;1", "s=1", "s 1", "_s"}) {
    SigningKey key = rsa;
    key.selector = selector;
    ExpectCreateRefused({key}, "selector");
  }
}

void ExpectSignRefused(std::string_view message, std::string_view problem) {
  Result<std::string> signatures = testing::MakeSigner(testing::BothKeys())->Sign(message, kNow);
  ASSERT_FALSE(signatures.ok()) << problem;
  EXPECT_EQ(signatures.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(signatures.status().message(), HasSubstr(problem));
}

TEST(SignerTest, RefusesMessagesItCannotSign) {
  ExpectSignRefused("From: a@shop.example\r\nSubject: no body\r\n", "no empty line");
  ExpectSignRefused("From: a@shop.example\nSubject: LF only\n\nbody\n", "no empty line");
  ExpectSignRefused("", "no empty line");
  ExpectSignRefused("To: b@customer.example\r\nSubject: hi\r\n\r\nbody\r\n", "no From: field");
  ExpectSignRefused("\r\nFrom: a@shop.example\r\n", "no From: field");  // that From is in the body
  ExpectSignRefused("X-From: a@shop.example\r\n\r\n", "no From: field");
}

TEST(SignerTest, SignsAnEmptyBodyAndOneWithoutFinalCrlf) {
  std::shared_ptr<const Signer> signer = testing::MakeSigner(testing::BothKeys());
  std::vector<std::string> empty = SignSample(*signer, "From: a@shop.example\r\n\r\n");
  ASSERT_EQ(empty.size(), 2u);
  EXPECT_EQ(SignatureTag(empty[0], "bh"), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  std::vector<std::string> unterminated = SignSample(*signer, "From: a@shop.example\r\n\r\nlast");
  ASSERT_EQ(unterminated.size(), 2u);
  EXPECT_EQ(SignatureTag(unterminated[0], "bh"), BodyHash(Canonicalization::kRelaxed, "last\r\n"));
}

}  // namespace
}  // namespace herald::dkim
