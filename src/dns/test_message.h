// Test helper: builds DNS messages byte by byte, well-formed or deliberately broken, for the tests of
// dns/wire_reader.h and dns/response.h. Not part of the library.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "dns/wire_reader.h"

namespace herald::dns::test {

using Bytes = std::vector<uint8_t>;

class WireWriter {
 public:
  WireWriter& U8(uint8_t v) {
    bytes_.push_back(v);
    return *this;
  }
  WireWriter& U16(uint16_t v) { return U8(static_cast<uint8_t>(v >> 8)).U8(static_cast<uint8_t>(v)); }
  WireWriter& U32(uint32_t v) { return U16(static_cast<uint16_t>(v >> 16)).U16(static_cast<uint16_t>(v)); }
  WireWriter& Raw(std::string_view text) {
    bytes_.insert(bytes_.end(), text.begin(), text.end());
    return *this;
  }
  WireWriter& Append(const Bytes& more) {
    bytes_.insert(bytes_.end(), more.begin(), more.end());
    return *this;
  }
  // "mx1.example.com" as uncompressed labels, ending with the root unless `terminate` is false;
  // "" is the root alone.
  WireWriter& Name(std::string_view dotted, bool terminate = true) {
    while (!dotted.empty()) {
      size_t dot = dotted.find('.');
      std::string_view label = dotted.substr(0, dot);
      U8(static_cast<uint8_t>(label.size())).Raw(label);
      dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
    }
    return terminate ? U8(0) : *this;
  }
  WireWriter& Pointer(uint16_t offset) { return U16(static_cast<uint16_t>(0xC000 | offset)); }
  // A standard-query response header: QR and RD set, RA set, `rcode`.
  WireWriter& Header(uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar, int rcode = kRcodeNoError,
                     uint16_t extra_flags = 0) {
    return U16(0x1234)
        .U16(static_cast<uint16_t>(0x8180 | rcode | extra_flags))
        .U16(qd)
        .U16(an)
        .U16(ns)
        .U16(ar);
  }
  WireWriter& Question(std::string_view name, uint16_t type) { return Name(name).U16(type).U16(kClassIn); }
  // A record with its RDATA given whole; RDLENGTH is the RDATA's size.
  WireWriter& Record(std::string_view owner, uint16_t type, uint32_t ttl, const Bytes& rdata) {
    Name(owner).U16(type).U16(kClassIn).U32(ttl).U16(static_cast<uint16_t>(rdata.size()));
    return Append(rdata);
  }

  size_t size() const { return bytes_.size(); }
  Bytes& bytes() { return bytes_; }
  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

inline Bytes NameRdata(std::string_view name) { return WireWriter().Name(name).bytes(); }
inline Bytes MxRdata(uint16_t preference, std::string_view exchange) {
  return WireWriter().U16(preference).Name(exchange).bytes();
}
inline Bytes ARdata(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return {a, b, c, d}; }
inline Bytes TxtRdata(std::initializer_list<std::string_view> strings) {
  WireWriter w;
  for (std::string_view s : strings) w.U8(static_cast<uint8_t>(s.size())).Raw(s);
  return w.bytes();
}
inline Bytes SoaRdata(uint32_t minimum) {
  return WireWriter()
      .Name("ns.example.com")
      .Name("hostmaster.example.com")
      .U32(1)
      .U32(3600)
      .U32(600)
      .U32(86400)
      .U32(minimum)
      .bytes();
}

struct TestRecord {
  std::string owner;
  uint16_t type;
  uint32_t ttl;
  Bytes rdata;
};

// A whole response to (`qname`, `qtype`) with the given sections.
inline Bytes Response(std::string_view qname, uint16_t qtype, int rcode,
                      const std::vector<TestRecord>& answers, const std::vector<TestRecord>& authority = {}) {
  WireWriter w;
  w.Header(1, static_cast<uint16_t>(answers.size()), static_cast<uint16_t>(authority.size()), 0, rcode);
  w.Question(qname, qtype);
  for (const TestRecord& r : answers) w.Record(r.owner, r.type, r.ttl, r.rdata);
  for (const TestRecord& r : authority) w.Record(r.owner, r.type, r.ttl, r.rdata);
  return w.bytes();
}

}  // namespace herald::dns::test
