// Sending domains (DESIGN §1, §5): a domain an account delegates to Herald for transactional mail.
//
// A domain is registered once, by one account, for one purpose. Herald generates its DKIM keys and
// tells the account which DNS records to publish (`records`); it stays `pending` until the DKIM, SPF
// and return-path records are found as expected, then it is `verified`, and only then may mail be
// sent from it. A domain registered (or flagged by the operator) as a marketing domain never sends
// here. DKIM keys rotate: a new pair is published first (`kPending`), and signs once its records
// verify; the keys it replaces are kept `kRetired` so that their records can be withdrawn later.
//
// Thread-safety: plain values. Untrusted input: `found` in a record holds text read from DNS,
// already cleaned and cut.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace herald::core {

enum class DomainPurpose { kTransactional, kMarketing };
enum class DomainStatus { kPending, kVerified };
enum class RecordPurpose { kDkim, kSpf, kReturnPath, kTracking, kDmarc };
// kUnchecked: not looked up yet; kError: the lookup failed (SERVFAIL, time-out): nothing is known.
enum class RecordStatus { kUnchecked, kOk, kMissing, kWrong, kError };
enum class DkimKeyState { kActive, kPending, kRetired };

std::string_view ToString(DomainPurpose purpose);  // "transactional", "marketing"
std::optional<DomainPurpose> ParseDomainPurpose(std::string_view text);
std::string_view ToString(DomainStatus status);  // "pending", "verified"
std::optional<DomainStatus> ParseDomainStatus(std::string_view text);
std::string_view ToString(RecordPurpose purpose);  // "dkim", "spf", "return_path", "tracking", "dmarc"
std::optional<RecordPurpose> ParseRecordPurpose(std::string_view text);
std::string_view ToString(RecordStatus status);  // "unchecked", "ok", "missing", "wrong", "error"
std::optional<RecordStatus> ParseRecordStatus(std::string_view text);
std::string_view ToString(DkimKeyState state);  // "active", "pending", "retired"
std::optional<DkimKeyState> ParseDkimKeyState(std::string_view text);

// One DNS record the account publishes, with what the last check found.
struct DnsRecord {
  RecordPurpose purpose = RecordPurpose::kDkim;
  std::string type;      // "TXT", "MX", "CNAME"
  std::string name;      // owner name, lowercase, no final dot
  std::string value;     // the record data to publish ("v=DKIM1; k=rsa; p=…", "10 mx.herald.example")
  std::string selector;  // DKIM records: the key's selector; empty otherwise
  RecordStatus status = RecordStatus::kUnchecked;
  std::vector<std::string> found;  // what the check read (the records there, or the lookup's error)
  std::optional<TimePoint> checked_at;
};

struct DkimKey {
  std::string selector;
  std::string algorithm;           // "rsa-sha256" or "ed25519-sha256"
  std::string public_key;          // the p= value
  std::string sealed_private_key;  // the PKCS#8 PEM, sealed by the data directory's secret key
  DkimKeyState state = DkimKeyState::kActive;
  TimePoint created_at;
};

struct SendingDomain {
  std::string id;  // "dom_…"
  std::string account_id;
  std::string name;  // lowercase A-labels
  DomainPurpose purpose = DomainPurpose::kTransactional;
  std::string pool;  // the IP pool its mail leaves through
  DomainStatus status = DomainStatus::kPending;
  std::vector<DnsRecord> records;
  std::vector<DkimKey> keys;
  std::vector<std::string> warnings;  // e.g. a required record that broke after verification
  TimePoint created_at;
  std::optional<TimePoint> verified_at;
  std::optional<TimePoint> checked_at;  // the last verification, by request or periodic
  int64_t revision = 0;                 // bumped by each stored change: a change based on an older one is refused
};

// Something that happened to an account's resource outside a message's life (a domain's DNS broke,
// it was verified): kept for the account, later delivered by webhooks.
struct AccountEvent {
  std::string account_id;
  std::string type;     // "domain.verified", "domain.dns_broken", "domain.dns_restored", "domain.dkim_rotated"
  std::string subject;  // what it is about: the domain name
  TimePoint at;
  nlohmann::json details = nlohmann::json::object();
};

}  // namespace herald::core
