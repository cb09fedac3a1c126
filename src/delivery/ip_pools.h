// IpPools: the configured IP pools (DESIGN §1: a named set of source addresses and an EHLO name),
// as MX delivery uses them. Each message names its pool (fixed when it was accepted); its
// connections leave from the pool's addresses in turn and greet with the pool's EHLO name, so the
// receiving server sees each pool's mail from its own addresses.
//
// A message naming a pool that is no longer configured leaves through the default pool (the first)
// and a warning is logged, rather than staying stuck.
//
// Thread-safety: none; used on the delivery executor only (the turn counters change).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::delivery {

struct IpPool {
  std::string name;
  std::vector<boost::asio::ip::address> sources;  // empty: the system chooses
  std::string ehlo_name;
};

class IpPools {
 public:
  // `pools` holds at least one pool: the first is the default.
  explicit IpPools(std::vector<IpPool> pools);

  const IpPool& Find(std::string_view name) const;

  // The source address for the next connection from `pool` to `destination`: the pool's next
  // address of the same family, in turn. "" when the pool has no addresses (the system chooses);
  // nullopt when it has some but none of that family (the pool cannot reach `destination`).
  std::optional<std::string> NextSource(const IpPool& pool, const boost::asio::ip::address& destination);

 private:
  std::vector<IpPool> pools_;
  std::vector<size_t> turns_;  // per pool: connections opened so far
};

}  // namespace herald::delivery
