// Checks of one published record against what a DNS lookup found (DESIGN §5), as
// POST /v1/domains/{name}/verify reports them: ok, missing (nothing there), wrong (something else
// there; `found` says what) or error (the lookup failed: SERVFAIL, time-out — nothing is known).
//
//   dkim         a TXT record at the name that is a DKIM key record with the expected key type and p=
//   spf          exactly one "v=spf1" record at the name, holding every mechanism of the expected one
//                (others may be there too); several are a permanent error (RFC 7208 §4.5): wrong
//   return_path  an MX record at the name naming the expected host (others may be there too)
//   tracking     a CNAME at the name to the expected target
//   dmarc        exactly one "v=DMARC1" record at the name with a p= policy (any policy)
//
// Thread-safety: pure functions. Untrusted input: the answers; what `found` keeps is cleaned and cut.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "core/sending_domain.h"
#include "dns/answer.h"

namespace herald::domains {

struct Check {
  core::RecordStatus status = core::RecordStatus::kUnchecked;
  std::vector<std::string> found;
};

Check CheckDkim(const core::DnsRecord& expected, const Result<dns::TxtAnswer>& answer);
Check CheckSpf(const core::DnsRecord& expected, const Result<dns::TxtAnswer>& answer);
Check CheckReturnPath(const core::DnsRecord& expected, const Result<dns::MxAnswer>& answer);
Check CheckTracking(const core::DnsRecord& expected, const Result<dns::CnameAnswer>& answer);
Check CheckDmarc(const core::DnsRecord& expected, const Result<dns::TxtAnswer>& answer);

}  // namespace herald::domains
