// herald queue: the delivery queue of a running daemon, through its API (DESIGN §7: the CLI is a
// client of the API).
//
//   herald queue [--limit N]    counts by site and state, and the scheduler's figures (GET /v1/queue)
//   herald queue retry ID       make a queued or deferred message due now (POST /v1/messages/ID/retry)
//   herald queue cancel ID      cancel a queued or deferred message (DELETE /v1/messages/ID)
//
// The daemon is found at --url, by default http:// and the configuration's http.listen (read from
// --config, HERALD_* variables and --set, as `herald serve` reads them); the API key is
// HERALD_API_KEY, or --api-key (visible to other users of the machine in the process list).
// --json prints the API's answer as it is. Exit status: 0 done; 1 the daemon refused or could not
// be reached (the reason on stderr); 2 a usage or configuration error.
//
// Thread-safety: called once, from main.
#pragma once

#include <string>

#include "daemon/api_client.h"

namespace herald::daemon {

struct QueueCommandOptions {
  ClientOptions client;
  int limit = 50;
  std::string message_id;
  CLI::App* retry = nullptr;   // set by AddQueueCommand: parsed when `queue retry` was asked for
  CLI::App* cancel = nullptr;
};

// Adds `queue` and its subcommands to `app`, filling `options` when parsed.
CLI::App* AddQueueCommand(CLI::App& app, QueueCommandOptions& options);

int RunQueueCommand(const QueueCommandOptions& options);

}  // namespace herald::daemon
