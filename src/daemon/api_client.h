// ApiClient: the command line's way to a running daemon — one HTTP/1.1 request to its API at a time,
// with the operator's API key, answering the status and the parsed JSON body. The CLI commands that
// act on the running daemon (`herald queue …`, `herald profiles import`) are clients of the same API
// as everyone else, and share their options (ClientOptions).
//
// Plain http:// only (the API listens on loopback by default); every request is bounded by a time
// limit, so a daemon that does not answer fails the command instead of hanging it.
//
// Thread-safety: one object per thread. Untrusted input: the daemon's answer (size-limited, parsed
// as JSON without exceptions).
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace CLI {
class App;
}

namespace herald::daemon {

struct ApiAnswer {
  int status = 0;       // the HTTP status
  nlohmann::json body;  // null when the body was empty or not JSON
};

class ApiClient {
 public:
  // InvalidArgument for a URL that is not http://host[:port][/].
  static Result<ApiClient> Create(std::string_view url, std::string api_key,
                                  std::chrono::seconds timeout = std::chrono::seconds(30));

  // Unavailable when the daemon cannot be reached or does not answer in time. A non-empty `body` is
  // sent with `content_type`.
  Result<ApiAnswer> Call(std::string_view method, const std::string& target, std::string_view body = {},
                         std::string_view content_type = {});

  // "http://127.0.0.1:8025", for messages.
  std::string url() const;

 private:
  ApiClient(std::string host, uint16_t port, std::string api_key, std::chrono::seconds timeout)
      : host_(std::move(host)), port_(port), api_key_(std::move(api_key)), timeout_(timeout) {}

  std::string host_;
  uint16_t port_;
  std::string api_key_;
  std::chrono::seconds timeout_;
};

// The error a non-2xx answer carries, as one line: "409 not_cancellable: the message is delivered; …".
std::string DescribeError(const ApiAnswer& answer);

// What every command that talks to the running daemon takes: --url (by default http:// and the
// configuration's http.listen, read from --config, HERALD_* variables and --set as `herald serve`
// reads them), --api-key (by default $HERALD_API_KEY; visible to other users in the process list),
// --json (print the API's answer).
struct ClientOptions {
  std::string url;
  std::string api_key;
  std::string config_file;
  std::vector<std::string> sets;
  bool json = false;
};

void AddClientOptions(CLI::App* command, ClientOptions& options);

// The client the options name; on a usage error (no API key, a bad URL or configuration) nullopt,
// the reason printed on stderr after `command` ("herald queue: …").
std::optional<ApiClient> MakeClient(const ClientOptions& options, std::string_view command,
                                    std::chrono::seconds timeout = std::chrono::seconds(30));

}  // namespace herald::daemon
