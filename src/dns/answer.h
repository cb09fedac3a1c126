// The answers of DNS lookups, as the outbound MTA and sending-domain verification need them.
//
// Each answer says exactly which of the outcomes that matter to a caller it is (records, null MX,
// no records of the type, no such domain), and carries how long it may be cached: the records' TTL
// for a positive answer, the RFC 2308 negative TTL for the others. Transient failures (SERVFAIL,
// REFUSED, time-out, network error, an unreadable response) are not answers: lookups return
// Status::Unavailable for them, and the caller defers.
//
// Names are in canonical text form: lowercase, without the final dot (CanonicalName). Host names
// taken from answers (MX exchanges) have been checked to be valid lookup names (IsValidLookupName).
//
// Thread-safety: plain values.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald::dns {

using Ttl = std::chrono::seconds;

// A positive answer's TTL is at most this (RFC 2181 §8 allows more; a day is plenty for mail).
inline constexpr Ttl kMaxTtl{86'400};
// A negative answer (NXDOMAIN, NODATA) without an SOA in its authority section is kept this long.
inline constexpr Ttl kDefaultNegativeTtl{300};
// A negative answer is kept at most this long, whatever its SOA says (RFC 2308 §5: 1 to 3 hours).
inline constexpr Ttl kMaxNegativeTtl{3'600};

enum class AnswerKind {
  kRecords,   // at least one record of the type asked for
  kNullMx,    // MX only: the domain accepts no mail (RFC 7505, "MX 0 ."): a hard failure, untried
  kNoData,    // the name exists, without records of the type (NODATA); for MX: fall back to A/AAAA
  kNxDomain,  // the name does not exist: a hard failure
};

std::string_view AnswerKindName(AnswerKind kind);  // "records", "null_mx", "no_data", "nxdomain"

struct MxRecord {
  uint16_t preference = 0;
  std::string host;  // a valid host name, never empty or "."
  bool operator==(const MxRecord&) const = default;
};

struct MxAnswer {
  AnswerKind kind = AnswerKind::kNoData;
  std::vector<MxRecord> records;  // kRecords: in the order received (see OrderByPreference)
  Ttl ttl{0};
};

struct AddressAnswer {
  AnswerKind kind = AnswerKind::kNoData;            // never kNullMx
  std::vector<boost::asio::ip::address> addresses;  // kRecords: the A addresses, then the AAAA ones
  Ttl ttl{0};
};

struct TxtAnswer {
  AnswerKind kind = AnswerKind::kNoData;  // never kNullMx
  // kRecords: one entry per TXT record, its character-strings joined with nothing between them
  // (as SPF, DKIM and DMARC read them: RFC 7208 §3.3). Arbitrary bytes: clean before logging.
  std::vector<std::string> texts;
  Ttl ttl{0};
};

struct CnameAnswer {
  AnswerKind kind = AnswerKind::kNoData;  // never kNullMx
  std::string target;                     // kRecords: the canonical name the alias points to
  Ttl ttl{0};
};

// Whether `name` is a domain name Herald may look up: ASCII (A-labels for IDNs), labels of 1..63
// letters, digits, '-' or '_', at most 253 bytes without the optional final dot.
bool IsValidLookupName(std::string_view name);

// `name` lowercased, without a final dot: the form answers and cache keys use.
std::string CanonicalName(std::string_view name);

// Case-insensitive comparison of two names, ignoring a final dot on either.
bool EqualNames(std::string_view a, std::string_view b);

}  // namespace herald::dns
