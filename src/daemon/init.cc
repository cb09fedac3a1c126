// herald init and herald api-keys create: set-up commands that work on the data directory directly.
#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/api_keys.h"
#include "base/log.h"
#include "base/random.h"
#include "config/config.h"
#include "daemon/commands.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sync.h"

namespace herald::daemon {
namespace {

Result<config::Config> Load(const CommonOptions& options) {
  config::LoadOptions load;
  load.data_dir = options.data_dir;
  load.config_file = options.config_file;
  load.sets = options.sets;
  return config::LoadConfig(load);
}

void PrintKey(const std::string& account_id, const std::string& secret, bool json) {
  if (json) {
    std::cout << nlohmann::json{{"account_id", account_id}, {"api_key", secret}}.dump() << "\n";
  } else {
    std::cout << "account: " << account_id << "\n"
              << "API key (shown only now; Herald keeps only its hash):\n  " << secret << "\n";
  }
}

}  // namespace

int Init(const CommonOptions& options, bool json) {
  auto config = Load(options);
  if (!config.ok()) {
    std::cerr << "herald init: " << config.status().message() << "\n";
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    std::cerr << "herald init: cannot create " << options.data_dir << ": " << ec.message() << "\n";
    return 1;
  }
  ::chmod(options.data_dir.c_str(), 0700);  // the database holds everyone's messages
  if (std::filesystem::exists(config->storage.sqlite_path)) {
    std::cerr << "herald init: " << config->storage.sqlite_path << " already exists; this data directory is "
              << "initialised (use `herald api-keys create` for a new key)\n";
    return 1;
  }

  SystemClock clock;
  auto store = storage::OpenSqliteStore({config->storage.sqlite_path}, clock);
  if (!store.ok()) {
    std::cerr << "herald init: " << store.status().ToString() << "\n";
    return 1;
  }
  TimePoint now = clock.Now();
  core::Account account{NewId("acct", now), "operator", true, now};
  api::NewApiKey first = api::MakeApiKey(account.id, "operator", core::Scope::kAdmin, now);
  Status s = storage::WaitFor([&](storage::StatusCallback done) { (*store)->CreateAccount(account, first.key, done); });
  if (!s.ok()) {
    std::cerr << "herald init: " << s.ToString() << "\n";
    return 1;
  }
  PrintKey(account.id, first.secret, json);
  return 0;
}

int CreateOperatorKey(const CommonOptions& options, const std::string& name, const std::string& scope, bool json) {
  auto config = Load(options);
  if (!config.ok()) {
    std::cerr << "herald api-keys create: " << config.status().message() << "\n";
    return 2;
  }
  if (!std::filesystem::exists(config->storage.sqlite_path)) {
    std::cerr << "herald api-keys create: no database at " << config->storage.sqlite_path
              << "; run `herald init --data-dir " << options.data_dir << "` first\n";
    return 1;
  }
  SystemClock clock;
  auto store = storage::OpenSqliteStore({config->storage.sqlite_path}, clock);
  if (!store.ok()) {
    std::cerr << "herald api-keys create: " << store.status().ToString() << "\n";
    return 1;
  }
  auto account = (*store)->GetOperatorAccount();
  if (!account.ok()) {
    std::cerr << "herald api-keys create: " << account.status().ToString() << "\n";
    return 1;
  }
  api::NewApiKey made = api::MakeApiKey(account->id, name, *core::ParseScope(scope), clock.Now());
  Status s = storage::WaitFor([&](storage::StatusCallback done) { (*store)->CreateApiKey(made.key, done); });
  if (!s.ok()) {
    std::cerr << "herald api-keys create: " << s.ToString() << "\n";
    return 1;
  }
  PrintKey(account->id, made.secret, json);
  return 0;
}

}  // namespace herald::daemon
