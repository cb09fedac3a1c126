// Config: every setting of the daemon, loaded once, validated, then immutable.
//
// Sources, later ones winning: built-in defaults < the TOML file (--config) < environment variables
// (HERALD_ + the key upper-cased with '.' as '_': HERALD_HTTP_LISTEN) < --set key=value.
// Every key, its type, default and meaning are listed by ConfigKeys() and documented in
// docs/configuration.md (a test keeps the two equal). Unknown keys are errors, so typos don't hide.
//
// Thread-safety: a loaded Config is a plain value, shared read-only. Untrusted input: the file and
// the --set values come from the operator; they are checked, and errors name the key.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "core/account.h"

namespace herald::config {

enum class DeliveryMode { kCapture, kRelay, kMx };

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;
};

struct Config {
  std::string data_dir;

  struct Http {
    HostPort listen;
    int threads = 0;  // 0: one per core
    size_t body_limit = 0;
    Duration read_timeout{};
    Duration idle_timeout{};
  } http;

  struct Storage {
    std::string sqlite_path;      // resolved: <data_dir>/herald.db unless set
    std::string secret_key_file;  // resolved: <data_dir>/secret.key unless set
  } storage;

  struct Delivery {
    DeliveryMode mode = DeliveryMode::kCapture;
    std::optional<HostPort> relay;  // set when mode is relay
    int concurrency = 0;
    int site_concurrency = 0;  // mx: attempts at once to one site
    int smtp_port = 0;         // mx: the port of the MX hosts
    std::string ehlo_name;
    bool opportunistic_tls = true;
    Duration retry_initial{};
    Duration retry_max{};
    Duration max_age{};
    Duration connect_timeout{};
    Duration command_timeout{};
    int site_rate_limit = 0;                        // mx: messages per minute to one site; 0: none
    std::vector<std::string> tls_required_domains;  // lowercase; "*.example" covers its subdomains
    std::string return_path_domain;                 // VERP domain; empty: the sender's own address
  } delivery;

  // IP pools (DESIGN §1): the source addresses and EHLO name an account's mail leaves from in mx
  // mode. Always holds the default pool "transactional" (kDefaultPool), first.
  struct Pool {
    std::string name;
    std::vector<std::string> source_addresses;  // IP literals, used in turn; empty: the system's choice
    std::string ehlo_name;                      // resolved: delivery.ehlo_name unless set
    int rate_limit = 0;                         // messages per minute through the pool; 0: none
  };
  std::vector<Pool> pools;
  const Pool* FindPool(std::string_view name) const;

  struct Smtp {
    std::optional<HostPort> submission_listen;   // STARTTLS port; unset: not served
    std::optional<HostPort> submissions_listen;  // implicit-TLS port; unset: not served
    std::string hostname;                        // resolved: this machine's host name unless set
    uint64_t max_message_size = 0;
    int max_recipients = 0;
    int max_connections = 0;
    int max_errors = 0;
    int max_junk_commands = 0;
    Duration command_timeout{};
    Duration data_timeout{};
    int auth_failure_limit = 0;
    Duration auth_failure_window{};
    // The inbound listener (DESIGN §4): bounces and complaints sent to the return-path addresses.
    // Its sessions share hostname, errors, junk commands and timeouts with the relay's.
    struct Inbound {
      std::optional<HostPort> listen;  // unset: not served (port 25 in production)
      uint64_t max_message_size = 0;
      int max_recipients = 0;
      int max_connections = 0;
    } inbound;
  } smtp;

  struct Tls {
    std::string cert_file;  // resolved: <data_dir>/tls/cert.pem unless set
    std::string key_file;   // resolved: <data_dir>/tls/key.pem unless set
  } tls;

  struct Dns {
    std::vector<HostPort> nameservers;  // IP address literals; empty: those of /etc/resolv.conf
    Duration timeout{};                 // the first try at each server; doubled each later round
    int tries = 0;
  } dns;

  // Sending domains (DESIGN §1, §5): what accounts are told to publish, and the sending gate.
  struct Domains {
    bool allow_unverified = false;        // development only: send from any domain not another account's
    std::string inbound_host;             // the return-path MX target; resolved: smtp.hostname unless set
    std::string return_path_prefix;       // the return-path host is <prefix>.<domain>
    std::string tracking_prefix;          // the tracking host is <prefix>.<domain>
    std::string tracking_target;          // its CNAME target; resolved: inbound_host unless set
    std::string spf_include;              // a domain whose SPF record the SPF record includes; empty: none
    std::vector<std::string> marketing;   // flagged marketing domains ("*.example" covers subdomains)
    Duration recheck_interval{};          // how often verified and pending domains are looked up again
  } domains;

  // Open and click tracking (DESIGN §1): where the pixel and the rewritten links point, and what of the
  // reader is kept.
  struct Tracking {
    std::string base_url;   // "https://track.example.com"; empty: http:// and the API's address (serve resolves it)
    std::string record_ip;  // "none", "anonymized" (the last IPv4 octet, the last 80 IPv6 bits zeroed), "full"
  } tracking;

  // Webhooks (DESIGN §1): how deliveries to the accounts' receivers are made, retried and given up.
  struct Webhooks {
    bool allow_private_networks = false;  // deliver to loopback and private addresses too
    std::string ca_file;                  // PEM certificates trusted besides the system's; empty: none
    int concurrency = 0;                  // POSTs at once per webhook
    Duration connect_timeout{};
    Duration timeout{};                   // writing the request and reading the whole response
    Duration retry_initial{};
    Duration retry_max{};
    Duration max_age{};                   // a delivery is given up this long after its first attempt
    Duration disable_after{};             // a webhook with no successful delivery this long is disabled
    Duration log_retention{};
  } webhooks;

  struct Messages {
    Duration idempotency_window{};
  } messages;

  struct Log {
    std::string level;
    bool json = false;
  } log;

  struct Testing {
    bool adjustable_clock = false;  // POST /v1/test/clock may move the daemon's clock forward
  } testing;
};

using core::kDefaultPool;

struct LoadOptions {
  std::string data_dir;
  std::string config_file;         // empty: none
  std::vector<std::string> sets;   // "key=value"
  // Reads an environment variable; nullopt when unset. Defaults to getenv.
  std::function<std::optional<std::string>(const std::string&)> getenv;
};

Result<Config> LoadConfig(const LoadOptions& options);

enum class ValueType { kString, kInteger, kBoolean, kDuration };

struct KeyInfo {
  std::string_view name;           // "http.listen"
  ValueType type;
  std::string_view default_value;  // as written in TOML, e.g. "127.0.0.1:8025", "16", "true"
  std::string_view description;
};

const std::vector<KeyInfo>& ConfigKeys();

// "host:port" or "[v6]:port"; port 0..65535.
Result<HostPort> ParseHostPort(std::string_view text);

}  // namespace herald::config
