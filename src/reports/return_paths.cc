#include "reports/return_paths.h"

#include "core/address.h"

namespace herald::reports {

ReturnPathHosts::ReturnPathHosts(const domains::DomainDirectory& directory, std::string prefix,
                                 std::string shared_domain)
    : directory_(directory), label_(core::AsciiLower(prefix) + "."), shared_domain_(core::AsciiLower(shared_domain)) {}

std::optional<ReturnPathOwner> ReturnPathHosts::OwnerOf(std::string_view host) const {
  const std::string name = core::AsciiLower(host);
  if (!shared_domain_.empty() && name == shared_domain_) return ReturnPathOwner{};
  if (name.size() <= label_.size() || !name.starts_with(label_)) return std::nullopt;
  std::optional<std::string> owner = directory_.TransactionalOwner(std::string_view(name).substr(label_.size()));
  if (!owner) return std::nullopt;
  return ReturnPathOwner{std::move(*owner)};
}

}  // namespace herald::reports
