#include "dns/wire_reader.h"

#include <gtest/gtest.h>

#include <random>

#include "dns/response.h"
#include "dns/test_message.h"

namespace herald::dns {
namespace {

using test::Bytes;
using test::WireWriter;

// A message holding a header, then `name_bytes` read as one record's owner name.
Result<std::string> ReadOwnerName(const Bytes& message) {
  WireReader reader(message);
  auto header = reader.ReadHeader();
  EXPECT_TRUE(header.ok());
  auto rr = reader.ReadRecord();
  if (!rr.ok()) return rr.status();
  return rr->owner;
}

// A header, then the given name bytes, then a record's fixed part with empty RDATA.
Bytes MessageWithOwner(const std::function<void(WireWriter&)>& write_name) {
  WireWriter w;
  w.Header(0, 1, 0, 0);
  write_name(w);
  w.U16(kTypeA).U16(kClassIn).U32(60).U16(0);
  return w.bytes();
}

TEST(WireReader, ReadsHeaderQuestionAndRecordsWithCompression) {
  WireWriter w;
  w.Header(1, 1, 0, 0).Question("Example.COM", kTypeMx);
  w.Pointer(12).U16(kTypeMx).U16(kClassIn).U32(300).U16(8).U16(10).U8(3).Raw("mx1").Pointer(12);
  WireReader reader(w.bytes());
  auto header = reader.ReadHeader();
  ASSERT_TRUE(header.ok());
  EXPECT_TRUE(header->is_response());
  EXPECT_EQ(header->rcode(), kRcodeNoError);
  EXPECT_EQ(header->answer_count, 1);
  auto question = reader.ReadQuestion();
  ASSERT_TRUE(question.ok()) << question.status().ToString();
  EXPECT_EQ(question->name, "example.com");
  EXPECT_EQ(question->type, kTypeMx);
  auto rr = reader.ReadRecord();
  ASSERT_TRUE(rr.ok()) << rr.status().ToString();
  EXPECT_EQ(rr->owner, "example.com");
  EXPECT_EQ(rr->ttl, 300u);
  auto mx = reader.ReadMx(*rr);
  ASSERT_TRUE(mx.ok()) << mx.status().ToString();
  EXPECT_EQ(mx->preference, 10);
  EXPECT_EQ(mx->exchange, "mx1.example.com");
  EXPECT_EQ(reader.offset(), w.size());
}

TEST(WireReader, EscapesBytesThatAreNotLetterDigitHyphenOrUnderscore) {
  auto name = ReadOwnerName(
      MessageWithOwner([](WireWriter& w) { w.U8(3).Raw("a.b").U8(4).U8('\n').Raw("_X-").U8(0); }));
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, "a\\046b.\\010_x-");
}

TEST(WireReader, RootNameIsEmpty) {
  auto name = ReadOwnerName(MessageWithOwner([](WireWriter& w) { w.U8(0); }));
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, "");
}

TEST(WireReader, RejectsAPointerToItself) {
  // The owner name starts at offset 12 with a pointer to 12.
  auto name = ReadOwnerName(MessageWithOwner([](WireWriter& w) { w.Pointer(12); }));
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.status().code(), Code::kCorruption);
}

TEST(WireReader, RejectsAForwardPointer) {
  auto name = ReadOwnerName(MessageWithOwner([](WireWriter& w) { w.Pointer(20); }));
  EXPECT_EQ(name.status().code(), Code::kCorruption);
}

TEST(WireReader, RejectsALoopThroughALabel) {
  // At 12: label "a", then a pointer back to 12: backwards, yet a loop.
  auto name = ReadOwnerName(MessageWithOwner([](WireWriter& w) { w.U8(1).Raw("a").Pointer(12); }));
  EXPECT_EQ(name.status().code(), Code::kCorruption);
}

TEST(WireReader, RejectsATwoPointerLoop) {
  // At 12: "x" then a pointer to 16; at 16: a pointer back to 12. Reading from 16 would go round.
  WireWriter w;
  w.Header(0, 0, 0, 0);
  w.U8(1).Raw("x").Pointer(16);  // 12..15
  w.Pointer(12);                 // 16
  WireReader reader(w.bytes());
  ResourceRecord rr;
  rr.rdata_offset = 16;
  rr.rdata_length = 2;
  EXPECT_EQ(reader.ReadNameData(rr).status().code(), Code::kCorruption);
}

TEST(WireReader, LimitsPointerJumps) {
  // A chain of backward pointers, each to the one before, ending at a root name: longer than allowed.
  WireWriter w;
  w.Header(0, 0, 0, 0);
  w.U8(0);  // 12: the root
  uint16_t previous = 12;
  for (int i = 0; i < kMaxPointerJumps + 1; ++i) {
    uint16_t here = static_cast<uint16_t>(w.size());
    w.Pointer(previous);
    previous = here;
  }
  WireReader reader(w.bytes());
  ResourceRecord rr;
  rr.rdata_offset = previous;
  rr.rdata_length = 2;
  EXPECT_EQ(reader.ReadNameData(rr).status().code(), Code::kCorruption);
  // One jump fewer is fine.
  rr.rdata_offset = previous - 2;
  auto root = reader.ReadNameData(rr);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(*root, "");
}

TEST(WireReader, NamesAreAtMost255BytesOnTheWire) {
  // 127 labels of one byte: 254 bytes + the root = 255: the longest name.
  std::string longest;
  for (int i = 0; i < 127; ++i) longest += i == 0 ? "a" : ".a";
  auto ok = ReadOwnerName(MessageWithOwner([&](WireWriter& w) { w.Name(longest); }));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, longest);
  auto too_long = ReadOwnerName(MessageWithOwner([&](WireWriter& w) { w.Name(longest + ".b"); }));
  EXPECT_EQ(too_long.status().code(), Code::kCorruption);
}

TEST(WireReader, OverlongNamesThroughPointersAreRejected) {
  // A 200-byte name, then a name of 100 more bytes ending with a pointer to it.
  WireWriter w;
  w.Header(0, 1, 0, 0);
  std::string label(49, 'x');
  w.Name(label + "." + label + "." + label + "." + label);  // 4 × 50 + 1 = 201 bytes, at 12
  w.Name(label + "." + label, false).Pointer(12);           // the owner: 100 + 201 > 255
  w.U16(kTypeA).U16(kClassIn).U32(1).U16(0);
  WireReader reader(w.bytes());
  ASSERT_TRUE(reader.ReadHeader().ok());
  ResourceRecord rr;
  rr.rdata_offset = 12 + 201;
  rr.rdata_length = 102;
  EXPECT_EQ(reader.ReadNameData(rr).status().code(), Code::kCorruption);
}

TEST(WireReader, RejectsReservedLabelTypes) {
  for (uint8_t first : {uint8_t{0x40}, uint8_t{0x80}}) {
    auto name = ReadOwnerName(MessageWithOwner([&](WireWriter& w) { w.U8(first).U8(1).U8(0); }));
    EXPECT_EQ(name.status().code(), Code::kCorruption) << int(first);
  }
}

TEST(WireReader, RejectsRecordDataPastTheEnd) {
  WireWriter w;
  w.Header(0, 1, 0, 0).Name("example.com").U16(kTypeA).U16(kClassIn).U32(1).U16(4).U8(1).U8(2);
  WireReader reader(w.bytes());
  ASSERT_TRUE(reader.ReadHeader().ok());
  EXPECT_EQ(reader.ReadRecord().status().code(), Code::kCorruption);
}

TEST(WireReader, RecordDataMustMatchItsLayout) {
  WireWriter w;
  w.Header(0, 1, 0, 0);
  // An MX whose exchange runs past RDLENGTH (3 bytes declared, 7 written).
  w.Name("example.com").U16(kTypeMx).U16(kClassIn).U32(1).U16(3).U16(10).Name("mx");
  WireReader reader(w.bytes());
  ASSERT_TRUE(reader.ReadHeader().ok());
  auto rr = reader.ReadRecord();
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(reader.ReadMx(*rr).status().code(), Code::kCorruption);
}

TEST(WireReader, TxtStringsMustFitTheirRecord) {
  WireWriter w;
  w.Header(0, 1, 0, 0);
  w.Name("example.com").U16(kTypeTxt).U16(kClassIn).U32(1).U16(4).U8(5).Raw("abc");
  w.Raw("de");  // bytes after the record: a string must not reach them
  WireReader reader(w.bytes());
  ASSERT_TRUE(reader.ReadHeader().ok());
  auto rr = reader.ReadRecord();
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(reader.ReadTxtStrings(*rr).status().code(), Code::kCorruption);
}

TEST(WireReader, ShortMessagesAreCorrupt) {
  for (size_t n = 0; n < 12; ++n) {
    Bytes bytes(n, 0);
    WireReader reader(bytes);
    EXPECT_EQ(reader.ReadHeader().status().code(), Code::kCorruption);
  }
}

TEST(WireReader, TtlWithTheTopBitSetIsZero) {
  EXPECT_EQ(TtlSeconds(0x80000000u), 0u);
  EXPECT_EQ(TtlSeconds(0x7FFFFFFFu), 0x7FFFFFFFu);
}

// Every cut of a good response, and many random mutations of it, are read without a crash (the
// sanitizer builds check the bounds); a cut one is never taken for a good answer.
TEST(WireReader, SurvivesTruncationAndMutation) {
  Bytes good = test::Response("example.com", kTypeMx, kRcodeNoError,
                              {{"example.com", kTypeMx, 300, test::MxRdata(10, "mx1.example.com")},
                               {"example.com", kTypeMx, 300, test::MxRdata(20, "mx2.example.com")}},
                              {{"example.com", kTypeSoa, 300, test::SoaRdata(60)}});
  ASSERT_TRUE(ParseMxResponse(good, "example.com").ok());
  for (size_t n = 0; n < good.size(); ++n) {
    Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(ParseMxResponse(cut, "example.com").ok()) << n;
  }
  std::mt19937 random(7);
  for (int i = 0; i < 20000; ++i) {
    Bytes mutated = good;
    int changes = 1 + static_cast<int>(random() % 4);
    for (int c = 0; c < changes; ++c) mutated[random() % mutated.size()] = static_cast<uint8_t>(random());
    (void)ParseMxResponse(mutated, "example.com");
    (void)ParseTxtResponse(mutated, "example.com");
    (void)ParseAddressResponse(mutated, "example.com", kTypeAaaa);
  }
  for (int i = 0; i < 20000; ++i) {
    Bytes noise(12 + random() % 200);
    for (uint8_t& b : noise) b = static_cast<uint8_t>(random());
    (void)ParseMxResponse(noise, "example.com");
  }
}

}  // namespace
}  // namespace herald::dns
