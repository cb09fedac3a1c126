#include "delivery/ip_pools.h"

#include "base/log.h"

namespace herald::delivery {

IpPools::IpPools(std::vector<IpPool> pools) : pools_(std::move(pools)), turns_(pools_.size(), 0) {
  if (pools_.empty()) pools_.push_back({"transactional", {}, "localhost"});
  turns_.resize(pools_.size(), 0);
}

const IpPool& IpPools::Find(std::string_view name) const {
  for (const IpPool& pool : pools_) {
    if (pool.name == name) return pool;
  }
  Logger("delivery")->warn("IP pool '{}' is not configured; using '{}'", name, pools_.front().name);
  return pools_.front();
}

std::optional<std::string> IpPools::NextSource(const IpPool& pool, const boost::asio::ip::address& destination) {
  if (pool.sources.empty()) return std::string();
  size_t& turn = turns_[static_cast<size_t>(&pool - pools_.data())];
  for (size_t i = 0; i < pool.sources.size(); ++i) {
    const boost::asio::ip::address& source = pool.sources[(turn + i) % pool.sources.size()];
    if (source.is_v4() == destination.is_v4()) {
      turn += i + 1;
      return source.to_string();
    }
  }
  return std::nullopt;
}

}  // namespace herald::delivery
