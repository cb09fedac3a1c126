#include "base/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "base/base64.h"
#include "base/random.h"

namespace herald {
namespace {

class SecretBoxFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("herald-secret-" + NewSecret(""));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path() const { return (dir_ / "secret.key").string(); }

  std::filesystem::path dir_;
};

TEST_F(SecretBoxFile, CreatesAPrivateKeyOnceAndReadsItBack) {
  EXPECT_EQ(SecretBox::Load(Path(), false).status().code(), Code::kNotFound);
  auto created = SecretBox::Load(Path(), true);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(Path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);

  const std::string sealed = created->Seal("-----BEGIN PRIVATE KEY-----");
  auto again = SecretBox::Load(Path(), true);  // the same key, not a new one
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again->Open(sealed), "-----BEGIN PRIVATE KEY-----");
}

TEST_F(SecretBoxFile, RefusesAKeyOthersCanReadOrOfTheWrongSize) {
  ASSERT_TRUE(SecretBox::Load(Path(), true).ok());
  ::chmod(Path().c_str(), 0640);
  EXPECT_EQ(SecretBox::Load(Path(), false).status().code(), Code::kCorruption);
  ::chmod(Path().c_str(), 0600);
  std::ofstream(Path(), std::ios::app) << "x";
  EXPECT_EQ(SecretBox::Load(Path(), false).status().code(), Code::kCorruption);
}

TEST(SecretBox, SealsEachTimeAnewAndDetectsTampering) {
  const SecretBox box = SecretBox::WithKey({1, 2, 3});
  const std::string a = box.Seal("secret"), b = box.Seal("secret");
  EXPECT_NE(a, b);  // a fresh nonce each time
  EXPECT_EQ(a.find("secret"), std::string::npos);
  EXPECT_EQ(*box.Open(a), "secret");
  EXPECT_EQ(*box.Open(box.Seal("")), "");

  std::string altered = a;
  altered[10] = altered[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(box.Open(altered).status().code(), Code::kCorruption);
  EXPECT_EQ(SecretBox::WithKey({9}).Open(a).status().code(), Code::kCorruption);
  EXPECT_EQ(box.DeriveKey("tracking"), box.DeriveKey("tracking"));
  EXPECT_NE(box.DeriveKey("tracking"), box.DeriveKey("webhooks"));
  EXPECT_NE(box.DeriveKey("tracking"), SecretBox::WithKey({9}).DeriveKey("tracking"));
  for (std::string_view bad : {"", "v1.", "v1.AAAA", "v2." , "plain text"}) {
    EXPECT_EQ(box.Open(bad).status().code(), Code::kCorruption) << bad;
  }
}

}  // namespace
}  // namespace herald
