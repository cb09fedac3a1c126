#include "daemon/queue_command.h"

#include <CLI/CLI.hpp>

#include <cctype>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "daemon/api_client.h"

namespace herald::daemon {
namespace {

using nlohmann::json;

constexpr std::string_view kCommand = "herald queue";

uint64_t Count(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

void PrintSnapshot(const json& body) {
  const json& total = body.at("total");
  const json& scheduler = body.at("scheduler");
  std::cout << "messages: " << Count(total, "messages") << " (queued " << Count(total, "queued") << ", deferred "
            << Count(total, "deferred") << ", routing " << Count(total, "routing") << ", ready "
            << Count(total, "ready") << ", in flight " << Count(total, "in_flight") << ")\n";
  const uint64_t ticks = Count(scheduler, "ticks");
  std::cout << "scheduler: " << ticks << " ticks, last " << Count(scheduler, "last_tick_us") << " us, max "
            << Count(scheduler, "max_tick_us") << " us, mean "
            << (ticks > 0 ? Count(scheduler, "total_tick_us") / ticks : 0) << " us; holding "
            << Count(scheduler, "held") << " messages, queue " << Count(scheduler, "queue_bytes") / 1024
            << " KiB\n";

  const json& sites = body.at("sites");
  if (sites.empty()) return;
  std::cout << "\n"
            << std::left << std::setw(40) << "SITE" << std::right << std::setw(10) << "MESSAGES" << std::setw(8)
            << "QUEUED" << std::setw(10) << "DEFERRED" << std::setw(9) << "ROUTING" << std::setw(7) << "READY"
            << std::setw(11) << "IN FLIGHT" << "  DOMAINS\n";
  for (const json& site : sites) {
    std::string name = site.at("site").is_string() ? site.at("site").get<std::string>() : "(not routed yet)";
    std::ostringstream domains;
    size_t listed = 0;
    for (const json& domain : site.at("domains")) {
      if (listed++ > 0) domains << ", ";
      domains << domain.at("domain").get<std::string>() << " (" << Count(domain, "messages") << ")";
    }
    const uint64_t domain_count = Count(site, "domain_count");
    if (domain_count > listed) domains << ", … " << domain_count - listed << " more";
    std::cout << std::left << std::setw(40) << name << std::right << std::setw(10) << Count(site, "messages")
              << std::setw(8) << Count(site, "queued") << std::setw(10) << Count(site, "deferred") << std::setw(9)
              << Count(site, "routing") << std::setw(7) << Count(site, "ready") << std::setw(11)
              << Count(site, "in_flight") << "  " << domains.str() << "\n";
  }
  const uint64_t site_count = Count(body, "site_count");
  if (site_count > sites.size()) std::cout << "… and " << site_count - sites.size() << " more sites (--limit)\n";
}

}  // namespace

CLI::App* AddQueueCommand(CLI::App& app, QueueCommandOptions& options) {
  CLI::App* queue = app.add_subcommand("queue", "The running daemon's delivery queue: counts by site and state");
  queue->require_subcommand(0, 1);
  AddClientOptions(queue, options.client);
  queue->add_option("--limit", options.limit, "Sites to list, most messages first")->check(CLI::Range(1, 1000));

  options.retry = queue->add_subcommand("retry", "Make a queued or deferred message due now");
  options.retry->add_option("id", options.message_id, "The message's id")->required();
  AddClientOptions(options.retry, options.client);
  options.cancel = queue->add_subcommand("cancel", "Cancel a queued or deferred message");
  options.cancel->add_option("id", options.message_id, "The message's id")->required();
  AddClientOptions(options.cancel, options.client);
  return queue;
}

int RunQueueCommand(const QueueCommandOptions& options) {
  std::optional<ApiClient> client = MakeClient(options.client, kCommand);
  if (!client) return 2;

  const bool retry = options.retry != nullptr && options.retry->parsed();
  const bool cancel = options.cancel != nullptr && options.cancel->parsed();
  std::string target = "/v1/queue?limit=" + std::to_string(options.limit);
  std::string_view method = "GET";
  if (retry || cancel) {
    for (char c : options.message_id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
        std::cerr << kCommand << ": " << options.message_id << " is not a message id\n";
        return 2;
      }
    }
    target = "/v1/messages/" + options.message_id + (retry ? "/retry" : "");
    method = retry ? "POST" : "DELETE";
  }

  auto answer = client->Call(method, target);
  if (!answer.ok()) {
    std::cerr << kCommand << ": " << answer.status().message() << " (is herald serve running there?)\n";
    return 1;
  }
  if (answer->status < 200 || answer->status >= 300) {
    std::cerr << kCommand << (retry ? " retry" : cancel ? " cancel" : "") << ": " << DescribeError(*answer) << "\n";
    return 1;
  }
  if (options.client.json) {
    std::cout << answer->body.dump(2) << "\n";
    return 0;
  }
  try {
    if (retry) {
      std::cout << options.message_id << ": due now (it was " << answer->body.at("status").get<std::string>() << ")\n";
    } else if (cancel) {
      std::cout << options.message_id << ": " << answer->body.at("status").get<std::string>() << "\n";
    } else {
      PrintSnapshot(answer->body);
    }
  } catch (const json::exception& e) {
    std::cerr << kCommand << ": unexpected answer from " << client->url() << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace herald::daemon
