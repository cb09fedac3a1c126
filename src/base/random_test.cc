#include "base/random.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "base/digest.h"
#include "base/printable.h"

namespace herald {
namespace {

TEST(Ids, AreUniqueAndSortByCreationTime) {
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId("msg", FromUnixMillis(1'700'000'000'000 + i));
    ASSERT_EQ(id.size(), 4u + 26u);
    ASSERT_EQ(id.substr(0, 4), "msg_");
    EXPECT_GT(id, previous);
    EXPECT_TRUE(seen.insert(id).second);
    previous = id;
  }
}

TEST(Ids, MadeWithinOneMillisecondSortInTheOrderTheyWereMade) {
  const TimePoint now = FromUnixMillis(1'700'000'000'000);
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(NewId("row", now));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  // The millisecond stays in front: a later one sorts after, an earlier one before.
  EXPECT_GT(NewId("row", now + std::chrono::milliseconds(1)), ids.back());
  EXPECT_LT(NewId("row", now - std::chrono::milliseconds(1)), ids.front());
}

TEST(Secrets, CarryTheirPrefixAnd256Bits) {
  std::string a = NewSecret("hk_");
  EXPECT_EQ(a.size(), 3u + 52u);
  EXPECT_NE(a, NewSecret("hk_"));
}

TEST(RandomBytes, NeverRepeatAcrossThreadsPoolRefillsOrAFork) {
  std::set<std::string> seen;
  std::mutex mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (size_t i = 0; i < 3000; ++i) {  // sizes that cross the pool's refills at odd places
        std::string bytes(10 + i % 23, '\0');
        RandomBytes(bytes.data(), bytes.size());
        std::lock_guard lock(mutex);
        EXPECT_TRUE(seen.insert(bytes).second);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  // A child has its parent's pool; it must not hand out what the parent will.
  unsigned char warm[16];
  RandomBytes(warm, sizeof warm);
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    unsigned char drawn[16];
    RandomBytes(drawn, sizeof drawn);
    _exit(write(pipe_fds[1], drawn, sizeof drawn) == sizeof drawn ? 0 : 1);
  }
  unsigned char in_child[16] = {};
  ASSERT_EQ(read(pipe_fds[0], in_child, sizeof in_child), 16);
  int status = 0;
  waitpid(child, &status, 0);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  unsigned char in_parent[16];
  RandomBytes(in_parent, sizeof in_parent);
  EXPECT_NE(std::memcmp(in_child, in_parent, sizeof in_parent), 0);
}

TEST(Digest, Sha256KnownAnswer) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(Printable, CleansControlsAndBadUtf8AndCuts) {
  EXPECT_EQ(Printable("ok\r\nnext\x01"), "ok??next?");
  EXPECT_EQ(Printable("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(Printable("\xff\xfe"), "??");
  EXPECT_EQ(Printable("abcdef", 5), "ab\xe2\x80\xa6");
  EXPECT_EQ(Printable("caf\xc3\xa9s!", 6), "caf\xe2\x80\xa6");
  EXPECT_EQ(Printable("ab\xc3\xa9\xc3\xa9", 5), "ab\xe2\x80\xa6");  // never half a character
  EXPECT_EQ(Printable("abcdef", 6), "abcdef");
}

}  // namespace
}  // namespace herald
