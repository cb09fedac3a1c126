// The Server's limits, timeouts, overload answer and graceful stop, driven over real sockets.
#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http/server.h"
#include "http/test_client.h"
#include "http/test_server.h"

namespace herald::http {
namespace {

namespace beast_http = boost::beast::http;
using std::chrono::milliseconds;
using testing::ClientResponse;
using testing::RawClient;
using testing::RunCommand;

class ServerLimitsTest : public testing::ServerFixture {};

std::string ErrorCode(const ClientResponse& response) {
  return nlohmann::json::parse(response.body())["error"]["code"].get<std::string>();
}

TEST_F(ServerLimitsTest, BodyOverLimitIs413ThenClose) {
  StartServer();  // body_limit 1024
  RawClient client(port_);
  ASSERT_TRUE(client.Send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" +
                          std::string(5000, 'a')));
  std::optional<ClientResponse> response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), beast_http::status::payload_too_large);
  EXPECT_EQ(ErrorCode(*response), "payload_too_large");
  EXPECT_FALSE(response->keep_alive());
  EXPECT_EQ((*response)[beast_http::field::server], "herald");
  EXPECT_TRUE(client.WaitClosed(milliseconds(3000)));
}

TEST_F(ServerLimitsTest, ChunkedBodyOverLimitIs413) {
  StartServer();
  RawClient client(port_);
  std::string chunk(800, 'b');
  ASSERT_TRUE(
      client.Send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "320\r\n" +
                  chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
  std::optional<ClientResponse> response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), beast_http::status::payload_too_large);
}

TEST_F(ServerLimitsTest, BodyAtLimitIsAccepted) {
  StartServer();
  RawClient client(port_);
  ASSERT_TRUE(client.Send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" +
                          std::string(1024, 'a')));
  std::optional<ClientResponse> response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), beast_http::status::accepted);
}

TEST_F(ServerLimitsTest, ALargeBodyArrivesByteForByteWhetherSizedOrChunked) {
  ServerOptions options = TestOptions();
  options.body_limit = 8 << 20;
  StartServer(options);
  // 600 KiB: a sized body read straight into the request; 3 MiB: one left to the parser.
  for (size_t size : {size_t{600} << 10, size_t{3} << 20}) {
    const std::string path = ::testing::TempDir() + "/large_body";
    std::string body(size, '\0');
    uint64_t sum = 0;
    for (size_t i = 0; i < body.size(); ++i) {
      body[i] = static_cast<char>((i * 7919) >> 3);
      sum += static_cast<unsigned char>(body[i]);
    }
    std::ofstream(path, std::ios::binary) << body;
    const std::string expected =
        R"({"bytes":)" + std::to_string(size) + R"(,"sum":)" + std::to_string(sum) + "}";
    // Then a small request on the same connection: the room the large body had is given back in between.
    EXPECT_EQ(RunCommand("curl -s --max-time 10 -w ' %{num_connects}' --data-binary @" + path + " " +
                         Url("/v1/messages") + " --next -s -w ' %{num_connects}' " + Url("/hello")),
              expected + R"( 1{"hello":"world"} 0)");
    EXPECT_EQ(RunCommand("curl -s --max-time 10 -H 'Transfer-Encoding: chunked' --data-binary @" + path +
                         " " + Url("/v1/messages")),
              expected);
  }
}

TEST_F(ServerLimitsTest, CurlSeesLargeUpload413) {
  StartServer();
  std::string path = ::testing::TempDir() + "/http_large_body";
  std::ofstream(path) << std::string(200 * 1024, 'x');
  std::string output = RunCommand("curl -s -w ' %{http_code}' --max-time 10 --data-binary @" + path + " " +
                                  Url("/v1/messages"));
  EXPECT_NE(output.find(R"("code":"payload_too_large")"), std::string::npos) << output;
  EXPECT_NE(output.find(" 413"), std::string::npos) << output;
  std::remove(path.c_str());
}

TEST_F(ServerLimitsTest, MalformedRequestLineIs400ThenClose) {
  StartServer();
  for (const char* request :
       {"GARBAGE\r\n\r\n", "GET /hello HTTP/9.9\r\n\r\n", "GET  HTTP/1.1\r\n\r\n",
        "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n",
        "GET /hello HTTP/1.1\r\n\r\n",  // no Host
        "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
        "POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
        "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"}) {
    RawClient client(port_);
    ASSERT_TRUE(client.Send(request));
    std::optional<ClientResponse> response = client.ReadResponse();
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->result(), beast_http::status::bad_request) << request;
    EXPECT_EQ(ErrorCode(*response), "bad_request");
    EXPECT_EQ((*response)[beast_http::field::content_type], "application/json");
    EXPECT_TRUE(client.WaitClosed(milliseconds(3000))) << request;
  }
}

TEST_F(ServerLimitsTest, OversizedHeaderIs431) {
  StartServer();  // header_limit 1024
  RawClient client(port_);
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'h') + "\r\n\r\n"));
  std::optional<ClientResponse> response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), beast_http::status::request_header_fields_too_large);
  EXPECT_EQ(ErrorCode(*response), "header_too_large");
  EXPECT_TRUE(client.WaitClosed(milliseconds(3000)));
}

TEST_F(ServerLimitsTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions options = TestOptions();
  options.idle_timeout = milliseconds(200);
  StartServer(options);
  RawClient client(port_);
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(client.ReadResponse());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.WaitClosed(milliseconds(3000)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(150));
}

TEST_F(ServerLimitsTest, SilentNewConnectionIsClosedAfterReadTimeout) {
  ServerOptions options = TestOptions();
  options.read_timeout = milliseconds(200);
  StartServer(options);
  RawClient client(port_);
  EXPECT_TRUE(client.WaitClosed(milliseconds(3000)));
}

TEST_F(ServerLimitsTest, HalfSentRequestIsClosedAfterReadTimeout) {
  ServerOptions options = TestOptions();
  options.read_timeout = milliseconds(300);
  options.idle_timeout = milliseconds(10000);
  StartServer(options);
  RawClient client(port_);
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(client.ReadResponse());
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHo"));  // begun, never finished
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.WaitClosed(milliseconds(3000)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));  // not the idle timeout

  RawClient body_client(port_);  // the same for a body that stops short of its Content-Length
  ASSERT_TRUE(body_client.Send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n" +
                               std::string(400, 'a')));
  start = std::chrono::steady_clock::now();
  EXPECT_TRUE(body_client.WaitClosed(milliseconds(3000)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST_F(ServerLimitsTest, OverMaxConnectionsIs503) {
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  StartServer(options);
  RawClient first(port_);
  ASSERT_TRUE(first.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(first.ReadResponse());  // now surely counted

  RawClient second(port_);
  ASSERT_TRUE(second.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::optional<ClientResponse> refused = second.ReadResponse();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result(), beast_http::status::service_unavailable);
  EXPECT_EQ(ErrorCode(*refused), "overloaded");
  EXPECT_TRUE(second.WaitClosed(milliseconds(3000)));

  ASSERT_TRUE(first.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));  // the first is unaffected
  ASSERT_TRUE(first.ReadResponse());
}

TEST_F(ServerLimitsTest, StopLetsTheInFlightRequestFinish) {
  StartServer();
  RawClient busy(port_);
  RawClient idle(port_);
  ASSERT_TRUE(idle.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle.ReadResponse());
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  while (slow_started_.load() == 0) std::this_thread::sleep_for(milliseconds(5));

  auto stop_time = std::chrono::steady_clock::now();
  server_->Stop();
  // The idle connection goes at once; the busy one gets its answer, marked close, then goes.
  EXPECT_TRUE(idle.WaitClosed(milliseconds(300)));
  std::optional<ClientResponse> response = busy.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), beast_http::status::ok);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(busy.WaitClosed(milliseconds(2000)));
  EXPECT_GE(std::chrono::steady_clock::now() - stop_time, milliseconds(300));

  // New connections are refused once the listener has closed.
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    RawClient late(port_);
    refused = !late.connected() && late.connect_errno() == ECONNREFUSED;
    if (!refused) std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(refused);
  StopAndDrain();  // the io_context runs out of work: no session is left behind
  EXPECT_EQ(server_->connections(), 0u);
}

TEST_F(ServerLimitsTest, DestroyingTheServerWithLiveConnectionsIsSafe) {
  StartServer();
  RawClient busy(port_);
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  while (slow_started_.load() == 0) std::this_thread::sleep_for(milliseconds(5));
  server_.reset();  // sessions keep the shared state alive
  std::optional<ClientResponse> response = busy.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), beast_http::status::ok);
  StopAndDrain();
}

TEST_F(ServerLimitsTest, StartReportsBadAndTakenAddresses) {
  ServerOptions bad = TestOptions();
  bad.listen = "127.0.0.1";
  Server malformed(io_, bad, [this](Request& request) { return router_.Dispatch(request); });
  Status status = malformed.Start();
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.ToString();

  StartServer();
  ServerOptions taken = TestOptions();
  taken.listen = "127.0.0.1:" + std::to_string(port_);
  Server second(io_, taken, [this](Request& request) { return router_.Dispatch(request); });
  status = second.Start();
  EXPECT_EQ(status.code(), Code::kUnavailable) << status.ToString();
  EXPECT_EQ(server_->Start().code(), Code::kFailedPrecondition);

  ServerOptions zero = TestOptions();
  zero.idle_timeout = milliseconds(0);
  Server no_timeout(io_, zero, [this](Request& request) { return router_.Dispatch(request); });
  EXPECT_EQ(no_timeout.Start().code(), Code::kInvalidArgument);

  Server stopped(io_, TestOptions(), [this](Request& request) { return router_.Dispatch(request); });
  stopped.Stop();
  EXPECT_EQ(stopped.Start().code(), Code::kFailedPrecondition);
}

TEST_F(ServerLimitsTest, ListensOnIpv6Loopback) {
  ServerOptions options = TestOptions();
  options.listen = "[::1]:0";
  server_ =
      std::make_unique<Server>(io_, options, [this](Request& request) { return router_.Dispatch(request); });
  Status started = server_->Start();
  if (!started.ok()) GTEST_SKIP() << "no IPv6 loopback: " << started.ToString();
  threads_.emplace_back([this] { io_.run(); });
  std::string output =
      RunCommand("curl -s -g --max-time 5 'http://[::1]:" + std::to_string(server_->port()) + "/hello'");
  EXPECT_EQ(output, R"({"hello":"world"})");
}

}  // namespace
}  // namespace herald::http
