// herald init and herald api-keys create: set-up commands that work on the data directory directly.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/api_keys.h"
#include "base/log.h"
#include "base/random.h"
#include "base/secret_box.h"
#include "config/config.h"
#include "daemon/commands.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sync.h"
#include "tls/self_signed.h"

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

// Writes `text` to a new file `path` with `mode`; refuses to overwrite.
Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

// The SMTP relay's development certificate, made unless the operator configured files of their own.
Status MakeDevelopmentCertificate(const config::Config& config, TimePoint now) {
  const std::string dir = config.data_dir + "/tls";
  if (config.tls.cert_file != dir + "/cert.pem" || config.tls.key_file != dir + "/key.pem") return Status::Ok();
  if (std::filesystem::exists(config.tls.cert_file)) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  auto pem = tls::MakeSelfSignedCertificate(config.smtp.hostname, now);
  if (!pem.ok()) return pem.status();
  HERALD_RETURN_IF_ERROR(WriteNewFile(config.tls.key_file, pem->private_key, 0600));
  return WriteNewFile(config.tls.cert_file, pem->certificate, 0644);
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
  s = MakeDevelopmentCertificate(*config, now);
  if (!s.ok()) {
    std::cerr << "herald init: the SMTP relay's certificate: " << s.ToString() << "\n";
    return 1;
  }
  // The key that seals DKIM private keys in the database.
  if (auto secrets = SecretBox::Load(config->storage.secret_key_file, /*create_if_missing=*/true); !secrets.ok()) {
    std::cerr << "herald init: " << secrets.status().ToString() << "\n";
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
