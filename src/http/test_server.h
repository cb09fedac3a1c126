// For http/ tests only: a fixture running a Server on 127.0.0.1 (port 0) with a test Router, its
// io_context on two threads, so that strands and cross-thread Stop are exercised.
//
// Routes: GET /hello, GET|DELETE /v1/messages/{id}, POST /v1/messages (answers the body's size and the
// sum of its bytes),
// GET /query (echoes the parsed query), GET /throw (throws), GET /slow (waits slow_delay_), GET /stream
// (a body in pieces: "row N\n" for N < ?rows, or failing after ?fail_after pieces).
// Thread-safety: test-thread use only. Untrusted input: none.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio headers use std::exchange without including <utility>
// clang-format on
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "http/query.h"
#include "http/responses.h"
#include "http/router.h"
#include "http/server.h"

namespace herald::http::testing {

class ServerFixture : public ::testing::Test {
 protected:
  static ServerOptions TestOptions() {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.body_limit = 1024;
    options.header_limit = 1024;
    options.read_timeout = std::chrono::milliseconds(2000);
    options.idle_timeout = std::chrono::milliseconds(2000);
    options.write_timeout = std::chrono::milliseconds(2000);
    options.max_connections = 100;
    return options;
  }

  void SetUp() override { AddRoutes(); }

  void StartServer(ServerOptions options = TestOptions()) {
    server_ = std::make_unique<Server>(io_, std::move(options),
                                       [this](Request& request) { return router_.Dispatch(request); });
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    port_ = server_->port();
    ASSERT_NE(port_, 0);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  // Stops the server and waits for the io_context to drain: every session must end by itself.
  void StopAndDrain() {
    if (server_) server_->Stop();
    work_.reset();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

  void TearDown() override {
    StopAndDrain();
    server_.reset();
  }

  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  void AddRoutes() {
    namespace asio = boost::asio;
    namespace beast_http = boost::beast::http;
    using beast_http::verb;
    router_.Add(verb::get, "/hello", [](Request& request, const PathParams&) -> asio::awaitable<Response> {
      co_return JsonResponse(beast_http::status::ok, {{"hello", "world"}}, request);
    });
    auto message = [](Request& request, const PathParams& params) -> asio::awaitable<Response> {
      co_return JsonResponse(beast_http::status::ok, {{"id", params.Get("id")}}, request);
    };
    router_.Add(verb::get, "/v1/messages/{id}", message);
    router_.Add(verb::delete_, "/v1/messages/{id}", message);
    router_.Add(
        verb::post, "/v1/messages", [](Request& request, const PathParams&) -> asio::awaitable<Response> {
          uint64_t sum = 0;
          for (unsigned char c : request.body()) sum += c;
          co_return JsonResponse(beast_http::status::accepted, {{"bytes", request.body().size()}, {"sum", sum}},
                                 request);
        });
    router_.Add(verb::get, "/query", [](Request& request, const PathParams&) -> asio::awaitable<Response> {
      Result<QueryParams> query = ParseQuery(TargetQuery(request.target()));
      if (!query.ok()) {
        co_return ErrorResponse(beast_http::status::bad_request, "invalid_query", "malformed query string",
                                {}, request.version(), request.keep_alive());
      }
      nlohmann::json entries = nlohmann::json::array();
      for (const auto& [name, value] : query->entries()) entries.push_back({name, value});
      co_return JsonResponse(beast_http::status::ok, entries, request);
    });
    router_.Add(verb::get, "/stream", [](Request& request, const PathParams&) -> asio::awaitable<Response> {
      Result<QueryParams> query = ParseQuery(TargetQuery(request.target()));
      const int rows = std::stoi(std::string(query->Get("rows").value_or("0")));
      const int fail_after = std::stoi(std::string(query->Get("fail_after").value_or("-1")));
      Response response(beast_http::status::ok, request.version());
      response.set(beast_http::field::content_type, "text/plain");
      response.body().source = [n = 0, rows, fail_after]() mutable -> Result<std::optional<std::string>> {
        if (n == fail_after) return Status::Unavailable("the store went away");
        if (n == rows) return std::optional<std::string>();
        return std::optional<std::string>("row " + std::to_string(n++) + "\n");
      };
      co_return response;
    });
    router_.Add(verb::get, "/throw", [](Request&, const PathParams&) -> asio::awaitable<Response> {
      throw std::runtime_error("handler bug \x01 with control bytes");
      co_return Response();
    });
    router_.Add(verb::get, "/slow", [this](Request& request, const PathParams&) -> asio::awaitable<Response> {
      ++slow_started_;
      asio::steady_timer timer(co_await asio::this_coro::executor, slow_delay_);
      co_await timer.async_wait(asio::use_awaitable);
      co_return JsonResponse(beast_http::status::ok, {{"slow", true}}, request);
    });
  }

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      std::in_place, io_.get_executor()};
  Router router_;
  std::unique_ptr<Server> server_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::chrono::milliseconds slow_delay_{500};
  std::atomic<int> slow_started_{0};
};

}  // namespace herald::http::testing
