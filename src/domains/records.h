// The DNS records a sending domain publishes (DESIGN §5), and what a lookup of each must show.
//
// For a domain D in pool P, with the keys it holds:
//   dkim         TXT   <selector>._domainkey.D   "v=DKIM1; k=rsa|ed25519; p=…"  (one per active or pending key)
//   spf          TXT   <rp>.D                    "v=spf1 ip4:… ip6:… [include:…] -all": P's source addresses
//   return_path  MX    <rp>.D                    "10 <inbound host>": where bounces to the VERP senders go
//   tracking     CNAME <track>.D                 "<tracking target>": open and click links
//   dmarc        TXT   _dmarc.D                  "v=DMARC1; p=none;": a start, to be tightened later
// <rp>.D is the return-path host: mail from D leaves with the envelope sender bounces+<token>@<rp>.D,
// so SPF is evaluated there, and it is aligned with D for DMARC (relaxed alignment). A pool without
// source addresses leaves from whatever address the system picks: the SPF record then authorises the
// pool's EHLO host (a:<ehlo name>).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/sending_domain.h"

namespace herald::domains {

// What the operator's configuration says every domain's records point at.
struct RecordSettings {
  std::string inbound_host;        // the return-path MX target
  std::string return_path_prefix;  // "bounces"
  std::string tracking_prefix;     // "track"
  std::string tracking_target;     // the tracking CNAME target
  std::string spf_include;         // empty: none
};

// What the domain's pool sends from.
struct PoolAddresses {
  std::vector<std::string> source_addresses;  // IP literals; empty: the system's choice
  std::string ehlo_name;
};

std::string ReturnPathHost(std::string_view domain, const RecordSettings& settings);
std::string DkimRecordName(std::string_view selector, std::string_view domain);
std::string SpfValue(const PoolAddresses& pool, const RecordSettings& settings);

// Every record `domain` should publish for its keys (active and pending; retired keys need none)
// and pool, each kUnchecked. Records of `previous` with the same purpose, type, name and value keep
// their last check, so recomputing after a rotation or a pool change loses nothing still valid.
std::vector<core::DnsRecord> ExpectedRecords(const core::SendingDomain& domain, const PoolAddresses& pool,
                                             const RecordSettings& settings,
                                             const std::vector<core::DnsRecord>& previous = {});

}  // namespace herald::domains
