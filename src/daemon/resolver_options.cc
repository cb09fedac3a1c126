#include "daemon/resolver_options.h"

namespace herald::daemon {

dns::AresOptions ResolverOptionsOf(const config::Config& config) {
  dns::AresOptions options;
  for (const config::HostPort& server : config.dns.nameservers) options.nameservers.push_back({server.host, server.port});
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config.dns.timeout);
  options.tries = config.dns.tries;
  return options;
}

}  // namespace herald::daemon
