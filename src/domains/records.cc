#include "domains/records.h"

#include <boost/asio/ip/address.hpp>

#include "dkim/key.h"

namespace herald::domains {
namespace {

core::DnsRecord Record(core::RecordPurpose purpose, std::string type, std::string name, std::string value,
                       std::string selector = "") {
  return {purpose, std::move(type), std::move(name), std::move(value), std::move(selector),
          core::RecordStatus::kUnchecked, {}, std::nullopt};
}

bool SameRecord(const core::DnsRecord& a, const core::DnsRecord& b) {
  return a.purpose == b.purpose && a.type == b.type && a.name == b.name && a.value == b.value;
}

}  // namespace

std::string ReturnPathHost(std::string_view domain, const RecordSettings& settings) {
  return settings.return_path_prefix + "." + std::string(domain);
}

std::string DkimRecordName(std::string_view selector, std::string_view domain) {
  return std::string(selector) + "._domainkey." + std::string(domain);
}

std::string SpfValue(const PoolAddresses& pool, const RecordSettings& settings) {
  std::string value = "v=spf1";
  for (const std::string& address : pool.source_addresses) {
    boost::system::error_code ec;
    const auto parsed = boost::asio::ip::make_address(address, ec);
    value += (!ec && parsed.is_v6() ? " ip6:" : " ip4:") + address;
  }
  if (pool.source_addresses.empty()) value += " a:" + pool.ehlo_name;
  if (!settings.spf_include.empty()) value += " include:" + settings.spf_include;
  return value + " -all";
}

std::vector<core::DnsRecord> ExpectedRecords(const core::SendingDomain& domain, const PoolAddresses& pool,
                                             const RecordSettings& settings,
                                             const std::vector<core::DnsRecord>& previous) {
  std::vector<core::DnsRecord> records;
  for (const core::DkimKey& key : domain.keys) {
    if (key.state == core::DkimKeyState::kRetired) continue;
    const std::optional<dkim::Algorithm> algorithm = dkim::ParseAlgorithm(key.algorithm);
    if (!algorithm) continue;  // a key this version cannot use publishes nothing
    records.push_back(Record(core::RecordPurpose::kDkim, "TXT", DkimRecordName(key.selector, domain.name),
                             dkim::KeyRecord(*algorithm, key.public_key), key.selector));
  }
  const std::string return_path = ReturnPathHost(domain.name, settings);
  records.push_back(Record(core::RecordPurpose::kSpf, "TXT", return_path, SpfValue(pool, settings)));
  records.push_back(Record(core::RecordPurpose::kReturnPath, "MX", return_path, "10 " + settings.inbound_host));
  records.push_back(Record(core::RecordPurpose::kTracking, "CNAME",
                           settings.tracking_prefix + "." + domain.name, settings.tracking_target));
  records.push_back(Record(core::RecordPurpose::kDmarc, "TXT", "_dmarc." + domain.name, "v=DMARC1; p=none;"));

  for (core::DnsRecord& record : records) {
    for (const core::DnsRecord& old : previous) {
      if (!SameRecord(record, old)) continue;
      record.status = old.status;
      record.found = old.found;
      record.checked_at = old.checked_at;
    }
  }
  return records;
}

}  // namespace herald::domains
