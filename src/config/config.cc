#include "config/config.h"

#include <arpa/inet.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>

#include "base/time_format.h"

namespace herald::config {
namespace {

using Setter = Status (*)(Config&, const std::string&);

struct KeyDef {
  KeyInfo info;
  Setter set;
};

Result<int64_t> ParseInteger(const std::string& text, int64_t min, int64_t max) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return Status::InvalidArgument("'" + text + "' is not an integer");
  if (value < min || value > max)
    return Status::InvalidArgument(std::to_string(value) + " is outside " + std::to_string(min) + ".." +
                                   std::to_string(max));
  return value;
}

Result<bool> ParseBoolean(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return Status::InvalidArgument("'" + text + "' is not true or false");
}

Result<Duration> ParseDurationValue(const std::string& text) {
  auto d = ParseDuration(text);
  if (!d) return Status::InvalidArgument("'" + text + "' is not a duration such as 30s, 5m, 4h or 5d");
  return *d;
}

// Assigns the parsed value or returns the parse error.
template <typename T, typename Parse>
Status Assign(T& field, Parse&& parse) {
  auto parsed = parse();
  if (!parsed.ok()) return parsed.status();
  field = static_cast<T>(*parsed);
  return Status::Ok();
}

// An optional listening address: empty text means "not served".
Status AssignListen(std::optional<HostPort>& field, const std::string& text) {
  if (text.empty()) {
    field.reset();
    return Status::Ok();
  }
  auto parsed = ParseHostPort(text);
  if (!parsed.ok()) return parsed.status();
  field = *parsed;
  return Status::Ok();
}

// Splits a comma-separated list, trimming spaces; empty items are errors.
Result<std::vector<std::string>> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t comma = std::min(text.find(',', begin), text.size());
    std::string item = text.substr(begin, comma - begin);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item.empty()) return Status::InvalidArgument("empty item in '" + text + "'");
    items.push_back(std::move(item));
    begin = comma + 1;
  }
  return items;
}

bool IsIpLiteral(const std::string& text) {
  unsigned char address[16];
  return inet_pton(AF_INET, text.c_str(), address) == 1 || inet_pton(AF_INET6, text.c_str(), address) == 1;
}

// A domain name as a policy lists it: letters, digits, '-' and '.', optionally "*." first.
bool IsDomainPattern(std::string_view text) {
  if (text.starts_with("*.")) text.remove_prefix(2);
  if (text.empty() || text.size() > 253 || text.front() == '.' || text.back() == '.') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

// One domain name (lowercased), or empty.
Status AssignDomain(std::string& field, const std::string& text) {
  std::string domain = text;
  std::transform(domain.begin(), domain.end(), domain.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (!domain.empty() && (domain.starts_with("*.") || !IsDomainPattern(domain)))
    return Status::InvalidArgument("'" + text + "' is not a domain");
  field = std::move(domain);
  return Status::Ok();
}

// One DNS label: 1-63 of a-z 0-9 -, not starting or ending with '-'.
Status AssignLabel(std::string& field, const std::string& text) {
  const bool valid = !text.empty() && text.size() <= 63 && text.front() != '-' && text.back() != '-' &&
                     std::all_of(text.begin(), text.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                     });
  if (!valid) return Status::InvalidArgument("'" + text + "' is not a DNS label (1-63 of a-z 0-9 -)");
  field = text;
  return Status::Ok();
}

Status AssignDomainList(std::vector<std::string>& field, const std::string& text) {
  auto items = SplitList(text);
  if (!items.ok()) return items.status();
  for (std::string& item : *items) {
    std::transform(item.begin(), item.end(), item.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!IsDomainPattern(item)) return Status::InvalidArgument("'" + item + "' is not a domain (or *.domain)");
  }
  field = std::move(*items);
  return Status::Ok();
}

bool IsPoolName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

Config::Pool& PoolNamed(Config& config, std::string_view name) {
  for (Config::Pool& pool : config.pools) {
    if (pool.name == name) return pool;
  }
  config.pools.push_back({std::string(name), {}, "", 0});
  return config.pools.back();
}

// The keys of one IP pool: pools.<name>.source_addresses | ehlo_name | rate_limit. `name` is the
// whole key; nullopt when it is not a pool key at all.
std::optional<Status> ApplyPoolKey(Config& config, std::string_view name, const std::string& value) {
  if (!name.starts_with("pools.")) return std::nullopt;
  std::string_view rest = name.substr(6);
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return Status::InvalidArgument("expected pools.<name>.<setting>");
  std::string_view pool_name = rest.substr(0, dot);
  std::string_view setting = rest.substr(dot + 1);
  if (!IsPoolName(pool_name))
    return Status::InvalidArgument("pool name '" + std::string(pool_name) + "' must be 1-64 of a-z 0-9 - _");
  if (setting == "source_addresses") {
    auto items = SplitList(value);
    if (!items.ok()) return items.status();
    for (const std::string& address : *items) {
      if (!IsIpLiteral(address)) return Status::InvalidArgument("'" + address + "' is not an IP address");
    }
    PoolNamed(config, pool_name).source_addresses = std::move(*items);
    return Status::Ok();
  }
  if (setting == "ehlo_name") {
    PoolNamed(config, pool_name).ehlo_name = value;
    return Status::Ok();
  }
  if (setting == "rate_limit") {
    return Assign(PoolNamed(config, pool_name).rate_limit, [&] { return ParseInteger(value, 0, 100'000'000); });
  }
  return Status::InvalidArgument("unknown pool setting '" + std::string(setting) +
                                 "' (source_addresses, ehlo_name, rate_limit)");
}

// A comma-separated list of name servers, each an IP address literal with its port.
Status AssignNameServers(std::vector<HostPort>& field, const std::string& text) {
  auto items = SplitList(text);
  if (!items.ok()) return items.status();
  std::vector<HostPort> servers;
  for (const std::string& item : *items) {
    auto server = ParseHostPort(item);
    if (!server.ok()) return server.status();
    if (!IsIpLiteral(server->host)) return Status::InvalidArgument("'" + server->host + "' is not an IP address");
    if (server->port == 0) return Status::InvalidArgument("'" + item + "' has port 0");
    servers.push_back(*server);
  }
  field = std::move(servers);
  return Status::Ok();
}

std::string DefaultEhloName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

const std::vector<KeyDef>& KeyDefs() {
  static const std::vector<KeyDef> kDefs = {
      {{"http.listen", ValueType::kString, "127.0.0.1:8025", "Address and port of the HTTP API (host:port; [v6]:port)."},
       [](Config& c, const std::string& v) { return Assign(c.http.listen, [&] { return ParseHostPort(v); }); }},
      {{"http.threads", ValueType::kInteger, "0", "Threads serving HTTP; 0 means one per CPU core."},
       [](Config& c, const std::string& v) { return Assign(c.http.threads, [&] { return ParseInteger(v, 0, 256); }); }},
      {{"http.body_limit", ValueType::kInteger, "41943040",
        "Largest request body in bytes (40 MiB: a 30 MB message with base64 attachments); larger gets 413."},
       [](Config& c, const std::string& v) {
         return Assign(c.http.body_limit, [&] { return ParseInteger(v, 1024, int64_t{1} << 32); });
       }},
      {{"http.read_timeout", ValueType::kDuration, "30s", "Time allowed to read one whole request."},
       [](Config& c, const std::string& v) { return Assign(c.http.read_timeout, [&] { return ParseDurationValue(v); }); }},
      {{"http.idle_timeout", ValueType::kDuration, "60s", "How long a keep-alive connection may wait for its next request."},
       [](Config& c, const std::string& v) { return Assign(c.http.idle_timeout, [&] { return ParseDurationValue(v); }); }},
      {{"storage.sqlite_path", ValueType::kString, "", "SQLite database file; empty means herald.db in the data directory."},
       [](Config& c, const std::string& v) {
         c.storage.sqlite_path = v;
         return Status::Ok();
       }},
      {{"storage.secret_key_file", ValueType::kString, "",
        "Key (mode 0600) that seals DKIM private keys in the database; empty means secret.key in the data directory. Back it up with the database."},
       [](Config& c, const std::string& v) {
         c.storage.secret_key_file = v;
         return Status::Ok();
       }},
      {{"delivery.mode", ValueType::kString, "capture",
        "capture: keep messages in the sandbox (nothing leaves the machine); relay: hand them to delivery.relay; "
        "mx: deliver to each recipient domain's MX hosts."},
       [](Config& c, const std::string& v) {
         if (v == "capture") c.delivery.mode = DeliveryMode::kCapture;
         else if (v == "relay") c.delivery.mode = DeliveryMode::kRelay;
         else if (v == "mx") c.delivery.mode = DeliveryMode::kMx;
         else return Status::InvalidArgument("'" + v + "' is not capture, relay or mx");
         return Status::Ok();
       }},
      {{"delivery.relay", ValueType::kString, "", "The smarthost (host:port) used in relay mode."},
       [](Config& c, const std::string& v) {
         if (v.empty()) {
           c.delivery.relay.reset();
           return Status::Ok();
         }
         auto hp = ParseHostPort(v);
         if (!hp.ok()) return hp.status();
         c.delivery.relay = *hp;
         return Status::Ok();
       }},
      {{"delivery.concurrency", ValueType::kInteger, "16", "Delivery attempts (and so SMTP connections) running at once."},
       [](Config& c, const std::string& v) { return Assign(c.delivery.concurrency, [&] { return ParseInteger(v, 1, 10000); }); }},
      {{"delivery.site_concurrency", ValueType::kInteger, "10",
        "In mx mode, delivery attempts running at once to one site (a set of MX hosts), within delivery.concurrency."},
       [](Config& c, const std::string& v) {
         return Assign(c.delivery.site_concurrency, [&] { return ParseInteger(v, 1, 10000); });
       }},
      {{"delivery.smtp_port", ValueType::kInteger, "25", "In mx mode, the port of the MX hosts."},
       [](Config& c, const std::string& v) { return Assign(c.delivery.smtp_port, [&] { return ParseInteger(v, 1, 65535); }); }},
      {{"delivery.ehlo_name", ValueType::kString, "", "Name sent in EHLO; empty means this machine's host name."},
       [](Config& c, const std::string& v) {
         c.delivery.ehlo_name = v;
         return Status::Ok();
       }},
      {{"delivery.opportunistic_tls", ValueType::kBoolean, "true", "Use STARTTLS when the server offers it."},
       [](Config& c, const std::string& v) { return Assign(c.delivery.opportunistic_tls, [&] { return ParseBoolean(v); }); }},
      {{"delivery.retry_initial", ValueType::kDuration, "1m", "Wait before the first retry of a deferred message; doubles each time."},
       [](Config& c, const std::string& v) { return Assign(c.delivery.retry_initial, [&] { return ParseDurationValue(v); }); }},
      {{"delivery.retry_max", ValueType::kDuration, "4h", "Longest wait between two attempts."},
       [](Config& c, const std::string& v) { return Assign(c.delivery.retry_max, [&] { return ParseDurationValue(v); }); }},
      {{"delivery.max_age", ValueType::kDuration, "5d", "A message still undelivered this long after it was accepted fails."},
       [](Config& c, const std::string& v) { return Assign(c.delivery.max_age, [&] { return ParseDurationValue(v); }); }},
      {{"delivery.connect_timeout", ValueType::kDuration, "30s", "Time allowed to connect to a mail server."},
       [](Config& c, const std::string& v) { return Assign(c.delivery.connect_timeout, [&] { return ParseDurationValue(v); }); }},
      {{"delivery.command_timeout", ValueType::kDuration, "5m", "Time allowed for each SMTP reply (RFC 5321 §4.5.3.2)."},
       [](Config& c, const std::string& v) { return Assign(c.delivery.command_timeout, [&] { return ParseDurationValue(v); }); }},
      {{"delivery.site_rate_limit", ValueType::kInteger, "0",
        "In mx mode, messages per minute to one site (a set of MX hosts); 0 means no limit."},
       [](Config& c, const std::string& v) {
         return Assign(c.delivery.site_rate_limit, [&] { return ParseInteger(v, 0, 100'000'000); });
       }},
      {{"delivery.tls_required_domains", ValueType::kString, "",
        "In mx mode, recipient domains whose mail goes only over TLS (comma-separated; *.example covers subdomains)."},
       [](Config& c, const std::string& v) { return AssignDomainList(c.delivery.tls_required_domains, v); }},
      {{"delivery.return_path_domain", ValueType::kString, "",
        "Domain of the VERP envelope sender bounces+<token>@domain; empty keeps the sender's own address."},
       [](Config& c, const std::string& v) { return AssignDomain(c.delivery.return_path_domain, v); }},
      {{"smtp.submission.listen", ValueType::kString, "127.0.0.1:587",
        "SMTP relay with STARTTLS (host:port); empty: not served. 0.0.0.0:587 serves other machines."},
       [](Config& c, const std::string& v) { return AssignListen(c.smtp.submission_listen, v); }},
      {{"smtp.submissions.listen", ValueType::kString, "127.0.0.1:465",
        "SMTP relay inside TLS from the first byte (host:port); empty: not served."},
       [](Config& c, const std::string& v) { return AssignListen(c.smtp.submissions_listen, v); }},
      {{"smtp.inbound.listen", ValueType::kString, "",
        "Inbound SMTP listener for bounces and complaints (host:port; port 25 in production); empty: not served."},
       [](Config& c, const std::string& v) { return AssignListen(c.smtp.inbound.listen, v); }},
      {{"smtp.inbound.max_message_size", ValueType::kInteger, "10000000",
        "Largest report the inbound listener takes, in bytes, advertised as SIZE; larger gets 552 5.3.4."},
       [](Config& c, const std::string& v) {
         return Assign(c.smtp.inbound.max_message_size, [&] { return ParseInteger(v, 1024, int64_t{1} << 30); });
       }},
      {{"smtp.inbound.max_recipients", ValueType::kInteger, "10",
        "Recipients per message at the inbound listener; more get 452 4.5.3."},
       [](Config& c, const std::string& v) {
         return Assign(c.smtp.inbound.max_recipients, [&] { return ParseInteger(v, 1, 1000); });
       }},
      {{"smtp.inbound.max_connections", ValueType::kInteger, "100",
        "Connections at once to the inbound listener; more are told 421 4.7.0 and closed."},
       [](Config& c, const std::string& v) {
         return Assign(c.smtp.inbound.max_connections, [&] { return ParseInteger(v, 1, 100000); });
       }},
      {{"smtp.hostname", ValueType::kString, "", "Name in the SMTP greeting and EHLO reply; empty means this machine's host name."},
       [](Config& c, const std::string& v) {
         c.smtp.hostname = v;
         return Status::Ok();
       }},
      {{"smtp.max_message_size", ValueType::kInteger, "30000000",
        "Largest message in bytes, advertised as SIZE; larger gets 552 5.3.4."},
       [](Config& c, const std::string& v) {
         return Assign(c.smtp.max_message_size, [&] { return ParseInteger(v, 1024, int64_t{1} << 32); });
       }},
      {{"smtp.max_recipients", ValueType::kInteger, "100", "Recipients per message; more get 452 4.5.3."},
       [](Config& c, const std::string& v) { return Assign(c.smtp.max_recipients, [&] { return ParseInteger(v, 1, 10000); }); }},
      {{"smtp.max_connections", ValueType::kInteger, "1000",
        "SMTP connections at once, both ports together; more are told 421 4.7.0 and closed."},
       [](Config& c, const std::string& v) { return Assign(c.smtp.max_connections, [&] { return ParseInteger(v, 1, 100000); }); }},
      {{"smtp.max_errors", ValueType::kInteger, "20", "Error replies in one session before it is closed with 421 4.7.0."},
       [](Config& c, const std::string& v) { return Assign(c.smtp.max_errors, [&] { return ParseInteger(v, 1, 10000); }); }},
      {{"smtp.max_junk_commands", ValueType::kInteger, "100",
        "NOOP, RSET, VRFY, HELP and unknown commands in one session before it is closed with 421 4.7.0."},
       [](Config& c, const std::string& v) { return Assign(c.smtp.max_junk_commands, [&] { return ParseInteger(v, 1, 100000); }); }},
      {{"smtp.command_timeout", ValueType::kDuration, "5m", "Time a client has to send its next command (RFC 5321 §4.5.3.2.7)."},
       [](Config& c, const std::string& v) { return Assign(c.smtp.command_timeout, [&] { return ParseDurationValue(v); }); }},
      {{"smtp.data_timeout", ValueType::kDuration, "3m", "Time a client has to send each block of message data (RFC 5321 §4.5.3.2.6)."},
       [](Config& c, const std::string& v) { return Assign(c.smtp.data_timeout, [&] { return ParseDurationValue(v); }); }},
      {{"smtp.auth_failure_limit", ValueType::kInteger, "5",
        "Failed AUTH attempts from one client address within smtp.auth_failure_window before its AUTH is refused (454 4.7.0)."},
       [](Config& c, const std::string& v) { return Assign(c.smtp.auth_failure_limit, [&] { return ParseInteger(v, 1, 100000); }); }},
      {{"smtp.auth_failure_window", ValueType::kDuration, "10m", "The window of smtp.auth_failure_limit."},
       [](Config& c, const std::string& v) { return Assign(c.smtp.auth_failure_window, [&] { return ParseDurationValue(v); }); }},
      {{"tls.cert_file", ValueType::kString, "",
        "PEM certificate chain for the SMTP relay; empty means tls/cert.pem in the data directory (self-signed by herald init)."},
       [](Config& c, const std::string& v) {
         c.tls.cert_file = v;
         return Status::Ok();
       }},
      {{"tls.key_file", ValueType::kString, "", "PEM private key of tls.cert_file; empty means tls/key.pem in the data directory."},
       [](Config& c, const std::string& v) {
         c.tls.key_file = v;
         return Status::Ok();
       }},
      {{"domains.allow_unverified", ValueType::kBoolean, "false",
        "Development only: send from domains not verified (any domain that is not another account's or a marketing domain). Logged as a warning."},
       [](Config& c, const std::string& v) { return Assign(c.domains.allow_unverified, [&] { return ParseBoolean(v); }); }},
      {{"domains.inbound_host", ValueType::kString, "",
        "Host name of this Herald's inbound SMTP listener, which each domain's return-path MX names; empty means smtp.hostname."},
       [](Config& c, const std::string& v) { return AssignDomain(c.domains.inbound_host, v); }},
      {{"domains.return_path_prefix", ValueType::kString, "bounces",
        "First label of each domain's return-path host (<prefix>.<domain>), the domain of its VERP envelope senders."},
       [](Config& c, const std::string& v) { return AssignLabel(c.domains.return_path_prefix, v); }},
      {{"domains.tracking_prefix", ValueType::kString, "track",
        "First label of each domain's tracking host (<prefix>.<domain>), a CNAME to domains.tracking_target."},
       [](Config& c, const std::string& v) { return AssignLabel(c.domains.tracking_prefix, v); }},
      {{"domains.tracking_target", ValueType::kString, "",
        "Host the tracking CNAMEs point to (where Herald's HTTP server is reached); empty means domains.inbound_host."},
       [](Config& c, const std::string& v) { return AssignDomain(c.domains.tracking_target, v); }},
      {{"domains.spf_include", ValueType::kString, "",
        "A domain whose SPF record each domain's SPF record includes (include:), besides its pool's addresses; empty means none."},
       [](Config& c, const std::string& v) { return AssignDomain(c.domains.spf_include, v); }},
      {{"domains.marketing", ValueType::kString, "",
        "Domains flagged as marketing domains, comma-separated (*.example covers subdomains): never registered or sent from here."},
       [](Config& c, const std::string& v) { return AssignDomainList(c.domains.marketing, v); }},
      {{"domains.recheck_interval", ValueType::kDuration, "1h",
        "How often every domain's DNS records are looked up again (a verified domain whose records break gets a warning)."},
       [](Config& c, const std::string& v) {
         return Assign(c.domains.recheck_interval, [&] { return ParseDurationValue(v); });
       }},
      {{"dns.nameservers", ValueType::kString, "",
        "Name servers for MX, address and TXT lookups: IP:port entries separated by commas ([v6]:port); empty means those of /etc/resolv.conf."},
       [](Config& c, const std::string& v) { return AssignNameServers(c.dns.nameservers, v); }},
      {{"dns.timeout", ValueType::kDuration, "5s",
        "Time a DNS query waits for each name server on its first try; doubled on each later round."},
       [](Config& c, const std::string& v) { return Assign(c.dns.timeout, [&] { return ParseDurationValue(v); }); }},
      {{"dns.tries", ValueType::kInteger, "2",
        "Rounds over the name servers before a lookup fails, deferring the message."},
       [](Config& c, const std::string& v) { return Assign(c.dns.tries, [&] { return ParseInteger(v, 1, 10); }); }},
      {{"tracking.base_url", ValueType::kString, "",
        "Base URL of the open pixel and rewritten links (http or https, no path); empty means http:// and http.listen."},
       [](Config& c, const std::string& v) {
         if (!v.empty() && ((!v.starts_with("http://") && !v.starts_with("https://")) || v.ends_with("/") ||
                            v.find_first_of(" \"<>") != std::string::npos)) {
           return Status::InvalidArgument("'" + v + "' is not a base URL such as https://track.example.com");
         }
         c.tracking.base_url = v;
         return Status::Ok();
       }},
      {{"tracking.record_ip", ValueType::kString, "anonymized",
        "What of a reader's address opened and clicked events keep: none, anonymized (last IPv4 octet, last 80 IPv6 bits zeroed) or full."},
       [](Config& c, const std::string& v) {
         if (v != "none" && v != "anonymized" && v != "full")
           return Status::InvalidArgument("'" + v + "' is not none, anonymized or full");
         c.tracking.record_ip = v;
         return Status::Ok();
       }},
      {{"webhooks.allow_private_networks", ValueType::kBoolean, "false",
        "Deliver webhooks to loopback, private and link-local addresses too (receivers on this machine or its network); off, only public addresses are connected to."},
       [](Config& c, const std::string& v) {
         return Assign(c.webhooks.allow_private_networks, [&] { return ParseBoolean(v); });
       }},
      {{"webhooks.ca_file", ValueType::kString, "",
        "PEM file of certificates trusted for https webhook receivers besides the system's; empty means the system's only."},
       [](Config& c, const std::string& v) {
         c.webhooks.ca_file = v;
         return Status::Ok();
       }},
      {{"webhooks.concurrency", ValueType::kInteger, "8",
        "POSTs at once to one webhook (one while it is failing)."},
       [](Config& c, const std::string& v) { return Assign(c.webhooks.concurrency, [&] { return ParseInteger(v, 1, 256); }); }},
      {{"webhooks.connect_timeout", ValueType::kDuration, "5s",
        "Time allowed to resolve a webhook's host, connect and finish the TLS handshake."},
       [](Config& c, const std::string& v) {
         return Assign(c.webhooks.connect_timeout, [&] { return ParseDurationValue(v); });
       }},
      {{"webhooks.timeout", ValueType::kDuration, "10s",
        "Time allowed to send a webhook delivery and read the receiver's whole response."},
       [](Config& c, const std::string& v) { return Assign(c.webhooks.timeout, [&] { return ParseDurationValue(v); }); }},
      {{"webhooks.retry_initial", ValueType::kDuration, "10s",
        "Wait before a failed webhook delivery is tried again; doubles each time."},
       [](Config& c, const std::string& v) {
         return Assign(c.webhooks.retry_initial, [&] { return ParseDurationValue(v); });
       }},
      {{"webhooks.retry_max", ValueType::kDuration, "1h", "Longest wait between two attempts of a webhook delivery."},
       [](Config& c, const std::string& v) { return Assign(c.webhooks.retry_max, [&] { return ParseDurationValue(v); }); }},
      {{"webhooks.max_age", ValueType::kDuration, "24h",
        "A webhook delivery still failing this long after its first attempt is given up."},
       [](Config& c, const std::string& v) { return Assign(c.webhooks.max_age, [&] { return ParseDurationValue(v); }); }},
      {{"webhooks.disable_after", ValueType::kDuration, "24h",
        "A webhook with no successful delivery for this long is disabled (account event webhook.disabled)."},
       [](Config& c, const std::string& v) {
         return Assign(c.webhooks.disable_after, [&] { return ParseDurationValue(v); });
       }},
      {{"webhooks.log_retention", ValueType::kDuration, "30d",
        "How long entries of the webhook delivery log (GET /v1/webhooks/{id}/deliveries) are kept."},
       [](Config& c, const std::string& v) {
         return Assign(c.webhooks.log_retention, [&] { return ParseDurationValue(v); });
       }},
      {{"messages.idempotency_window", ValueType::kDuration, "24h",
        "How long an idempotency_key returns the message it first created."},
       [](Config& c, const std::string& v) {
         return Assign(c.messages.idempotency_window, [&] { return ParseDurationValue(v); });
       }},
      {{"log.level", ValueType::kString, "info", "trace, debug, info, warn, error or off."},
       [](Config& c, const std::string& v) {
         for (const char* level : {"trace", "debug", "info", "warn", "error", "off"}) {
           if (v == level) {
             c.log.level = v;
             return Status::Ok();
           }
         }
         return Status::InvalidArgument("'" + v + "' is not a log level");
       }},
      {{"log.json", ValueType::kBoolean, "false", "Write logs as one JSON object per line."},
       [](Config& c, const std::string& v) { return Assign(c.log.json, [&] { return ParseBoolean(v); }); }},
      {{"testing.adjustable_clock", ValueType::kBoolean, "false",
        "Lets the operator move the daemon's clock forward (POST /v1/test/clock): for tests only, never in production."},
       [](Config& c, const std::string& v) { return Assign(c.testing.adjustable_clock, [&] { return ParseBoolean(v); }); }},
  };
  return kDefs;
}

const KeyDef* FindKey(std::string_view name) {
  for (const KeyDef& def : KeyDefs()) {
    if (def.info.name == name) return &def;
  }
  return nullptr;
}

Status Apply(Config& config, std::string_view source, std::string_view name, const std::string& value) {
  if (std::optional<Status> pool = ApplyPoolKey(config, name, value)) {
    if (!pool->ok()) return Status::InvalidArgument(std::string(source) + ": " + std::string(name) + ": " + pool->message());
    return Status::Ok();
  }
  const KeyDef* def = FindKey(name);
  if (!def) return Status::InvalidArgument(std::string(source) + ": unknown configuration key '" + std::string(name) + "'");
  Status s = def->set(config, value);
  if (!s.ok()) return Status::InvalidArgument(std::string(source) + ": " + std::string(name) + ": " + s.message());
  return Status::Ok();
}

// Converts a TOML leaf to the text form its key's setter reads, checking the TOML type.
Result<std::string> TomlValueText(const KeyDef& def, const toml::node& node) {
  switch (def.info.type) {
    case ValueType::kString:
    case ValueType::kDuration:
      if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
      return Status::InvalidArgument("expected a string");
    case ValueType::kInteger:
      if (node.is_integer()) return std::to_string(*node.value<int64_t>());
      return Status::InvalidArgument("expected an integer");
    case ValueType::kBoolean:
      if (node.is_boolean()) return std::string(*node.value<bool>() ? "true" : "false");
      return Status::InvalidArgument("expected true or false");
  }
  return Status::Internal("unhandled value type");
}

// A pool setting in TOML: a string, an integer, or an array of strings (source_addresses).
Result<std::string> PoolTomlValueText(const toml::node& node) {
  if (node.is_string()) return *node.value<std::string>();
  if (node.is_integer()) return std::to_string(*node.value<int64_t>());
  if (const toml::array* array = node.as_array()) {
    std::string joined;
    for (const toml::node& item : *array) {
      if (!item.is_string()) return Status::InvalidArgument("expected an array of strings");
      joined += (joined.empty() ? "" : ",") + *item.value<std::string>();
    }
    return joined;
  }
  return Status::InvalidArgument("expected a string, an integer or an array of strings");
}

Status ApplyTable(Config& config, const std::string& file, const toml::table& table, const std::string& prefix) {
  for (const auto& [key, node] : table) {
    std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const toml::table* sub = node.as_table()) {
      HERALD_RETURN_IF_ERROR(ApplyTable(config, file, *sub, name));
      continue;
    }
    if (name.starts_with("pools.")) {
      auto text = PoolTomlValueText(node);
      if (!text.ok()) return Status::InvalidArgument(file + ": " + name + ": " + text.status().message());
      HERALD_RETURN_IF_ERROR(Apply(config, file, name, *text));
      continue;
    }
    const KeyDef* def = FindKey(name);
    if (!def) return Status::InvalidArgument(file + ": unknown configuration key '" + name + "'");
    auto text = TomlValueText(*def, node);
    if (!text.ok()) return Status::InvalidArgument(file + ": " + name + ": " + text.status().message());
    HERALD_RETURN_IF_ERROR(Apply(config, file, name, *text));
  }
  return Status::Ok();
}

std::string EnvName(std::string_view key) {
  std::string name = "HERALD_";
  for (char c : key) name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

Status Validate(Config& config) {
  if (config.delivery.mode == DeliveryMode::kRelay && !config.delivery.relay)
    return Status::InvalidArgument("delivery.mode is relay but delivery.relay is not set");
  if (config.delivery.retry_max < config.delivery.retry_initial)
    return Status::InvalidArgument("delivery.retry_max is shorter than delivery.retry_initial");
  if (config.storage.sqlite_path.empty()) config.storage.sqlite_path = config.data_dir + "/herald.db";
  if (config.storage.secret_key_file.empty()) config.storage.secret_key_file = config.data_dir + "/secret.key";
  if (config.delivery.ehlo_name.empty()) config.delivery.ehlo_name = DefaultEhloName();
  // The default pool exists always, first.
  PoolNamed(config, kDefaultPool);
  std::stable_partition(config.pools.begin(), config.pools.end(),
                        [](const Config::Pool& pool) { return pool.name == kDefaultPool; });
  for (Config::Pool& pool : config.pools) {
    if (pool.ehlo_name.empty()) pool.ehlo_name = config.delivery.ehlo_name;
  }
  if (config.smtp.hostname.empty()) config.smtp.hostname = DefaultEhloName();
  if (config.domains.inbound_host.empty()) config.domains.inbound_host = config.smtp.hostname;
  if (config.domains.tracking_target.empty()) config.domains.tracking_target = config.domains.inbound_host;
  if (config.tls.cert_file.empty()) config.tls.cert_file = config.data_dir + "/tls/cert.pem";
  if (config.tls.key_file.empty()) config.tls.key_file = config.data_dir + "/tls/key.pem";
  return Status::Ok();
}

}  // namespace

std::string HostPort::ToString() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HostPort> ParseHostPort(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return Status::InvalidArgument("'" + std::string(text) + "' is not host:port");
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return Status::InvalidArgument("bad IPv6 literal in '" + std::string(text) + "'");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Status::InvalidArgument("IPv6 addresses need brackets: [::1]:8025");
  }
  auto port = ParseInteger(std::string(text.substr(colon + 1)), 0, 65535);
  if (!port.ok()) return Status::InvalidArgument("bad port in '" + std::string(text) + "'");
  return HostPort{std::string(host), static_cast<uint16_t>(*port)};
}

const Config::Pool* Config::FindPool(std::string_view name) const {
  for (const Pool& pool : pools) {
    if (pool.name == name) return &pool;
  }
  return nullptr;
}

const std::vector<KeyInfo>& ConfigKeys() {
  static const std::vector<KeyInfo> kKeys = [] {
    std::vector<KeyInfo> keys;
    for (const KeyDef& def : KeyDefs()) keys.push_back(def.info);
    return keys;
  }();
  return kKeys;
}

Result<Config> LoadConfig(const LoadOptions& options) {
  Config config;
  config.data_dir = options.data_dir;
  for (const KeyDef& def : KeyDefs()) {
    HERALD_RETURN_IF_ERROR(Apply(config, "default", def.info.name, std::string(def.info.default_value)));
  }

  if (!options.config_file.empty()) {
    toml::table table;
    try {
      table = toml::parse_file(options.config_file);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      return Status::InvalidArgument(options.config_file + ":" + std::to_string(where.line) + ":" +
                                     std::to_string(where.column) + ": " + std::string(e.description()));
    }
    HERALD_RETURN_IF_ERROR(ApplyTable(config, options.config_file, table, ""));
  }

  auto getenv = options.getenv ? options.getenv : [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  for (const KeyDef& def : KeyDefs()) {
    std::string env = EnvName(def.info.name);
    if (auto value = getenv(env)) HERALD_RETURN_IF_ERROR(Apply(config, env, def.info.name, *value));
  }

  for (const std::string& set : options.sets) {
    size_t eq = set.find('=');
    if (eq == std::string::npos) return Status::InvalidArgument("--set " + set + ": expected key=value");
    HERALD_RETURN_IF_ERROR(Apply(config, "--set", set.substr(0, eq), set.substr(eq + 1)));
  }

  HERALD_RETURN_IF_ERROR(Validate(config));
  return config;
}

}  // namespace herald::config
