#include "domains/verification.h"

#include <algorithm>

#include "domains/checks.h"

namespace herald::domains {
namespace {

using core::DkimKeyState;
using core::RecordPurpose;
using core::RecordStatus;

boost::asio::awaitable<Check> Look(const core::DnsRecord& record, dns::Resolver& resolver) {
  switch (record.purpose) {
    case RecordPurpose::kDkim:
      co_return CheckDkim(record, co_await resolver.LookupTxt(record.name));
    case RecordPurpose::kSpf:
      co_return CheckSpf(record, co_await resolver.LookupTxt(record.name));
    case RecordPurpose::kReturnPath:
      co_return CheckReturnPath(record, co_await resolver.LookupMx(record.name));
    case RecordPurpose::kTracking:
      co_return CheckTracking(record, co_await resolver.LookupCname(record.name));
    case RecordPurpose::kDmarc:
      co_return CheckDmarc(record, co_await resolver.LookupTxt(record.name));
  }
  co_return Check{RecordStatus::kError, {"unknown record purpose"}};
}

DkimKeyState StateOf(const core::SendingDomain& domain, std::string_view selector) {
  for (const core::DkimKey& key : domain.keys) {
    if (key.selector == selector) return key.state;
  }
  return DkimKeyState::kRetired;
}

// Whether `record` must be ok for the domain to be verified.
bool Required(const core::SendingDomain& domain, const core::DnsRecord& record) {
  switch (record.purpose) {
    case RecordPurpose::kDkim:
      return StateOf(domain, record.selector) == DkimKeyState::kActive;
    case RecordPurpose::kSpf:
    case RecordPurpose::kReturnPath:
      return true;
    default:
      return false;
  }
}

std::string Describe(const core::DnsRecord& record) {
  return std::string(core::ToString(record.purpose)) + " record " + record.type + " " + record.name + " is " +
         std::string(core::ToString(record.status));
}

// Makes the pending keys active and the active ones retired, when every pending key's record is ok.
bool FinishRotation(core::SendingDomain& domain) {
  bool any_pending = false;
  for (const core::DkimKey& key : domain.keys) {
    if (key.state != DkimKeyState::kPending) continue;
    any_pending = true;
    auto published = std::find_if(domain.records.begin(), domain.records.end(), [&](const core::DnsRecord& r) {
      return r.purpose == RecordPurpose::kDkim && r.selector == key.selector && r.status == RecordStatus::kOk;
    });
    if (published == domain.records.end()) return false;
  }
  if (!any_pending) return false;
  for (core::DkimKey& key : domain.keys) {
    key.state = key.state == DkimKeyState::kPending ? DkimKeyState::kActive : DkimKeyState::kRetired;
  }
  return true;
}

}  // namespace

boost::asio::awaitable<std::vector<core::DnsRecord>> CheckRecords(std::vector<core::DnsRecord> records,
                                                                  dns::Resolver& resolver, TimePoint now) {
  for (core::DnsRecord& record : records) {
    Check check = co_await Look(record, resolver);
    record.status = check.status;
    record.found = std::move(check.found);
    record.checked_at = now;
  }
  co_return records;
}

CheckOutcome ApplyCheck(core::SendingDomain domain, std::vector<core::DnsRecord> checked, TimePoint now,
                        std::string_view trigger) {
  CheckOutcome out;
  domain.records = std::move(checked);
  domain.checked_at = now;
  auto event = [&](std::string type, nlohmann::json details) {
    details["trigger"] = trigger;
    out.events.push_back({domain.account_id, std::move(type), domain.name, now, std::move(details)});
  };

  bool all_ok = true;
  std::vector<std::string> broken;  // required records found missing or wrong
  for (const core::DnsRecord& record : domain.records) {
    if (!Required(domain, record) || record.status == RecordStatus::kOk) continue;
    all_ok = false;
    if (record.status == RecordStatus::kMissing || record.status == RecordStatus::kWrong)
      broken.push_back(Describe(record));
  }

  if (domain.status == core::DomainStatus::kPending) {
    if (all_ok) {
      domain.status = core::DomainStatus::kVerified;
      domain.verified_at = now;
      event("domain.verified", nlohmann::json::object());
    }
  } else if (!broken.empty()) {
    if (domain.warnings.empty()) event("domain.dns_broken", {{"records", broken}});
    domain.warnings = std::move(broken);
  } else if (all_ok && !domain.warnings.empty()) {
    domain.warnings.clear();
    event("domain.dns_restored", nlohmann::json::object());
  }

  if (FinishRotation(domain)) {
    std::vector<std::string> active;
    for (const core::DkimKey& key : domain.keys) {
      if (key.state == DkimKeyState::kActive) active.push_back(key.selector);
    }
    event("domain.dkim_rotated", {{"selectors", active}});
    out.keys_changed = true;
  }
  out.domain = std::move(domain);
  return out;
}

}  // namespace herald::domains
