// The commands of the `herald` binary: init, serve, api-keys create, version. main() parses the
// command line (CLI11) and calls one of these; this folder is the one place where concrete objects
// are built and wired together (STYLE: daemon/).
//
// Thread-safety: each command is called once, from main.
#pragma once

#include <string>
#include <vector>

namespace herald::daemon {

struct CommonOptions {
  std::string data_dir;
  std::string config_file;
  std::vector<std::string> sets;
};

// Creates the data directory, the database and the operator's account with an admin API key,
// printed once. Returns the process exit code.
int Init(const CommonOptions& options, bool json);

// Makes another API key on the operator's account (for the quick start, and to recover access).
int CreateOperatorKey(const CommonOptions& options, const std::string& name, const std::string& scope, bool json);

// Runs the daemon until SIGINT or SIGTERM, then shuts down gracefully.
int Serve(const CommonOptions& options);

}  // namespace herald::daemon
