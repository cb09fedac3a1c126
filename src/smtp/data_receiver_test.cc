#include "smtp/data_receiver.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace herald::smtp {
namespace {

constexpr uint64_t kBig = 1'000'000;

struct Result {
  bool done = false;
  size_t used = 0;  // bytes of the input consumed
  DataOutcome outcome = DataOutcome::kComplete;
  std::string message;
  uint64_t size = 0;
};

// Feeds `input` in pieces ending at `cuts` (increasing offsets); stops giving input once done.
Result FeedSplit(std::string_view input, const std::vector<size_t>& cuts, uint64_t max_bytes = kBig) {
  DataReceiver receiver(max_bytes);
  Result result;
  size_t from = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(input.size());
  for (size_t to : ends) {
    if (to < from) continue;
    size_t used = receiver.Feed(input.substr(from, to - from));
    EXPECT_LE(used, to - from);
    result.used += used;
    if (receiver.done()) break;
    EXPECT_EQ(used, to - from) << "a receiver not done must take all it is given";
    from = to;
  }
  result.done = receiver.done();
  if (result.done) {
    result.outcome = receiver.outcome();
    result.size = receiver.size();
    result.message = receiver.TakeMessage();
  }
  return result;
}

Result FeedAll(std::string_view input, uint64_t max_bytes = kBig) { return FeedSplit(input, {}, max_bytes); }

Result FeedBytes(std::string_view input, uint64_t max_bytes = kBig) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
  return FeedSplit(input, cuts, max_bytes);
}

void ExpectSame(const Result& a, const Result& b, const std::string& what) {
  EXPECT_EQ(a.done, b.done) << what;
  EXPECT_EQ(a.used, b.used) << what;
  EXPECT_EQ(a.outcome, b.outcome) << what;
  EXPECT_EQ(a.message, b.message) << what;
  EXPECT_EQ(a.size, b.size) << what;
}

// Feeding whole, one byte at a time and split in two at every offset all give the same result.
Result FeedEveryWay(std::string_view input, uint64_t max_bytes = kBig) {
  Result whole = FeedAll(input, max_bytes);
  ExpectSame(FeedBytes(input, max_bytes), whole, "byte by byte: " + std::string(input.substr(0, 40)));
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    ExpectSame(FeedSplit(input, {cut}, max_bytes), whole, "split at " + std::to_string(cut));
  }
  return whole;
}

TEST(DataReceiver, ReadsAMessageAndStopsAtTheEndOfDataLine) {
  const std::string input = "Subject: hi\r\n\r\nhello\r\n.\r\nQUIT\r\n";
  Result result = FeedEveryWay(input);
  ASSERT_TRUE(result.done);
  EXPECT_EQ(result.outcome, DataOutcome::kComplete);
  EXPECT_EQ(result.message, "Subject: hi\r\n\r\nhello\r\n");
  EXPECT_EQ(result.used, input.size() - std::string("QUIT\r\n").size());
  EXPECT_EQ(result.size, result.message.size());
}

TEST(DataReceiver, EmptyMessageRightAtTheStart) {
  Result result = FeedEveryWay(".\r\nMAIL FROM:<a@b.example>\r\n");
  ASSERT_TRUE(result.done);
  EXPECT_EQ(result.outcome, DataOutcome::kComplete);
  EXPECT_EQ(result.message, "");
  EXPECT_EQ(result.used, 3u);
}

TEST(DataReceiver, UndoesDotStuffing) {
  Result result = FeedEveryWay("..\r\n...x\r\n.y\r\na.b\r\n. \r\n.\r\n");
  ASSERT_TRUE(result.done);
  EXPECT_EQ(result.outcome, DataOutcome::kComplete);
  EXPECT_EQ(result.message, ".\r\n..x\r\ny\r\na.b\r\n \r\n");
  EXPECT_EQ(result.size, result.message.size());
}

TEST(DataReceiver, NotDoneWithoutTheEnd) {
  for (std::string input : {"", "hello", "hello\r\n", "hello\r\n.", "hello\r\n.\r", ".", ".\r"}) {
    Result result = FeedEveryWay(input);
    EXPECT_FALSE(result.done) << input;
    EXPECT_EQ(result.used, input.size()) << input;
  }
}

TEST(DataReceiver, FeedAfterDoneUsesNothing) {
  DataReceiver receiver(kBig);
  EXPECT_EQ(receiver.Feed("a\r\n.\r\nNOOP\r\n"), 6u);
  ASSERT_TRUE(receiver.done());
  EXPECT_EQ(receiver.Feed("more"), 0u);
  EXPECT_EQ(receiver.TakeMessage(), "a\r\n");
  EXPECT_EQ(receiver.TakeMessage(), "");
}

// SMTP smuggling: none of these end the data; each makes it unstorable, and the real end still ends it.
TEST(DataReceiver, SmugglingPayloadsDoNotEndTheData) {
  for (std::string payload : {"\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n", "\r.\r\n", "\n.\r", "\r\n.\r"}) {
    const std::string input = "Subject: a\r\n\r\nfirst" + payload +
                              "MAIL FROM:<x@evil.example>\r\nRCPT TO:<y@victim.example>\r\nDATA\r\n"
                              "smuggled\r\n.\r\nNOOP\r\n";
    Result result = FeedEveryWay(input);
    ASSERT_TRUE(result.done) << "payload " << testing::PrintToString(payload);
    EXPECT_EQ(result.outcome, DataOutcome::kBareLineEnd) << testing::PrintToString(payload);
    EXPECT_EQ(result.message, "");
    EXPECT_EQ(result.used, input.size() - 6) << testing::PrintToString(payload);
  }
}

TEST(DataReceiver, BareLineEndsAreRefusedAnywhere) {
  for (std::string input : {"a\nb\r\n.\r\n", "a\rb\r\n.\r\n", "\n.\r\n.\r\n", "\r\r\n.\r\n",
                            "a\r\n\n\r\n.\r\n", ".\n\r\n.\r\n", ".\rx\r\n.\r\n", "end\r\n\r", "x\n"}) {
    input += "\r\n.\r\n";
    Result result = FeedEveryWay(input);
    ASSERT_TRUE(result.done) << testing::PrintToString(input);
    EXPECT_EQ(result.outcome, DataOutcome::kBareLineEnd) << testing::PrintToString(input);
    EXPECT_EQ(result.message, "");
  }
}

TEST(DataReceiver, LineLengthLimit) {
  const std::string longest(kMaxDataLineBytes, 'x');
  Result ok = FeedEveryWay("a\r\n" + longest + "\r\n.\r\n");
  EXPECT_EQ(ok.outcome, DataOutcome::kComplete);
  EXPECT_EQ(ok.message, "a\r\n" + longest + "\r\n");

  // A stuffed dot is not part of the line.
  Result stuffed = FeedAll("." + longest + "\r\n.\r\n");
  EXPECT_EQ(stuffed.outcome, DataOutcome::kComplete);

  Result too_long = FeedEveryWay("a\r\n" + longest + "x\r\nb\r\n.\r\n");
  ASSERT_TRUE(too_long.done);
  EXPECT_EQ(too_long.outcome, DataOutcome::kTooLongLine);
  EXPECT_EQ(too_long.message, "");
  EXPECT_EQ(too_long.size, 3u + longest.size() + 3 + 3);

  // The last line before the end counts too.
  EXPECT_EQ(FeedAll(longest + "yz\r\n.\r\n").outcome, DataOutcome::kTooLongLine);
}

TEST(DataReceiver, SizeLimitKeepsCountingButStopsKeeping) {
  const std::string message = "0123456789\r\n";  // 12 bytes
  Result fits = FeedEveryWay(message + ".\r\n", 12);
  EXPECT_EQ(fits.outcome, DataOutcome::kComplete);
  EXPECT_EQ(fits.message, message);

  DataReceiver receiver(11);
  const std::string big = message + message + message + ".\r\nRSET\r\n";
  EXPECT_EQ(receiver.Feed(big), big.size() - 6);
  ASSERT_TRUE(receiver.done());
  EXPECT_EQ(receiver.outcome(), DataOutcome::kTooLarge);
  EXPECT_EQ(receiver.size(), 36u);
  EXPECT_EQ(receiver.TakeMessage(), "");

  EXPECT_EQ(FeedEveryWay(message + ".\r\n", 11).outcome, DataOutcome::kTooLarge);
  EXPECT_EQ(FeedAll(".\r\n", 0).outcome, DataOutcome::kComplete);
}

TEST(DataReceiver, FirstProblemIsTheOutcome) {
  const std::string long_line(kMaxDataLineBytes + 1, 'x');
  EXPECT_EQ(FeedAll(long_line + "\r\na\nb\r\n.\r\n").outcome, DataOutcome::kTooLongLine);
  EXPECT_EQ(FeedAll("a\nb\r\n" + long_line + "\r\n.\r\n").outcome, DataOutcome::kBareLineEnd);
  EXPECT_EQ(FeedAll("a\nb\r\n" + long_line + "\r\n.\r\n", 10).outcome, DataOutcome::kBareLineEnd);
  EXPECT_EQ(FeedAll("abcdef\r\n" + long_line + "\r\n.\r\n", 5).outcome, DataOutcome::kTooLarge);
  // In one run: the limit crossed by the earlier byte wins.
  EXPECT_EQ(FeedAll(long_line + "\r\n.\r\n", 2000).outcome, DataOutcome::kTooLongLine);
  EXPECT_EQ(FeedAll(long_line + "\r\n.\r\n", 500).outcome, DataOutcome::kTooLarge);
}

// A plain model of the receiver: the data is what comes before the first CRLF "." CRLF (counting
// the DATA command's CRLF), cut into CRLF lines.
struct Model {
  bool done = false;
  size_t used = 0;
  DataOutcome outcome = DataOutcome::kComplete;
  std::string message;
  uint64_t size = 0;
};

Model Reference(const std::string& input, uint64_t max_bytes) {
  Model model;
  const std::string stream = "\r\n" + input;
  size_t end = stream.find("\r\n.\r\n");
  if (end == std::string::npos) return model;
  model.done = true;
  model.used = end + 5 - 2;
  std::string data = stream.substr(2, end);  // with the CRLF ending the last line
  std::optional<DataOutcome> problem;
  uint64_t offset = 0;
  size_t from = 0;
  while (from < data.size()) {
    size_t crlf = data.find("\r\n", from);
    std::string line = data.substr(from, crlf - from);
    from = crlf + 2;
    if (!line.empty() && line[0] == '.') line.erase(0, 1);
    if (!problem && line.find_first_of("\r\n") != std::string::npos) problem = DataOutcome::kBareLineEnd;
    if (!problem && line.size() > kMaxDataLineBytes && offset + kMaxDataLineBytes + 1 < max_bytes + 1) {
      problem = DataOutcome::kTooLongLine;
    }
    offset += line.size() + 2;
    if (!problem && offset > max_bytes) problem = DataOutcome::kTooLarge;
    model.message += line + "\r\n";
  }
  model.size = model.message.size();
  if (problem) {
    model.outcome = *problem;
    model.message.clear();
  }
  return model;
}

std::vector<size_t> RandomCuts(std::mt19937& random, size_t size) {
  std::vector<size_t> cuts;
  size_t at = 0;
  while (true) {
    at += std::uniform_int_distribution<size_t>(0, 40)(random);
    if (at >= size) break;
    cuts.push_back(at);
  }
  return cuts;
}

void CheckAgainstModel(const std::string& input, uint64_t max_bytes, std::mt19937& random) {
  Model model = Reference(input, max_bytes);
  Result result = FeedSplit(input, RandomCuts(random, input.size()), max_bytes);
  const std::string what = testing::PrintToString(input.substr(0, 200));
  ASSERT_EQ(result.done, model.done) << what;
  ASSERT_EQ(result.used, model.done ? model.used : input.size()) << what;
  if (!model.done) return;
  ASSERT_EQ(result.outcome, model.outcome) << what;
  ASSERT_EQ(result.message, model.message) << what;
  if (model.outcome != DataOutcome::kBareLineEnd) {
    ASSERT_EQ(result.size, model.size) << what;
  }
  ExpectSame(FeedBytes(input, max_bytes), result, "byte by byte");
}

// Random inputs of the bytes that matter, in random pieces, against the model.
TEST(DataReceiver, MatchesTheModelOnRandomLineEnds) {
  std::mt19937 random(20261125);
  const std::vector<std::string> tokens = {"a",    "bc", ".",  "\r\n",      "\r\n",
                                           "\r\n", "\r", "\n", "\r\n.\r\n", ".."};
  std::uniform_int_distribution<size_t> pick(0, tokens.size() - 1);
  for (int round = 0; round < 20000; ++round) {
    std::string input;
    size_t count = std::uniform_int_distribution<size_t>(0, 24)(random);
    for (size_t i = 0; i < count; ++i) input += tokens[pick(random)];
    CheckAgainstModel(input, kBig, random);
    if (HasFailure()) return;
  }
}

TEST(DataReceiver, MatchesTheModelOnRandomLimits) {
  std::mt19937 random(7);
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    size_t lines = std::uniform_int_distribution<size_t>(0, 6)(random);
    for (size_t i = 0; i < lines; ++i) {
      size_t length = std::uniform_int_distribution<size_t>(0, 1100)(random);
      if (std::uniform_int_distribution<int>(0, 3)(random) == 0) input += '.';
      input += std::string(length, 'q') + "\r\n";
    }
    input += ".\r\nQUIT\r\n";
    uint64_t max_bytes = std::uniform_int_distribution<uint64_t>(0, 4000)(random);
    CheckAgainstModel(input, max_bytes, random);
    if (HasFailure()) return;
  }
}

// Many CRs before one LF must not make the reader quadratic (it rescans for the LF only once).
TEST(DataReceiver, ManyBareCrsStayLinear) {
  std::string input;
  for (int i = 0; i < 200'000; ++i) input += "a\r";
  input += "\r\n.\r\n";
  Result result = FeedAll(input);
  ASSERT_TRUE(result.done);
  EXPECT_EQ(result.outcome, DataOutcome::kBareLineEnd);
  EXPECT_EQ(result.used, input.size());
}

}  // namespace
}  // namespace herald::smtp
