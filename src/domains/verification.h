// Verifying a sending domain (DESIGN §5): look every record up, then decide what the domain becomes.
//
//   pending  → verified      when every active DKIM key's record, the SPF record and the return-path
//                             MX are ok (tracking and DMARC are reported, not required); event
//                             "domain.verified"
//   verified → verified with warnings, when one of those records is missing or wrong later: the
//                             domain keeps sending (a DNS slip should not stop a shop's receipts);
//                             event "domain.dns_broken" once, when it breaks
//            → warnings cleared, event "domain.dns_restored", when they are ok again
//   rotation                  when every pending key's record is ok, the pending keys become active
//                             and the active ones retired; event "domain.dkim_rotated"
// A lookup that failed (kError) says nothing: it neither verifies nor breaks anything.
//
// Thread-safety: CheckRecords may run on any executor; ApplyCheck is a pure function.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "core/sending_domain.h"
#include "dns/resolver.h"

namespace herald::domains {

// Each record looked up (one at a time, through `resolver`, which should not cache: a user who has
// just published a record wants it seen) and checked, stamped with `now`.
boost::asio::awaitable<std::vector<core::DnsRecord>> CheckRecords(std::vector<core::DnsRecord> records,
                                                                  dns::Resolver& resolver, TimePoint now);

struct CheckOutcome {
  core::SendingDomain domain;               // its records replaced, status, keys and warnings decided
  std::vector<core::AccountEvent> events;   // what changed, to append in the same commit
  bool keys_changed = false;                // a rotation finished: the records must be recomputed
};

// The domain after its records were checked (`checked`, in the order of domain.records), at `now`.
// `trigger` ("request" or "recheck") goes into the events' details.
CheckOutcome ApplyCheck(core::SendingDomain domain, std::vector<core::DnsRecord> checked, TimePoint now,
                        std::string_view trigger);

}  // namespace herald::domains
