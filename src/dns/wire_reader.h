// WireReader: a small reader of DNS messages (RFC 1035 §4): the header, the question, resource
// records, and the few RDATA layouts Herald reads (names, MX, SOA, TXT, A, AAAA).
//
// SECURITY: a response is untrusted input (any host on the path can forge or mangle one). Every read
// is bounds-checked against the message and, for RDATA, against the record's RDLENGTH; a malformed
// message gives Status::Corruption, never a crash or an out-of-bounds read. Names: a compression
// pointer must point before the run of labels it ends (so every jump lands earlier than the last
// and pointers cannot loop), and at most kMaxPointerJumps are followed; a name longer than 255
// bytes on the wire, or with a reserved label type, is malformed. Nothing grows beyond the
// message's own size.
//
// Names are returned in canonical text form: labels joined by '.', no final dot, the root as "",
// ASCII letters lowercased, and every byte that is not a letter, digit, '-' or '_' written as \DDD
// (so a label holding a '.' cannot pass for two labels, and no control byte reaches a log).
//
// Thread-safety: a WireReader is used by one thread; it only reads the bytes it was given, which must
// outlive it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace herald::dns {

inline constexpr size_t kMaxWireNameLength = 255;  // RFC 1035 §3.1
inline constexpr int kMaxPointerJumps = 64;

// Record types and response codes Herald reads.
inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypeCname = 5;
inline constexpr uint16_t kTypeSoa = 6;
inline constexpr uint16_t kTypeMx = 15;
inline constexpr uint16_t kTypeTxt = 16;
inline constexpr uint16_t kTypeAaaa = 28;
inline constexpr uint16_t kClassIn = 1;

inline constexpr int kRcodeNoError = 0;
inline constexpr int kRcodeServFail = 2;
inline constexpr int kRcodeNxDomain = 3;
inline constexpr int kRcodeRefused = 5;

struct Header {
  uint16_t id = 0;
  uint16_t flags = 0;
  uint16_t question_count = 0;
  uint16_t answer_count = 0;
  uint16_t authority_count = 0;
  uint16_t additional_count = 0;

  bool is_response() const { return (flags & 0x8000) != 0; }
  int opcode() const { return (flags >> 11) & 0xF; }
  bool truncated() const { return (flags & 0x0200) != 0; }
  int rcode() const { return flags & 0xF; }
};

struct Question {
  std::string name;  // canonical text
  uint16_t type = 0;
  uint16_t klass = 0;
};

struct ResourceRecord {
  std::string owner;  // canonical text
  uint16_t type = 0;
  uint16_t klass = 0;
  uint32_t ttl = 0;           // as sent; see TtlSeconds
  size_t rdata_offset = 0;    // into the message
  uint16_t rdata_length = 0;  // RDATA lies within the message (checked by ReadRecord)
};

struct MxData {
  uint16_t preference = 0;
  std::string exchange;  // canonical text; "" is the root ("MX 0 ." is a null MX)
};

struct SoaData {
  uint32_t minimum = 0;  // the negative-caching TTL field (RFC 2308 §4)
};

// A TTL as RFC 2181 §8 reads it: a value with the top bit set means zero.
uint32_t TtlSeconds(uint32_t wire_ttl);

class WireReader {
 public:
  explicit WireReader(std::span<const uint8_t> message) : message_(message) {}

  // Sequential reads from the cursor, which starts at the beginning of the message.
  Result<Header> ReadHeader();
  Result<Question> ReadQuestion();
  Result<ResourceRecord> ReadRecord();

  // RDATA of a record read by ReadRecord; each checks the layout fills RDLENGTH exactly.
  Result<std::string> ReadNameData(const ResourceRecord& rr) const;  // CNAME, NS, PTR
  Result<MxData> ReadMx(const ResourceRecord& rr) const;
  Result<SoaData> ReadSoa(const ResourceRecord& rr) const;
  Result<std::vector<std::string>> ReadTxtStrings(const ResourceRecord& rr) const;
  Result<std::array<uint8_t, 4>> ReadA(const ResourceRecord& rr) const;
  Result<std::array<uint8_t, 16>> ReadAaaa(const ResourceRecord& rr) const;

  size_t offset() const { return offset_; }

 private:
  // Reads the name starting at `at`; `*end` is set to the offset just past its in-place part.
  Result<std::string> ReadNameAt(size_t at, size_t* end) const;
  bool Has(size_t at, size_t count) const { return at <= message_.size() && count <= message_.size() - at; }
  uint16_t U16(size_t at) const;
  uint32_t U32(size_t at) const;

  std::span<const uint8_t> message_;
  size_t offset_ = 0;
};

}  // namespace herald::dns
