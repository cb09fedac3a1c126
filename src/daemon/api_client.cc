#include "daemon/api_client.h"

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/dynamic_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdlib>
#include <iostream>

#include "config/config.h"

namespace herald::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

constexpr size_t kMaxAnswerBytes = 64 << 20;  // a queue snapshot of many sites is the largest answer

// http://<http.listen>, a wildcard address replaced by the loopback one of its family.
Result<std::string> DefaultUrl(const ClientOptions& options) {
  config::LoadOptions load;
  load.config_file = options.config_file;
  load.sets = options.sets;
  auto loaded = config::LoadConfig(load);
  if (!loaded.ok()) return loaded.status();
  std::string host = loaded->http.listen.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(loaded->http.listen.port);
}

}  // namespace

void AddClientOptions(CLI::App* command, ClientOptions& options) {
  command->add_option("--url", options.url, "The daemon's API (default: http:// and http.listen)");
  command->add_option("--api-key", options.api_key, "API key (default: $HERALD_API_KEY)");
  command->add_option("--config", options.config_file, "TOML configuration file, for http.listen")
      ->check(CLI::ExistingFile);
  command->add_option("--set", options.sets, "Override a configuration key: --set key=value (repeatable)");
  command->add_flag("--json", options.json, "Print the API's JSON answer");
}

std::optional<ApiClient> MakeClient(const ClientOptions& options, std::string_view command,
                                    std::chrono::seconds timeout) {
  std::string api_key = options.api_key;
  if (api_key.empty()) {
    const char* from_env = std::getenv("HERALD_API_KEY");
    if (from_env != nullptr) api_key = from_env;
  }
  if (api_key.empty()) {
    std::cerr << command << ": no API key: set HERALD_API_KEY (or pass --api-key); "
              << "`herald api-keys create --data-dir DIR` makes one\n";
    return std::nullopt;
  }
  std::string url = options.url;
  if (url.empty()) {
    auto derived = DefaultUrl(options);
    if (!derived.ok()) {
      std::cerr << command << ": " << derived.status().message() << "\n";
      return std::nullopt;
    }
    url = *derived;
  }
  auto client = ApiClient::Create(url, api_key, timeout);
  if (!client.ok()) {
    std::cerr << command << ": " << client.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(*client);
}

Result<ApiClient> ApiClient::Create(std::string_view url, std::string api_key, std::chrono::seconds timeout) {
  const Status bad = Status::InvalidArgument("the URL must be http://host[:port], not " + std::string(url));
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return bad;
  std::string_view rest = url.substr(kScheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty() || rest.find('/') != std::string_view::npos) return bad;

  std::string_view host = rest;
  std::string_view port_text;
  if (rest.front() == '[') {  // [v6]:port
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad;
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad;
      port_text = after.substr(1);
    }
  } else if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
  }
  uint16_t port = 80;
  if (!port_text.empty()) {
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0) return bad;
  }
  if (host.empty()) return bad;
  return ApiClient(std::string(host), port, std::move(api_key), timeout);
}

std::string ApiClient::url() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

Result<ApiAnswer> ApiClient::Call(std::string_view method, const std::string& target, std::string_view body,
                                  std::string_view content_type) {
  asio::io_context io;
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, host_ + ":" + std::to_string(port_));
  request.set(http::field::authorization, "Bearer " + api_key_);
  request.set(http::field::user_agent, "herald-cli");
  if (!body.empty()) {
    request.set(http::field::content_type, content_type);
    request.body() = std::string(body);
  }
  request.prepare_payload();

  Status failure = Status::Ok();
  ApiAnswer answer;
  auto exchange = [&]() -> asio::awaitable<void> {
    beast::tcp_stream stream(io);
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    auto fail = [&](std::string_view step) {
      failure = Status::Unavailable("cannot " + std::string(step) + " " + url() + ": " + ec.message());
    };
    auto endpoints = co_await resolver.async_resolve(host_, std::to_string(port_),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return fail("resolve");
    stream.expires_after(timeout_);
    co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return fail("connect to");
    stream.expires_after(timeout_);
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return fail("send to");
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxAnswerBytes);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return fail("read the answer of");
    answer.status = static_cast<int>(parser.get().result_int());
    const std::string& answer_text = parser.get().body();
    answer.body = answer_text.empty() ? nlohmann::json() : nlohmann::json::parse(answer_text, nullptr, false);
    if (answer.body.is_discarded()) answer.body = nullptr;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  };
  asio::co_spawn(io, exchange(), asio::detached);
  io.run();
  if (!failure.ok()) return failure;
  return answer;
}

std::string DescribeError(const ApiAnswer& answer) {
  std::string text = std::to_string(answer.status);
  if (!answer.body.is_object()) return text;
  auto error = answer.body.find("error");
  if (error == answer.body.end() || !error->is_object()) return text;
  auto code = error->find("code");
  if (code != error->end() && code->is_string()) text += " " + code->get<std::string>();
  auto message = error->find("message");
  if (message != error->end() && message->is_string()) text += ": " + message->get<std::string>();
  return text;
}

}  // namespace herald::daemon
