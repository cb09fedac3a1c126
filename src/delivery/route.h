// Route: where a message goes, decided before its delivery attempt (DESIGN §4: one queue per
// destination). The dispatcher puts the message in the ready queue of its route's `site` and
// limits the attempts running at once per site; the transport follows `hosts`.
//
// A site is a destination as the receiving side sees it: for MX delivery, the set of the domain's
// MX host names (sorted and joined), so that every domain hosted by one provider shares one queue
// and one concurrency limit; for relay and capture, the one smarthost or the sandbox.
//
// `require_tls` comes from the recipient domain's TLS policy (delivery/tls_policy.h).
//
// A route may carry a `verdict` instead: the attempt was decided without trying (the domain takes no
// mail, does not exist, or its DNS failed) and its result is recorded as is.
//
// Thread-safety: a plain value, shared read-only (std::shared_ptr<const Route>) by the messages of
// one lookup.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "delivery/smtp_connection.h"
#include "dns/answer.h"

namespace herald::delivery {

struct Route {
  std::string site;                      // the ready queue and concurrency key
  std::vector<dns::MxRecord> hosts;      // MX delivery: lowest preference first
  std::optional<AttemptResult> verdict;  // set when the attempt is decided without trying
  bool require_tls = false;              // the domain's TLS policy: never in clear
};

}  // namespace herald::delivery
