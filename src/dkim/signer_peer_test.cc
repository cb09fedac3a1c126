// Herald's signatures checked by two independent verifiers, run as the tests' own subprocesses with their
// DNS answered from the test (nothing goes to the network): dkimpy (Debian's python3-dkim, RSA and Ed25519)
// and Mail::DKIM (Debian's libmail-dkim-perl in Strict mode, RSA only). The helpers are in testdata/.
// Each message is also changed after signing — a body byte, a signed header, an added From: or Subject: —
// and both verifiers must then fail it, which shows these tests can fail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "dkim/dkim_test_util.h"
#include "dkim/signer_test_util.h"

namespace herald::dkim {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

namespace fs = std::filesystem;

const TimePoint kNow = FromUnixMillis(1'796'158'800'000);

class SignerPeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / ("herald-dkim-peer-" + std::to_string(::getpid()));
    fs::create_directories(directory_);
    // The records Herald tells the customer to publish, as the verifiers' DNS serves them.
    testing::WriteFile(directory_ / "dns.tsv",
                       "rsa2026._domainkey.shop.example\t" +
                           KeyRecord(Algorithm::kRsaSha256, testing::Keys().rsa.public_key) +
                           "\ned2026._domainkey.shop.example\t" +
                           KeyRecord(Algorithm::kEd25519Sha256, testing::Keys().ed25519.public_key) + "\n");
  }
  void TearDown() override { fs::remove_all(directory_); }

  // The verifier's lines for `message`: one per signature, "<a=> <result>".
  std::vector<std::string> Verify(const std::string& interpreter, const std::string& helper,
                                  const std::string& message) {
    fs::path message_file = directory_ / "message.eml";
    testing::WriteFile(message_file, message);
    std::string command = "'" + interpreter + "' '" + (testing::TestdataDir() / helper).string() + "' '" +
                          (directory_ / "dns.tsv").string() + "' '" + message_file.string() + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr) << command;
    if (pipe == nullptr) return {};
    std::string output;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    int status = ::pclose(pipe);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command << "\n" << output;
    std::vector<std::string> lines;
    for (size_t start = 0, end; (end = output.find('\n', start)) != std::string::npos; start = end + 1) {
      lines.push_back(output.substr(start, end - start));
    }
    return lines;
  }
  std::vector<std::string> Dkimpy(const std::string& message) {
    return Verify("/usr/bin/python3", "verify_dkimpy.py", message);
  }
  std::vector<std::string> MailDkim(const std::string& message) {
    return Verify("/usr/bin/perl", "verify_mail_dkim.pl", message);
  }

  // SampleMessage() with both signatures on top.
  static std::string SignedSample() {
    std::string message = testing::SampleMessage();
    Result<std::string> signatures = testing::MakeSigner(testing::BothKeys())->Sign(message, kNow);
    EXPECT_TRUE(signatures.ok()) << signatures.status().ToString();
    return signatures.ok() ? *signatures + message : message;
  }

  // Both verifiers fail both signatures of `message` (Mail::DKIM: the RSA one; it has no Ed25519).
  void ExpectBothFail(const std::string& message, const std::string& change) {
    std::vector<std::string> dkimpy = Dkimpy(message);
    ASSERT_EQ(dkimpy.size(), 2u) << change;
    EXPECT_THAT(dkimpy[0], StartsWith("rsa-sha256 fail")) << change;
    EXPECT_THAT(dkimpy[1], StartsWith("ed25519-sha256 fail")) << change;
    std::vector<std::string> mail_dkim = MailDkim(message);
    ASSERT_EQ(mail_dkim.size(), 2u) << change;
    EXPECT_THAT(mail_dkim[0], StartsWith("rsa-sha256 fail")) << change;
  }

  fs::path directory_;
};

TEST_F(SignerPeerTest, DkimpyPassesBothSignatures) {
  EXPECT_THAT(Dkimpy(SignedSample()), ElementsAre("rsa-sha256 pass", "ed25519-sha256 pass"));
}

TEST_F(SignerPeerTest, MailDkimPassesTheRsaSignature) {
  std::vector<std::string> lines = MailDkim(SignedSample());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "rsa-sha256 pass");
  EXPECT_THAT(lines[1], StartsWith("ed25519-sha256 invalid"));  // Debian 12's Mail::DKIM has no Ed25519
}

TEST_F(SignerPeerTest, BothPassMessagesWithEdgeCaseBodies) {
  for (std::string body :
       {"", "\r\n", "one line without CRLF", "trailing\r\n\r\n\r\n", " \t spaces \t \r\n.\r\n"}) {
    std::string message = "From: orders@shop.example\r\nSubject: edge\r\n\r\n" + body;
    Result<std::string> signatures = testing::MakeSigner(testing::BothKeys())->Sign(message, kNow);
    ASSERT_TRUE(signatures.ok());
    EXPECT_THAT(Dkimpy(*signatures + message), ElementsAre("rsa-sha256 pass", "ed25519-sha256 pass"))
        << ::testing::PrintToString(body);
    EXPECT_EQ(MailDkim(*signatures + message).at(0), "rsa-sha256 pass") << ::testing::PrintToString(body);
  }
}

TEST_F(SignerPeerTest, BothFailAChangedBodyByte) {
  std::string message = SignedSample();
  message.replace(message.find("Tracking: 0042"), 14, "Tracking: 0043");
  ExpectBothFail(message, "body byte");
}

TEST_F(SignerPeerTest, BothFailAChangedSignedHeader) {
  std::string message = SignedSample();
  message.replace(message.find("order 1042"), 10, "order 1043");
  ExpectBothFail(message, "Subject");
}

TEST_F(SignerPeerTest, BothFailASecondFromAddedLater) {
  std::string signed_message = SignedSample();
  std::string on_top = "From: Mallory <m@evil.example>\r\n" + signed_message;
  ExpectBothFail(on_top, "From: above the signatures");
  std::string at_bottom = signed_message;
  at_bottom.insert(at_bottom.find("\r\n\r\n") + 2, "From: Mallory <m@evil.example>\r\n");
  ExpectBothFail(at_bottom, "From: at the end of the header");
}

// A field added above the one signed is what over-signing catches: verifiers take the bottom one, so without
// over-signing the new one would pass unsigned. dkimpy treats From as over-signed whatever h= says; Subject
// shows that our h= does it.
TEST_F(SignerPeerTest, BothFailASecondSubjectAddedLater) {
  ExpectBothFail("Subject: Urgent: pay here\r\n" + SignedSample(), "Subject: above the signatures");
}

}  // namespace
}  // namespace herald::dkim
