// Reading a DNS response (the raw bytes c-ares received for one question) into an answer.
//
// A response is read only if it answers the question asked (same name, type, class IN), is a
// complete (not truncated) standard-query response, and parses entirely; the records used are those
// of the type asked, owned by the name asked or by the end of a CNAME chain starting there (at most
// kMaxCnameChain links). Outcomes:
//   NOERROR with records        → kRecords, TTL the smallest of the records and CNAMEs followed
//   NOERROR without records     → kNoData,   TTL negative (below)
//   NXDOMAIN                    → kNxDomain, TTL negative
//   MX whose exchanges are all "." → kNullMx (RFC 7505), TTL as for records; a "." listed with real
//                                 hosts is ignored
//   SERVFAIL, REFUSED, any other response code → Status::Unavailable
//   a malformed or mismatched response → Status::Corruption (the resolver reports it as Unavailable)
// MX records whose exchange is not a valid host name are dropped; if none is left (and none was
// "."), the response is Corruption rather than "no MX", so that a mangled answer never sends mail
// to the domain's A record.
// Negative TTL (RFC 2308 §5): the smaller of the authority SOA's TTL and its MINIMUM field, or
// kDefaultNegativeTtl without an SOA; never more than kMaxNegativeTtl. Positive TTLs are capped at
// kMaxTtl.
//
// SECURITY: the bytes are untrusted; see dns/wire_reader.h for the bounds kept while reading.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "base/status.h"
#include "dns/answer.h"

namespace herald::dns {

inline constexpr int kMaxCnameChain = 8;
// When only one of a host's A and AAAA lookups failed, the addresses of the other are used, but
// cached at most this long so that the failed half is asked again soon.
inline constexpr Ttl kPartialAnswerTtl{60};

Result<MxAnswer> ParseMxResponse(std::span<const uint8_t> wire, std::string_view name);
// `type` is kTypeA or kTypeAaaa.
Result<AddressAnswer> ParseAddressResponse(std::span<const uint8_t> wire, std::string_view name,
                                           uint16_t type);
Result<TxtAnswer> ParseTxtResponse(std::span<const uint8_t> wire, std::string_view name);
// The CNAME record of `name` itself (not a chain's end): Corruption when its target is not a valid name.
Result<CnameAnswer> ParseCnameResponse(std::span<const uint8_t> wire, std::string_view name);

// A host's answer from the answers of its A and AAAA lookups: the addresses of both (A first); with
// none, NXDOMAIN when both said so, else NODATA; the smaller TTL. When one lookup failed: the
// other's addresses if it has some (TTL at most kPartialAnswerTtl), else the failure.
Result<AddressAnswer> CombineAddressAnswers(Result<AddressAnswer> a, Result<AddressAnswer> aaaa);

}  // namespace herald::dns
