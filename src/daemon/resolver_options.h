// The c-ares resolver's options from the configuration (dns.nameservers, dns.timeout, dns.tries):
// one place for delivery's resolver and the domain verification's.
#pragma once

#include "config/config.h"
#include "dns/ares_channel.h"

namespace herald::daemon {

dns::AresOptions ResolverOptionsOf(const config::Config& config);

}  // namespace herald::daemon
