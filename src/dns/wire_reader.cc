#include "dns/wire_reader.h"

namespace herald::dns {
namespace {

constexpr size_t kHeaderSize = 12;
constexpr size_t kRecordFixedSize = 10;  // TYPE, CLASS, TTL, RDLENGTH

// Appends one label's bytes in canonical text form.
void AppendLabel(std::string& out, std::span<const uint8_t> label) {
  for (uint8_t byte : label) {
    if (byte >= 'A' && byte <= 'Z') {
      out += static_cast<char>(byte - 'A' + 'a');
    } else if ((byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') || byte == '-' || byte == '_') {
      out += static_cast<char>(byte);
    } else {
      out += '\\';
      out += static_cast<char>('0' + byte / 100);
      out += static_cast<char>('0' + byte / 10 % 10);
      out += static_cast<char>('0' + byte % 10);
    }
  }
}

Status Malformed(const char* what) {
  return Status::Corruption(std::string("malformed DNS message: ") + what);
}

}  // namespace

uint32_t TtlSeconds(uint32_t wire_ttl) { return (wire_ttl & 0x80000000u) != 0 ? 0 : wire_ttl; }

uint16_t WireReader::U16(size_t at) const {
  return static_cast<uint16_t>((message_[at] << 8) | message_[at + 1]);
}

uint32_t WireReader::U32(size_t at) const { return (static_cast<uint32_t>(U16(at)) << 16) | U16(at + 2); }

Result<Header> WireReader::ReadHeader() {
  if (offset_ != 0) return Status::Internal("ReadHeader called after other reads");
  if (!Has(0, kHeaderSize)) return Malformed("shorter than a header");
  Header h;
  h.id = U16(0);
  h.flags = U16(2);
  h.question_count = U16(4);
  h.answer_count = U16(6);
  h.authority_count = U16(8);
  h.additional_count = U16(10);
  offset_ = kHeaderSize;
  return h;
}

Result<std::string> WireReader::ReadNameAt(size_t at, size_t* end) const {
  std::string text;
  size_t wire_length = 0;  // bytes the name would take uncompressed, final zero included
  int jumps = 0;
  size_t cursor = at;
  size_t run_start = at;  // where the labels being read now began
  bool jumped = false;
  for (;;) {
    if (!Has(cursor, 1)) return Malformed("name runs past the end");
    uint8_t length = message_[cursor];
    switch (length & 0xC0) {
      case 0x00:
        break;
      case 0xC0: {
        if (!Has(cursor, 2)) return Malformed("compression pointer runs past the end");
        size_t target = U16(cursor) & 0x3FFF;
        // Before the run of labels it ends: every jump lands strictly earlier than the last, so
        // pointers cannot loop (and the jump limit bounds the work besides).
        if (target >= run_start) return Malformed("compression pointer does not point backwards");
        if (++jumps > kMaxPointerJumps) return Malformed("too many compression pointers");
        if (!jumped) *end = cursor + 2;
        jumped = true;
        cursor = run_start = target;
        continue;
      }
      default:
        return Malformed("reserved label type");
    }
    wire_length += 1 + length;
    if (wire_length > kMaxWireNameLength) return Malformed("name longer than 255 bytes");
    if (length == 0) {
      if (!jumped) *end = cursor + 1;
      return text;
    }
    if (!Has(cursor + 1, length)) return Malformed("label runs past the end");
    if (!text.empty()) text += '.';
    AppendLabel(text, message_.subspan(cursor + 1, length));
    cursor += 1 + length;
  }
}

Result<Question> WireReader::ReadQuestion() {
  size_t end = 0;
  auto name = ReadNameAt(offset_, &end);
  if (!name.ok()) return name.status();
  if (!Has(end, 4)) return Malformed("question runs past the end");
  Question q{std::move(*name), U16(end), U16(end + 2)};
  offset_ = end + 4;
  return q;
}

Result<ResourceRecord> WireReader::ReadRecord() {
  size_t end = 0;
  auto owner = ReadNameAt(offset_, &end);
  if (!owner.ok()) return owner.status();
  if (!Has(end, kRecordFixedSize)) return Malformed("record runs past the end");
  ResourceRecord rr;
  rr.owner = std::move(*owner);
  rr.type = U16(end);
  rr.klass = U16(end + 2);
  rr.ttl = U32(end + 4);
  rr.rdata_length = U16(end + 8);
  rr.rdata_offset = end + kRecordFixedSize;
  if (!Has(rr.rdata_offset, rr.rdata_length)) return Malformed("record data runs past the end");
  offset_ = rr.rdata_offset + rr.rdata_length;
  return rr;
}

Result<std::string> WireReader::ReadNameData(const ResourceRecord& rr) const {
  size_t end = 0;
  auto name = ReadNameAt(rr.rdata_offset, &end);
  if (!name.ok()) return name.status();
  if (end != rr.rdata_offset + rr.rdata_length) return Malformed("name does not fill its record data");
  return name;
}

Result<MxData> WireReader::ReadMx(const ResourceRecord& rr) const {
  if (rr.rdata_length < 3) return Malformed("MX record too short");
  size_t end = 0;
  auto exchange = ReadNameAt(rr.rdata_offset + 2, &end);
  if (!exchange.ok()) return exchange.status();
  if (end != rr.rdata_offset + rr.rdata_length) return Malformed("MX exchange does not fill its record data");
  return MxData{U16(rr.rdata_offset), std::move(*exchange)};
}

Result<SoaData> WireReader::ReadSoa(const ResourceRecord& rr) const {
  size_t end = 0;
  auto mname = ReadNameAt(rr.rdata_offset, &end);
  if (!mname.ok()) return mname.status();
  size_t rname_at = end;
  if (rname_at > rr.rdata_offset + rr.rdata_length) return Malformed("SOA names run past its record data");
  auto rname = ReadNameAt(rname_at, &end);
  if (!rname.ok()) return rname.status();
  // SERIAL, REFRESH, RETRY, EXPIRE, MINIMUM: five 32-bit fields end the record exactly.
  if (end + 20 != rr.rdata_offset + rr.rdata_length) return Malformed("SOA record of the wrong length");
  return SoaData{U32(end + 16)};
}

Result<std::vector<std::string>> WireReader::ReadTxtStrings(const ResourceRecord& rr) const {
  std::vector<std::string> strings;
  size_t cursor = rr.rdata_offset;
  const size_t end = rr.rdata_offset + rr.rdata_length;
  while (cursor < end) {
    size_t length = message_[cursor];
    if (length > end - cursor - 1) return Malformed("TXT string runs past its record data");
    auto bytes = message_.subspan(cursor + 1, length);
    strings.emplace_back(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    cursor += 1 + length;
  }
  return strings;
}

Result<std::array<uint8_t, 4>> WireReader::ReadA(const ResourceRecord& rr) const {
  if (rr.rdata_length != 4) return Malformed("A record not 4 bytes");
  std::array<uint8_t, 4> bytes;
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = message_[rr.rdata_offset + i];
  return bytes;
}

Result<std::array<uint8_t, 16>> WireReader::ReadAaaa(const ResourceRecord& rr) const {
  if (rr.rdata_length != 16) return Malformed("AAAA record not 16 bytes");
  std::array<uint8_t, 16> bytes;
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = message_[rr.rdata_offset + i];
  return bytes;
}

}  // namespace herald::dns
