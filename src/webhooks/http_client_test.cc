#include "webhooks/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "tls/self_signed.h"

namespace herald::webhooks {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

enum class Reply { k204, k500, kHang, kHugeBody, kCloseAfterResponse, kRedirect };

struct Received {
  int connection = 0;
  std::string target;
  std::string host;
  std::string signature;
  std::string content_type;
  std::string body;
};

// A receiver on 127.0.0.1 that answers requests as scripted, one connection at a time, in its own thread.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<Reply> script, asio::ssl::context* tls = nullptr)
      : script_(std::move(script)), tls_(tls), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    boost::system::error_code ec;
    tcp::socket wake(io_);
    wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    thread_.join();
  }
  uint16_t port() const { return port_; }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  int connections() const { return connections_.load(); }

 private:
  void Serve() {
    for (;;) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (stopping_ || ec) return;
      const int connection = ++connections_;
      if (tls_) {
        asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls_);
        stream.handshake(asio::ssl::stream_base::server, ec);
        if (!ec) Talk(stream, connection);
      } else {
        Talk(socket, connection);
      }
    }
  }

  template <typename Stream>
  void Talk(Stream& stream, int connection) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      http::read(stream, buffer, request, ec);
      if (ec) return;
      Reply reply;
      {
        std::lock_guard lock(mutex_);
        received_.push_back({connection, std::string(request.target()), std::string(request[http::field::host]),
                             std::string(request["Herald-Signature"]), std::string(request[http::field::content_type]),
                             request.body()});
        reply = next_ < script_.size() ? script_[next_++] : Reply::k204;
      }
      if (reply == Reply::kHang) {
        char byte;
        stream.read_some(asio::buffer(&byte, 1), ec);  // until the client gives up
        return;
      }
      http::response<http::string_body> response;
      response.version(11);
      response.result(reply == Reply::k500 ? 500 : reply == Reply::kRedirect ? 302 : reply == Reply::kHugeBody ? 200 : 204);
      if (reply == Reply::kRedirect) response.set(http::field::location, "http://127.0.0.1:1/elsewhere");
      if (reply == Reply::kHugeBody) response.body() = std::string(200'000, 'x');
      response.keep_alive(true);
      response.prepare_payload();
      http::write(stream, response, ec);
      if (ec || reply == Reply::kCloseAfterResponse || reply == Reply::kHugeBody) return;
    }
  }

  std::vector<Reply> script_;
  asio::ssl::context* tls_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  size_t next_ = 0;  // guarded by mutex_
  std::vector<Received> received_;  // guarded by mutex_
  std::thread thread_;
};

class HttpClientTest : public ::testing::Test {
 protected:
  HttpClientOptions Options() {
    HttpClientOptions options;
    options.allow_private_networks = true;
    options.connect_timeout = Duration(2'000);
    options.response_timeout = Duration(400);
    return options;
  }

  PostResult Post(HttpClient& client, const std::string& url_text, const std::string& body = R"({"a":1})") {
    auto url = ParseWebhookUrl(url_text);
    EXPECT_TRUE(url.ok()) << url.status().ToString();
    auto future = asio::co_spawn(io_, client.Post(*url, {{"Herald-Signature", "t=1,v1=ab"}}, body), asio::use_future);
    io_.restart();
    io_.run();
    return future.get();
  }

  std::string Local(uint16_t port, const std::string& path = "/hooks?x=1") {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }

  asio::io_context io_;
  asio::ssl::context client_tls_{asio::ssl::context::tls_client};
};

TEST_F(HttpClientTest, PostsTheBodyWithHeadersAndReusesTheConnection) {
  ScriptedServer server({Reply::k204, Reply::k500});
  HttpClient client(io_.get_executor(), client_tls_, Options());
  PostResult first = Post(client, Local(server.port()));
  EXPECT_EQ(first.status, 204);
  EXPECT_TRUE(first.delivered());
  EXPECT_EQ(first.error, "");
  EXPECT_EQ(client.idle_connections(), 1u);
  PostResult second = Post(client, Local(server.port()));
  EXPECT_EQ(second.status, 500);
  EXPECT_FALSE(second.delivered());
  auto received = server.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].target, "/hooks?x=1");
  EXPECT_EQ(received[0].host, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(received[0].signature, "t=1,v1=ab");
  EXPECT_EQ(received[0].content_type, "application/json");
  EXPECT_EQ(received[0].body, R"({"a":1})");
  EXPECT_EQ(received[1].connection, received[0].connection) << "kept alive";
}

TEST_F(HttpClientTest, AReceiverThatDoesNotAnswerTimesOut) {
  ScriptedServer server({Reply::kHang});
  HttpClient client(io_.get_executor(), client_tls_, Options());
  const auto start = std::chrono::steady_clock::now();
  PostResult result = Post(client, Local(server.port()));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.error, "timed out waiting for the response");
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST_F(HttpClientTest, RefusedConnectionsAndPrivateAddressesAreErrors) {
  uint16_t closed_port;
  {
    ScriptedServer gone({});
    closed_port = gone.port();
  }
  HttpClient client(io_.get_executor(), client_tls_, Options());
  EXPECT_EQ(Post(client, Local(closed_port)).error, "connection refused");

  HttpClientOptions strict = Options();
  strict.allow_private_networks = false;
  HttpClient public_only(io_.get_executor(), client_tls_, strict);
  ScriptedServer server({});
  PostResult refused = Post(public_only, Local(server.port()));
  EXPECT_EQ(refused.status, 0);
  EXPECT_EQ(refused.error, "address not allowed: 127.0.0.1 is not a public address");
  EXPECT_EQ(Post(public_only, "http://localhost:" + std::to_string(server.port()) + "/").error.substr(0, 20),
            "address not allowed:");
  EXPECT_TRUE(server.received().empty());
}

TEST_F(HttpClientTest, ALongResponseBodyIsNotReadButItsStatusCounts) {
  ScriptedServer server({Reply::kHugeBody, Reply::k204});
  HttpClient client(io_.get_executor(), client_tls_, Options());
  PostResult long_body = Post(client, Local(server.port()));
  EXPECT_EQ(long_body.status, 200) << long_body.error;
  EXPECT_EQ(client.idle_connections(), 0u) << "a connection with unread bytes is not kept";
  EXPECT_EQ(Post(client, Local(server.port())).status, 204);
}

TEST_F(HttpClientTest, AKeptConnectionTheReceiverClosedIsReplacedOnce) {
  ScriptedServer server({Reply::kCloseAfterResponse, Reply::k204});
  HttpClient client(io_.get_executor(), client_tls_, Options());
  EXPECT_EQ(Post(client, Local(server.port())).status, 204);
  EXPECT_EQ(client.idle_connections(), 1u);  // the server said keep-alive, then closed
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Post(client, Local(server.port())).status, 204);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.received().size(), 2u);
}

TEST_F(HttpClientTest, RedirectsAreNotFollowed) {
  ScriptedServer server({Reply::kRedirect});
  HttpClient client(io_.get_executor(), client_tls_, Options());
  PostResult result = Post(client, Local(server.port()));
  EXPECT_EQ(result.status, 302);
  EXPECT_FALSE(result.delivered());
  EXPECT_EQ(server.received().size(), 1u);
}

TEST_F(HttpClientTest, HttpsVerifiesTheCertificateAndItsName) {
  auto certificate = tls::MakeSelfSignedCertificate("receiver.test", std::chrono::system_clock::now());
  ASSERT_TRUE(certificate.ok()) << certificate.status().ToString();
  asio::ssl::context server_tls(asio::ssl::context::tls_server);
  server_tls.use_certificate_chain(asio::buffer(certificate->certificate));
  server_tls.use_private_key(asio::buffer(certificate->private_key), asio::ssl::context::pem);

  {  // Not trusted: the handshake fails and nothing is sent.
    ScriptedServer server({}, &server_tls);
    HttpClient client(io_.get_executor(), client_tls_, Options());
    PostResult result = Post(client, "https://localhost:" + std::to_string(server.port()) + "/h");
    EXPECT_EQ(result.status, 0);
    EXPECT_TRUE(result.error.starts_with("TLS failed in the handshake")) << result.error;
    EXPECT_TRUE(server.received().empty());
  }
  client_tls_.add_certificate_authority(asio::buffer(certificate->certificate));
  {  // Trusted, and the name matches.
    ScriptedServer server({Reply::k204}, &server_tls);
    HttpClient client(io_.get_executor(), client_tls_, Options());
    EXPECT_EQ(Post(client, "https://localhost:" + std::to_string(server.port()) + "/h").status, 204);
    client.Close();  // the server serves one connection at a time
    EXPECT_EQ(Post(client, "https://127.0.0.1:" + std::to_string(server.port()) + "/h").status, 204);
    ASSERT_EQ(server.received().size(), 2u);
    EXPECT_EQ(server.received()[0].body, R"({"a":1})");
  }
}

}  // namespace
}  // namespace herald::webhooks
