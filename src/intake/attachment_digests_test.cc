#include "intake/attachment_digests.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "base/digest.h"

namespace herald::intake {
namespace {

std::string Bytes(size_t size, char fill) { return std::string(size, fill); }

TEST(AttachmentDigestsTest, GivesTheSha256OfExactlyTheBytesAskedFor) {
  AttachmentDigests digests(1 << 20);
  const std::string a = Bytes(10'000, 'a');
  std::string same_ends = a;
  same_ends[5'000] = 'b';  // same size, same first and last KiB: the same key, other bytes
  for (int round = 0; round < 2; ++round) {  // the second round answers from memory
    EXPECT_EQ(digests.Digest("acc_1", a), Sha256(a));
    EXPECT_EQ(digests.Digest("acc_1", same_ends), Sha256(same_ends));
    EXPECT_EQ(digests.Digest("acc_2", a), Sha256(a));
    EXPECT_EQ(digests.Digest("acc_1", "small"), Sha256("small"));
  }
  EXPECT_EQ(digests.remembered_bytes(), 3 * a.size());  // per account; the small one is not kept
}

TEST(AttachmentDigestsTest, ForgetsTheLeastRecentlyUsedPastItsBound) {
  AttachmentDigests digests(25'000);
  const std::string a = Bytes(10'000, 'a'), b = Bytes(10'000, 'b'), c = Bytes(10'000, 'c');
  digests.Digest("acc", a);
  digests.Digest("acc", b);
  digests.Digest("acc", a);  // a is now the most recent
  digests.Digest("acc", c);  // b goes
  EXPECT_EQ(digests.remembered_bytes(), 20'000u);
  EXPECT_EQ(digests.Digest("acc", b), Sha256(b));
  EXPECT_EQ(digests.Digest("acc", a), Sha256(a));
  EXPECT_LE(digests.remembered_bytes(), 25'000u);
  EXPECT_EQ(digests.Digest("acc", Bytes(30'000, 'x')), Sha256(Bytes(30'000, 'x')));  // over the bound: not kept
  EXPECT_LE(digests.remembered_bytes(), 25'000u);
}

TEST(AttachmentDigestsTest, ManyThreadsAgree) {
  AttachmentDigests digests(100'000);
  std::vector<std::string> files;
  for (char c = 'a'; c < 'm'; ++c) files.push_back(Bytes(8'000 + static_cast<size_t>(c), c));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string& file = files[static_cast<size_t>(i * (t + 1)) % files.size()];
        if (digests.Digest(t % 2 ? "acc_1" : "acc_2", file) != Sha256(file)) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(digests.remembered_bytes(), 100'000u);
}

}  // namespace
}  // namespace herald::intake
