#include "dns/response.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "dns/wire_reader.h"

namespace herald::dns {
namespace {

constexpr uint32_t kNoTtl = std::numeric_limits<uint32_t>::max();

// What a response says about one question, before the type-specific reading of its records.
struct Interpreted {
  WireReader reader;
  int rcode = kRcodeNoError;
  std::vector<ResourceRecord> records;   // of the type asked, owned by the end of the CNAME chain
  uint32_t min_ttl = kNoTtl;             // of `records` and the CNAMEs followed
  uint32_t chain_ttl = kNoTtl;           // of the CNAMEs followed only
  std::optional<uint32_t> negative_ttl;  // from the authority section's SOA
};

std::string_view RcodeName(int rcode) {
  switch (rcode) {
    case 1:
      return "FORMERR";
    case kRcodeServFail:
      return "SERVFAIL";
    case 4:
      return "NOTIMP";
    case kRcodeRefused:
      return "REFUSED";
    default:
      return "an unexpected response code";
  }
}

Result<Interpreted> Interpret(std::span<const uint8_t> wire, std::string_view name, uint16_t type) {
  Interpreted out{WireReader(wire)};
  WireReader& reader = out.reader;
  auto header = reader.ReadHeader();
  if (!header.ok()) return header.status();
  if (!header->is_response() || header->opcode() != 0)
    return Status::Corruption("DNS message is not a standard query response");
  if (header->truncated()) return Status::Corruption("DNS response truncated");
  if (header->question_count != 1) return Status::Corruption("DNS response without exactly one question");
  auto question = reader.ReadQuestion();
  if (!question.ok()) return question.status();
  if (question->type != type || question->klass != kClassIn || question->name != CanonicalName(name))
    return Status::Corruption("DNS response to another question");

  out.rcode = header->rcode();
  if (out.rcode != kRcodeNoError && out.rcode != kRcodeNxDomain)
    return Status::Unavailable("DNS server answered " + std::string(RcodeName(out.rcode)));

  std::vector<ResourceRecord> answers;
  for (int i = 0; i < header->answer_count; ++i) {
    auto rr = reader.ReadRecord();
    if (!rr.ok()) return rr.status();
    if (rr->klass == kClassIn) answers.push_back(std::move(*rr));
  }
  for (int i = 0; i < header->authority_count; ++i) {
    auto rr = reader.ReadRecord();
    if (!rr.ok()) return rr.status();
    if (rr->type != kTypeSoa || rr->klass != kClassIn) continue;
    auto soa = reader.ReadSoa(*rr);
    if (!soa.ok()) return soa.status();
    out.negative_ttl = std::min(TtlSeconds(rr->ttl), soa->minimum);
  }
  // The additional section is not needed, so it is not read.

  std::string owner = question->name;
  for (int links = 0;; ++links) {
    for (const ResourceRecord& rr : answers) {
      if (rr.type == type && rr.owner == owner) out.records.push_back(rr);
    }
    if (!out.records.empty()) break;
    auto cname = std::find_if(answers.begin(), answers.end(), [&](const ResourceRecord& rr) {
      return rr.type == kTypeCname && rr.owner == owner;
    });
    if (cname == answers.end()) break;
    if (links == kMaxCnameChain) return Status::Corruption("CNAME chain too long");
    auto target = reader.ReadNameData(*cname);
    if (!target.ok()) return target.status();
    out.chain_ttl = std::min(out.chain_ttl, TtlSeconds(cname->ttl));
    owner = std::move(*target);
  }
  out.min_ttl = out.chain_ttl;
  for (const ResourceRecord& rr : out.records) out.min_ttl = std::min(out.min_ttl, TtlSeconds(rr.ttl));
  return out;
}

Ttl PositiveTtl(const Interpreted& in) { return std::min(Ttl(in.min_ttl), kMaxTtl); }

Ttl NegativeTtl(const Interpreted& in) {
  Ttl ttl = in.negative_ttl ? Ttl(*in.negative_ttl) : kDefaultNegativeTtl;
  ttl = std::min(ttl, Ttl(in.chain_ttl));
  return std::min(ttl, kMaxNegativeTtl);
}

// kNxDomain or kNoData when `in` has no records; nullopt when it has some.
std::optional<AnswerKind> NegativeKind(const Interpreted& in) {
  if (in.rcode == kRcodeNxDomain) return AnswerKind::kNxDomain;
  if (in.records.empty()) return AnswerKind::kNoData;
  return std::nullopt;
}

}  // namespace

Result<MxAnswer> ParseMxResponse(std::span<const uint8_t> wire, std::string_view name) {
  auto in = Interpret(wire, name, kTypeMx);
  if (!in.ok()) return in.status();
  MxAnswer answer;
  if (auto kind = NegativeKind(*in)) {
    answer.kind = *kind;
    answer.ttl = NegativeTtl(*in);
    return answer;
  }
  bool null_mx = false;
  for (const ResourceRecord& rr : in->records) {
    auto mx = in->reader.ReadMx(rr);
    if (!mx.ok()) return mx.status();
    if (mx->exchange.empty()) {
      null_mx = true;
    } else if (IsValidLookupName(mx->exchange)) {
      answer.records.push_back({mx->preference, std::move(mx->exchange)});
    }
  }
  if (answer.records.empty() && !null_mx) return Status::Corruption("no MX record names a valid host");
  answer.kind = answer.records.empty() ? AnswerKind::kNullMx : AnswerKind::kRecords;
  answer.ttl = PositiveTtl(*in);
  return answer;
}

Result<AddressAnswer> ParseAddressResponse(std::span<const uint8_t> wire, std::string_view name,
                                           uint16_t type) {
  if (type != kTypeA && type != kTypeAaaa) return Status::InvalidArgument("not an address type");
  auto in = Interpret(wire, name, type);
  if (!in.ok()) return in.status();
  AddressAnswer answer;
  if (auto kind = NegativeKind(*in)) {
    answer.kind = *kind;
    answer.ttl = NegativeTtl(*in);
    return answer;
  }
  for (const ResourceRecord& rr : in->records) {
    if (type == kTypeA) {
      auto bytes = in->reader.ReadA(rr);
      if (!bytes.ok()) return bytes.status();
      answer.addresses.push_back(boost::asio::ip::make_address_v4(*bytes));
    } else {
      auto bytes = in->reader.ReadAaaa(rr);
      if (!bytes.ok()) return bytes.status();
      answer.addresses.push_back(boost::asio::ip::make_address_v6(*bytes));
    }
  }
  answer.kind = AnswerKind::kRecords;
  answer.ttl = PositiveTtl(*in);
  return answer;
}

Result<TxtAnswer> ParseTxtResponse(std::span<const uint8_t> wire, std::string_view name) {
  auto in = Interpret(wire, name, kTypeTxt);
  if (!in.ok()) return in.status();
  TxtAnswer answer;
  if (auto kind = NegativeKind(*in)) {
    answer.kind = *kind;
    answer.ttl = NegativeTtl(*in);
    return answer;
  }
  for (const ResourceRecord& rr : in->records) {
    auto strings = in->reader.ReadTxtStrings(rr);
    if (!strings.ok()) return strings.status();
    std::string joined;
    for (const std::string& s : *strings) joined += s;
    answer.texts.push_back(std::move(joined));
  }
  answer.kind = AnswerKind::kRecords;
  answer.ttl = PositiveTtl(*in);
  return answer;
}

Result<CnameAnswer> ParseCnameResponse(std::span<const uint8_t> wire, std::string_view name) {
  auto in = Interpret(wire, name, kTypeCname);
  if (!in.ok()) return in.status();
  CnameAnswer answer;
  if (auto kind = NegativeKind(*in)) {
    answer.kind = *kind;
    answer.ttl = NegativeTtl(*in);
    return answer;
  }
  auto target = in->reader.ReadNameData(in->records.front());
  if (!target.ok()) return target.status();
  if (!IsValidLookupName(*target)) return Status::Corruption("CNAME target is not a valid name");
  answer.kind = AnswerKind::kRecords;
  answer.target = CanonicalName(*target);
  answer.ttl = PositiveTtl(*in);
  return answer;
}

Result<AddressAnswer> CombineAddressAnswers(Result<AddressAnswer> a, Result<AddressAnswer> aaaa) {
  if (!a.ok() || !aaaa.ok()) {
    Result<AddressAnswer>& good = a.ok() ? a : aaaa;
    if (!good.ok() || good->kind != AnswerKind::kRecords) return a.ok() ? aaaa.status() : a.status();
    good->ttl = std::min(good->ttl, kPartialAnswerTtl);
    return std::move(good);
  }
  AddressAnswer answer;
  answer.ttl = std::min(a->ttl, aaaa->ttl);
  answer.addresses = std::move(a->addresses);
  answer.addresses.insert(answer.addresses.end(), aaaa->addresses.begin(), aaaa->addresses.end());
  if (!answer.addresses.empty()) {
    answer.kind = AnswerKind::kRecords;
  } else if (a->kind == AnswerKind::kNxDomain && aaaa->kind == AnswerKind::kNxDomain) {
    answer.kind = AnswerKind::kNxDomain;
  } else {
    answer.kind = AnswerKind::kNoData;
  }
  return answer;
}

}  // namespace herald::dns
