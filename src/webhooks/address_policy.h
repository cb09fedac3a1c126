// Which addresses a webhook may connect to. Webhook URLs are chosen by the accounts, so a URL could
// name this machine or the network behind it (Herald's own API on loopback, a database, a cloud
// metadata service at 169.254.169.254): a request forger's dream. Unless the operator allows private
// networks (webhooks.allow_private_networks, for a Herald whose receivers live on its own network),
// deliveries go only to public addresses, and the check is made on the address actually connected to
// — after resolution, every time — so a name that later resolves elsewhere gains nothing.
//
// Not public: unspecified, loopback, RFC 1918 private, shared (100.64/10), link-local, unique-local
// IPv6, multicast, broadcast and reserved ranges, the IETF protocol range, benchmarking, and IPv6
// forms that embed an IPv4 address (mapped, NAT64 64:ff9b::/96) when that address is not public.
//
// Thread-safety: pure functions over constant tables. Untrusted input: addresses from resolution.
#pragma once

#include "core/ip_network.h"

namespace herald::webhooks {

bool IsPublicAddress(const core::IpAddress& address);

}  // namespace herald::webhooks
