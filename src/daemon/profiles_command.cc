#include "daemon/profiles_command.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "api/profile_json.h"
#include "core/profile.h"
#include "daemon/csv_parts.h"

namespace herald::daemon {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kCommand = "herald profiles import";
constexpr size_t kMaxErrors = 1000;     // kept for --json, as the API keeps
constexpr size_t kErrorsShown = 20;     // in the summary
constexpr size_t kBarWidth = 30;

// 1234567 → "1,234,567".
std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<size_t>(i), ",");
  return digits;
}

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

std::string Rate(uint64_t rows, double seconds) {
  return Thousands(seconds > 0 ? static_cast<uint64_t>(static_cast<double>(rows) / seconds) : 0);
}

// The import's progress on stderr: the share of the file's bytes done, rows and rows per second.
// On a terminal a bar redrawn in place, "[#########.....]  45%  45,000 rows  3.1/6.9 MB  15,210 rows/s";
// elsewhere (a log, a pipe) plain lines, "progress: 45%  45,000 rows  …", one each time another tenth
// of the file is done or kPlainEvery has passed, so that a log gets a few lines, not one per part.
class Progress {
 public:
  Progress(uint64_t total_bytes, Clock::time_point started)
      : total_bytes_(total_bytes), started_(started), terminal_(isatty(STDERR_FILENO) == 1), last_line_(started) {}

  void Show(uint64_t rows, uint64_t bytes) {
    const double done =
        total_bytes_ > 0 ? std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_bytes_)) : 1.0;
    const int percent = static_cast<int>(done * 100);
    char megabytes[64];
    std::snprintf(megabytes, sizeof megabytes, "%.1f/%.1f MB", static_cast<double>(bytes) / 1e6,
                  static_cast<double>(total_bytes_) / 1e6);
    std::ostringstream figures;
    figures << std::setw(3) << percent << "%  " << Thousands(rows) << " rows  " << megabytes << "  "
            << Rate(rows, Seconds(started_)) << " rows/s";
    if (terminal_) {
      const auto filled = static_cast<size_t>(done * kBarWidth);
      std::cerr << "\r[" << std::string(filled, '#') << std::string(kBarWidth - filled, '.') << "] " << figures.str()
                << "\x1b[K" << std::flush;
      drawn_ = true;
      return;
    }
    const Clock::time_point now = Clock::now();
    if (percent / 10 == last_tenth_ && now - last_line_ < kPlainEvery) return;
    last_tenth_ = percent / 10;
    last_line_ = now;
    std::cerr << "progress: " << figures.str() << "\n" << std::flush;
  }

  // Ends the bar's line, so that what follows starts on its own.
  void Finish() {
    if (drawn_) std::cerr << "\n" << std::flush;
    drawn_ = false;
  }

 private:
  static constexpr auto kPlainEvery = std::chrono::seconds(10);
  const uint64_t total_bytes_;
  const Clock::time_point started_;
  const bool terminal_;
  bool drawn_ = false;
  int last_tenth_ = 0;  // of the last plain line: nothing is said at 0%
  Clock::time_point last_line_;
};

// The report of the whole file: the parts' reports added up.
void Add(profiles::ImportReport& sum, profiles::ImportReport part) {
  sum.rows += part.rows;
  sum.created += part.created;
  sum.updated += part.updated;
  sum.failed += part.failed;
  for (profiles::ImportError& e : part.errors) profiles::KeepError(sum.errors, std::move(e), kMaxErrors);
}

void PrintSummary(const ProfilesCommandOptions& options, const profiles::ImportReport& report, double seconds) {
  char time[32];
  std::snprintf(time, sizeof time, "%.1f s", seconds);
  std::cout << options.file << " → " << options.table << ": " << Thousands(report.rows) << " rows in " << time << " ("
            << Rate(report.rows, seconds) << " rows/s)\n"
            << "created " << Thousands(report.created) << ", updated " << Thousands(report.updated) << ", failed "
            << Thousands(report.failed) << "\n";
  const size_t shown = std::min(report.errors.size(), kErrorsShown);
  for (size_t i = 0; i < shown; ++i) {
    const profiles::ImportError& e = report.errors[i];
    std::cout << "row " << e.row << ": " << e.code << (e.field.empty() ? "" : " (" + e.field + ")") << ": " << e.message
              << "\n";
  }
  if (report.failed > shown) {
    std::cout << "… and " << Thousands(report.failed - shown) << " more errors"
              << (options.client.json ? "" : " (--json lists the first " + Thousands(kMaxErrors) + ")") << "\n";
  }
}

}  // namespace

CLI::App* AddProfilesCommand(CLI::App& app, ProfilesCommandOptions& options) {
  CLI::App* profiles = app.add_subcommand("profiles", "The running daemon's profile tables");
  profiles->require_subcommand(1);
  options.import = profiles->add_subcommand(
      "import", "Import a CSV file into a profile table: a header row naming attributes, then one profile per row");
  options.import->add_option("--table", options.table, "The profile table")->required();
  options.import->add_option("file", options.file, "The CSV file")->required()->check(CLI::ExistingFile);
  options.import
      ->add_option("--part-bytes", options.part_bytes,
                   "Bytes of the file sent per request (each must stay under the daemon's http.body_limit)")
      ->check(CLI::Range(size_t{1} << 10, size_t{1} << 30));
  AddClientOptions(options.import, options.client);
  return profiles;
}

int RunProfilesCommand(const ProfilesCommandOptions& options) {
  if (!core::IsTableName(options.table)) {
    std::cerr << kCommand << ": " << options.table << " is not a profile table's name\n";
    return 2;
  }
  std::ifstream in(options.file, std::ios::binary);
  if (!in) {
    std::cerr << kCommand << ": cannot open " << options.file << "\n";
    return 2;
  }
  std::optional<ApiClient> client = MakeClient(options.client, kCommand, std::chrono::seconds(300));
  if (!client) return 2;

  std::error_code ec;
  const uint64_t total_bytes = std::filesystem::file_size(options.file, ec);
  const Clock::time_point started = Clock::now();
  Progress progress(ec ? 0 : total_bytes, started);
  progress.Show(0, 0);
  CsvParts parts(in, options.part_bytes);
  profiles::ImportReport report;
  // The file's rows so far: those the daemon read, and the malformed ones found here.
  auto rows_done = [&] { return report.rows + parts.malformed(); };

  for (;;) {
    auto part = parts.Next();
    if (!part.ok()) {
      progress.Finish();
      std::cerr << kCommand << ": " << options.file << ": " << part.status().message() << "\n";
      return 1;
    }
    if (!*part) break;
    const std::string target = "/v1/profile-tables/" + options.table + "/imports?first_row=" +
                               std::to_string((*part)->first_row);
    auto answer = client->Call("POST", target, (*part)->csv, "text/csv");
    std::optional<profiles::ImportReport> answered;
    if (answer.ok() && answer->status == 200) answered = api::ReadImportReport(answer->body);
    if (!answered) {
      progress.Finish();
      std::cerr << kCommand << ": "
                << (!answer.ok()                 ? answer.status().message() + " (is herald serve running there?)"
                    : answer->status / 100 != 2 ? DescribeError(*answer)
                                                : "unexpected answer from " + client->url())
                << "\n";
      if ((*part)->first_row > 2) {
        std::cerr << kCommand << ": stopped at row " << (*part)->first_row << "; the rows before it were imported ("
                  << Thousands(report.created) << " created, " << Thousands(report.updated) << " updated)\n";
      }
      return 1;
    }
    Add(report, std::move(*answered));
    progress.Show(rows_done(), parts.bytes_done());
  }
  progress.Finish();

  // The malformed rows found here count as read and failed, among the daemon's errors by row.
  report.rows = rows_done();
  report.failed += parts.malformed();
  for (const profiles::ImportError& e : parts.errors()) profiles::KeepError(report.errors, e, kMaxErrors);
  profiles::SortErrors(report.errors, kMaxErrors);
  const double seconds = Seconds(started);
  if (options.client.json) {
    json body = api::ImportReportJson(report);
    body["seconds"] = seconds;
    std::cout << body.dump(2) << "\n";
  } else {
    PrintSummary(options, report, seconds);
  }
  return report.failed == 0 ? 0 : 1;
}

}  // namespace herald::daemon
