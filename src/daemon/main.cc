// herald: the one binary (DESIGN §7).
#include <CLI/CLI.hpp>

#include <iostream>

#include "daemon/commands.h"
#include "daemon/profiles_command.h"
#include "daemon/queue_command.h"
#include "daemon/version.h"

int main(int argc, char** argv) {
  CLI::App app{"Herald: self-hosted transactional messaging"};
  app.require_subcommand(1);
  herald::daemon::CommonOptions common;

  auto add_common = [&common](CLI::App* command) {
    command->add_option("--data-dir", common.data_dir, "Data directory (database, keys)")->required();
    command->add_option("--config", common.config_file, "TOML configuration file")->check(CLI::ExistingFile);
    command->add_option("--set", common.sets, "Override a configuration key: --set key=value (repeatable)");
  };

  bool json = false;
  CLI::App* init = app.add_subcommand("init", "Create the data directory and the operator's account");
  add_common(init);
  init->add_flag("--json", json, "Print {\"account_id\", \"api_key\"} as JSON");

  CLI::App* serve = app.add_subcommand("serve", "Run the daemon");
  add_common(serve);

  CLI::App* keys = app.add_subcommand("api-keys", "Manage the operator's API keys");
  keys->require_subcommand(1);
  CLI::App* create_key = keys->add_subcommand("create", "Make a new API key on the operator's account");
  add_common(create_key);
  std::string key_name = "cli";
  std::string key_scope = "admin";
  create_key->add_option("--name", key_name, "A name to tell the key apart");
  create_key->add_option("--scope", key_scope, "admin or send")->check(CLI::IsMember({"admin", "send"}));
  create_key->add_flag("--json", json, "Print {\"account_id\", \"api_key\"} as JSON");

  herald::daemon::QueueCommandOptions queue;
  herald::daemon::AddQueueCommand(app, queue);
  herald::daemon::ProfilesCommandOptions profiles;
  herald::daemon::AddProfilesCommand(app, profiles);

  app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help prints and succeeds; a usage error exits 2, as the commands' own usage errors do.
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (app.got_subcommand("init")) return herald::daemon::Init(common, json);
  if (app.got_subcommand("serve")) return herald::daemon::Serve(common);
  if (create_key->parsed()) return herald::daemon::CreateOperatorKey(common, key_name, key_scope, json);
  if (app.got_subcommand("queue")) return herald::daemon::RunQueueCommand(queue);
  if (profiles.import->parsed()) return herald::daemon::RunProfilesCommand(profiles);
  std::cout << "herald " << herald::daemon::kVersion << "\n";
  return 0;
}
