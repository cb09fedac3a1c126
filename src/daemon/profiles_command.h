// herald profiles import: a CSV file into a profile table of the running daemon, through its API
// (DESIGN §7: the CLI is a client of the API; issue 6's bulk import).
//
//   herald profiles import --table NAME FILE [--part-bytes N] [--url …] [--api-key …] [--json]
//
// FILE (a header row naming attributes of the table, then one profile per row; docs/api.md) is read
// a part at a time and each part sent to POST /v1/profile-tables/NAME/imports (daemon/csv_parts.h),
// so a file of any size goes through in requests under http.body_limit and memory stays one part.
// stderr shows the progress — the share of the file's bytes done, rows, and rows per second — as a bar
// redrawn in place on a terminal, else as plain lines (one per tenth of the file, or every 10 s). Then stdout has the summary — rows, created, updated, failed, the time, and the first
// errors with their row numbers (as in the file: the header is row 1) — or with --json the report
// as the API gives it, for the whole file, with "seconds".
//
// The daemon and the API key are found as for `herald queue` (daemon/api_client.h: ClientOptions).
// Exit status: 0 every row imported; 1 some rows failed, or the daemon refused the file or could not
// be reached (then nothing more is sent; the parts already answered stay imported, and the summary
// says up to which row); 2 a usage error (options, a file that cannot be opened, no API key).
//
// Thread-safety: called once, from main.
#pragma once

#include <cstddef>
#include <string>

#include "daemon/api_client.h"

namespace herald::daemon {

struct ProfilesCommandOptions {
  ClientOptions client;
  std::string table;
  std::string file;
  size_t part_bytes = 256 << 10;  // about 3,000 rows of a typical file: the bar moves every part
  CLI::App* import = nullptr;  // set by AddProfilesCommand: parsed when `profiles import` was asked for
};

// Adds `profiles` and its subcommand `import` to `app`, filling `options` when parsed.
CLI::App* AddProfilesCommand(CLI::App& app, ProfilesCommandOptions& options);

int RunProfilesCommand(const ProfilesCommandOptions& options);

}  // namespace herald::daemon
