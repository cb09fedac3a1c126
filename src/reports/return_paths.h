// ReturnPathHosts: which domains are Herald's return-path hosts — where the VERP senders of its
// messages point (DESIGN §4), so where their bounces and complaints arrive — and whose they are.
//
//   <domains.return_path_prefix>.<sending domain>   that domain's account's (any transactional
//                                                   domain registered, whatever its status)
//   delivery.return_path_domain                     shared: any account's messages
//
// Thread-safety: OwnerOf may be called from any thread (the directory swaps snapshots safely).
// Untrusted input: hosts come from SMTP clients; they are compared, never trusted otherwise.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domains/directory.h"

namespace herald::reports {

struct ReturnPathOwner {
  std::string account_id;  // empty: the shared return-path domain, any account's messages
};

class ReturnPathHosts {
 public:
  // `prefix`: "bounces"; `shared_domain`: delivery.return_path_domain, empty when none. The
  // directory must outlive this object.
  ReturnPathHosts(const domains::DomainDirectory& directory, std::string prefix, std::string shared_domain);

  // The owner of `host` (any case), or nullopt when it is not one of Herald's return-path hosts.
  std::optional<ReturnPathOwner> OwnerOf(std::string_view host) const;

 private:
  const domains::DomainDirectory& directory_;
  const std::string label_;  // "bounces."
  const std::string shared_domain_;
};

}  // namespace herald::reports
