// DomainDirectory: every account's sending domains, in memory, for the sending gate (DESIGN §3:
// "domain status" on the way through) and the DKIM signing that follows it.
//
// Intake asks ForSending(account, From: domain) for every message; the answer is a refusal naming
// the domain and why, or the identity to send with: the signer of the domain's active DKIM keys and
// its return-path host (the VERP senders' domain). The gate:
//   marketing domain (registered as one, or flagged by domains.marketing)  → refused
//   another account's domain                                                → refused
//   the account's verified transactional domain                             → signed, VERP at <rp>.domain
//   the account's pending domain, or an unregistered one                    → refused, unless
//       domains.allow_unverified (development): then sent, signed when the account's own
//
// The directory is loaded whole from the store at start and after each domain change (domains are
// few; a load parses only the keys of domains that changed since the last one: a Signer per domain
// revision). Keys that cannot be unsealed or parsed leave their domain unable to send (refused, with
// the reason logged), never sending unsigned.
//
// Thread-safety: Load and ForSending may be called concurrently from any thread; a load swaps a whole
// snapshot in, so a reader sees the old directory or the new one.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/secret_box.h"
#include "base/status.h"
#include "core/sending_domain.h"
#include "dkim/signer.h"

namespace herald::domains {

struct GateSettings {
  bool allow_unverified = false;
  std::vector<std::string> marketing;  // flagged: "shop.example" or "*.shop.example"
  std::string return_path_prefix = "bounces";
};

// How a message from an accepted domain leaves.
struct SendingIdentity {
  std::shared_ptr<const dkim::Signer> signer;  // null: not signed (an unregistered domain, in development)
  std::string return_path_host;                // the VERP senders' domain; empty: the sender's own address
  std::string pool;                            // the domain's IP pool; empty: the account's
};

class DomainDirectory {
 public:
  DomainDirectory(const SecretBox& secrets, GateSettings settings);

  // Replaces what the directory knows with `domains`: every domain of every account.
  void Load(const std::vector<core::SendingDomain>& domains);

  // PermissionDenied (its message names the domain and the reason, fit to show the caller) or the
  // identity to send with. `from_domain` as written in the From: address (any case, U-labels allowed).
  Result<SendingIdentity> ForSending(std::string_view account_id, std::string_view from_domain) const;

  // Whether `name` (lowercase A-labels) is flagged as a marketing domain by configuration.
  bool IsFlaggedMarketing(std::string_view name) const;

  // The account that registered `name` (lowercase A-labels) as a transactional domain, whatever its
  // status: its return-path host takes the bounces of what it sent, even once its DNS broke. nullopt
  // for an unknown or marketing domain.
  std::optional<std::string> TransactionalOwner(std::string_view name) const;

 private:
  struct Entry {
    std::string account_id;
    core::DomainPurpose purpose;
    core::DomainStatus status;
    std::string pool;
    int64_t revision = 0;
    std::shared_ptr<const dkim::Signer> signer;  // null when it has no usable active key
    std::string signer_error;                    // why not, when it has active keys that failed
  };
  using Snapshot = std::unordered_map<std::string, Entry>;  // by domain name

  Entry MakeEntry(const core::SendingDomain& domain, const Snapshot* previous) const;
  std::shared_ptr<const Snapshot> Current() const;

  const SecretBox& secrets_;
  const GateSettings settings_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;  // guarded by mutex_ (the pointer; the map is immutable)
};

}  // namespace herald::domains
