// SmtpConnection against real SMTP servers started here on loopback: Postfix's smtp-sink, and
// tests/peers/scripted_smtp.py (aiosmtpd) for scripted replies, STARTTLS and time-outs.
#include "delivery/smtp_connection.h"  // first: it includes <utility> before Asio

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace herald::delivery {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char kSmtpSink[] = "/usr/sbin/smtp-sink";
constexpr char kPython[] = "/usr/bin/python3";

fs::path SourceDir() {
  if (const char* dir = std::getenv("HERALD_SOURCE_DIR")) return dir;
  return HERALD_SOURCE_DIR;  // set by CMake: __FILE__ may be relative (ccache's base_dir rewrites it)
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A child process started with fork/exec, its output appended to a log file; stopped (SIGTERM, then
// SIGKILL) when destroyed. (Could move to a shared test-support library when others need it.)
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const fs::path& log) {
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const std::string log_path = log.string();
    pid_ = fork();
    if (pid_ == 0) {  // only async-signal-safe calls from here on
      int out = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      int in = open("/dev/null", O_RDONLY);
      if (out >= 0) {
        dup2(out, 1);
        dup2(out, 2);
      }
      if (in >= 0) dup2(in, 0);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~ChildProcess() { Stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = status;
      pid_ = -1;
      return false;
    }
    return true;
  }

  // Stops the process if it runs; returns its wait status.
  int Stop() {
    if (!Running()) return exit_status_;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 200 && Running(); ++i) std::this_thread::sleep_for(10ms);
    if (Running()) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &exit_status_, 0);
      pid_ = -1;
    }
    return exit_status_;
  }

  // Waits for the process to end by itself.
  int Wait() {
    if (pid_ > 0) {
      waitpid(pid_, &exit_status_, 0);
      pid_ = -1;
    }
    return exit_status_;
  }

 private:
  pid_t pid_ = -1;
  int exit_status_ = 0;
};

bool RunsSuccessfully(const std::vector<std::string>& argv, const fs::path& log) {
  ChildProcess child(argv, log);
  int status = child.Wait();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "herald-smtp-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A loopback port nothing listens on right now.
uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

bool Accepts(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

// Runs a coroutine on its own io_context until it completes.
template <typename T>
T RunCoroutine(asio::io_context& io, asio::awaitable<T> coroutine) {
  std::optional<T> result;
  std::exception_ptr error;
  asio::co_spawn(io, std::move(coroutine), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e) result = std::move(value);
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

struct Delivery {
  Envelope envelope;
  std::string message;
};

struct SessionReport {
  OpenResult open;  // its connection is gone once the session ended
  bool opened = false;
  std::vector<AttemptResult> attempts;
  bool tls = false;
  bool pipelining = false;
  bool esmtp = false;
  bool usable_after = false;
};

// Opens one connection, sends every delivery on it (waiting `pause` before each), then quits.
asio::awaitable<SessionReport> OpenSendQuit(asio::any_io_executor executor, SmtpTarget target,
                                            SmtpClientOptions options, asio::ssl::context* tls,
                                            std::vector<Delivery> deliveries,
                                            std::chrono::milliseconds pause) {
  SessionReport report;
  report.open = co_await SmtpConnection::Open(executor, target, options, tls);
  if (!report.open.ok()) co_return report;
  report.opened = true;
  SmtpConnection& connection = *report.open.connection;
  report.tls = connection.tls_active();
  report.pipelining = connection.extensions().pipelining;
  report.esmtp = connection.extensions().esmtp;
  for (const Delivery& delivery : deliveries) {
    if (pause.count() > 0) {
      asio::steady_timer timer(executor, pause);
      co_await timer.async_wait(asio::use_awaitable);
    }
    report.attempts.push_back(co_await connection.Send(delivery.envelope, delivery.message));
    if (!connection.usable()) break;
  }
  report.usable_after = connection.usable();
  co_await connection.Quit();
  report.open.connection.reset();  // before its io_context goes
  co_return report;
}

std::string TestMessage(int n) {
  return "From: <sender@herald.test>\r\nTo: <rcpt@dest.test>\r\nSubject: test " + std::to_string(n) +
         "\r\n\r\n.a line with a leading dot\r\n..two dots\r\n.\r\nlast line\r\n";
}

Delivery TestDelivery(int n, std::string rcpt = "rcpt@dest.test") {
  return {Envelope{"sender@herald.test", std::move(rcpt), false}, TestMessage(n)};
}

SmtpClientOptions TestOptions() {
  SmtpClientOptions options;
  options.ehlo_name = "client.herald.test";
  options.connect_timeout = 5s;
  options.greeting_timeout = 10s;
  options.command_timeout = 10s;
  options.data_block_timeout = 10s;
  options.data_end_timeout = 10s;
  options.quit_timeout = 2s;
  return options;
}

class SmtpConnectionTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }

  SessionReport Session(uint16_t port, std::vector<Delivery> deliveries,
                        SmtpClientOptions options = TestOptions(), asio::ssl::context* tls = nullptr,
                        std::chrono::milliseconds pause = 0ms) {
    asio::io_context io;
    return RunCoroutine(io, OpenSendQuit(io.get_executor(), SmtpTarget{"127.0.0.1", port}, std::move(options),
                                         tls, std::move(deliveries), pause));
  }

  // Starts smtp-sink with `flags`, dumping each message under dump/; returns its port.
  uint16_t StartSmtpSink(std::vector<std::string> flags) {
    if (!fs::exists(kSmtpSink)) return 0;
    fs::permissions(dir_.path(), fs::perms::all & ~(fs::perms::group_write | fs::perms::others_write));
    fs::create_directory(dump_dir());
    fs::permissions(dump_dir(), fs::perms::all);  // smtp-sink writes as "nobody"
    const uint16_t port = FreePort();
    std::vector<std::string> argv = {kSmtpSink, "-d", (dump_dir() / "msg.").string()};
    if (geteuid() == 0) argv.insert(argv.end(), {"-u", "nobody"});
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {"127.0.0.1:" + std::to_string(port), "100"});
    peer_ = std::make_unique<ChildProcess>(argv, log_path());
    for (int i = 0; i < 500 && !Accepts(port); ++i) std::this_thread::sleep_for(10ms);
    return Accepts(port) ? port : 0;
  }

  // Starts scripted_smtp.py with `flags`; returns its port.
  uint16_t StartScripted(std::vector<std::string> flags) {
    const fs::path port_file = dir_.path() / "port";
    std::vector<std::string> argv = {kPython,        (SourceDir() / "tests/peers/scripted_smtp.py").string(),
                                     "--port-file",  port_file.string(),
                                     "--dump-dir",   dump_dir().string(),
                                     "--transcript", transcript_path().string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    peer_ = std::make_unique<ChildProcess>(argv, log_path());
    for (int i = 0; i < 1000 && !fs::exists(port_file) && peer_->Running(); ++i)
      std::this_thread::sleep_for(10ms);
    if (!fs::exists(port_file)) {
      ADD_FAILURE() << "scripted_smtp.py did not start:\n" << ReadFile(log_path());
      return 0;
    }
    return static_cast<uint16_t>(std::stoi(ReadFile(port_file)));
  }

  // A self-signed certificate for "scripted.test": {"--tls-cert", cert, "--tls-key", key}.
  std::vector<std::string> TlsFlags() {
    const fs::path cert = dir_.path() / "cert.pem";
    const fs::path key = dir_.path() / "key.pem";
    EXPECT_TRUE(RunsSuccessfully({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                  "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.string(), "-out",
                                  cert.string(), "-days", "2", "-subj", "/CN=scripted.test"},
                                 dir_.path() / "openssl.log"))
        << ReadFile(dir_.path() / "openssl.log");
    return {"--tls-cert", cert.string(), "--tls-key", key.string()};
  }

  std::vector<std::string> Dumps(std::string_view suffix = "") const {
    std::vector<std::string> names;
    if (!fs::exists(dump_dir())) return names;
    for (const auto& entry : fs::directory_iterator(dump_dir())) {
      const std::string name = entry.path().filename().string();
      if (suffix.empty() || name.ends_with(suffix)) names.push_back(entry.path().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string Transcript() const { return ReadFile(transcript_path()); }
  fs::path dump_dir() const { return dir_.path() / "dump"; }
  fs::path log_path() const { return dir_.path() / "peer.log"; }
  fs::path transcript_path() const { return dir_.path() / "transcript"; }

  TempDir dir_;
  std::unique_ptr<ChildProcess> peer_;
};

#define REQUIRE_PEER(port)                                              \
  do {                                                                  \
    if ((port) == 0) GTEST_SKIP() << "peer unavailable: " << kSmtpSink; \
  } while (0)

TEST_F(SmtpConnectionTest, SmtpSinkTakesThreeMessagesOnOneConnection) {
  const uint16_t port = StartSmtpSink({});
  REQUIRE_PEER(port);
  std::vector<Delivery> deliveries = {TestDelivery(1), TestDelivery(2), TestDelivery(3)};
  // The third is big enough to be written in several blocks, with dots at the starts of lines.
  std::string big = "Subject: big\r\n\r\n";
  while (big.size() < 300000) big += ".line of the big message " + std::to_string(big.size()) + "\r\n";
  deliveries[2].message = big;

  SessionReport report = Session(port, deliveries);
  ASSERT_TRUE(report.opened) << report.open.failure.reply.text;
  EXPECT_TRUE(report.pipelining);
  ASSERT_EQ(report.attempts.size(), 3u);
  for (const AttemptResult& attempt : report.attempts) {
    EXPECT_EQ(attempt.outcome, Outcome::kDelivered) << attempt.reply.text;
    EXPECT_EQ(attempt.reply.code, 250);
    EXPECT_EQ(attempt.reply.host, "127.0.0.1:" + std::to_string(port));
  }
  EXPECT_TRUE(report.usable_after);
  peer_->Stop();

  // smtp-sink dumps each message with its own headers first, in LF line ends, plus an empty line.
  std::vector<std::string> dumps = Dumps();
  ASSERT_EQ(dumps.size(), 3u);
  std::vector<std::string> contents;
  for (const std::string& dump : dumps) contents.push_back(ReadFile(dump));
  for (const Delivery& delivery : deliveries) {
    std::string expected = delivery.message;
    for (size_t pos; (pos = expected.find("\r\n")) != std::string::npos;) expected.replace(pos, 2, "\n");
    expected += "\n";
    const bool found = std::any_of(contents.begin(), contents.end(), [&](const std::string& content) {
      return content.ends_with(expected) &&
             content.find("X-Mail-Args: <sender@herald.test>\n") != std::string::npos &&  // no SIZE there
             content.find("X-Helo-Args: client.herald.test") != std::string::npos;
    });
    EXPECT_TRUE(found) << "not received as sent: " << delivery.message.substr(0, 60);
  }
}

TEST_F(SmtpConnectionTest, SmtpSinkWithoutPipelining) {
  const uint16_t port = StartSmtpSink({"-p"});
  REQUIRE_PEER(port);
  SessionReport report = Session(port, {TestDelivery(1), TestDelivery(2)});
  ASSERT_TRUE(report.opened) << report.open.failure.reply.text;
  EXPECT_FALSE(report.pipelining);
  ASSERT_EQ(report.attempts.size(), 2u);
  EXPECT_EQ(report.attempts[0].outcome, Outcome::kDelivered);
  EXPECT_EQ(report.attempts[1].outcome, Outcome::kDelivered);
  peer_->Stop();
  EXPECT_EQ(Dumps().size(), 2u);
}

TEST_F(SmtpConnectionTest, SmtpSinkWithoutEsmtpGetsHelo) {
  const uint16_t port = StartSmtpSink({"-e"});
  REQUIRE_PEER(port);
  SessionReport report = Session(port, {TestDelivery(1)});
  ASSERT_TRUE(report.opened) << report.open.failure.reply.text;
  EXPECT_FALSE(report.esmtp);
  ASSERT_EQ(report.attempts.size(), 1u);
  EXPECT_EQ(report.attempts[0].outcome, Outcome::kDelivered);
  peer_->Stop();
  ASSERT_EQ(Dumps().size(), 1u);
  EXPECT_NE(ReadFile(Dumps()[0]).find("X-Mail-Args: <sender@herald.test>\n"), std::string::npos)
      << "no SIZE=";
}

TEST_F(SmtpConnectionTest, RcptRefusedIsPermanentWithTheReplyRecordedThenRsetAndTheNextMessageGoes) {
  const uint16_t port = StartScripted({"--reply", "RCPT:1=550 5.1.1 <nobody@dest.test>: No such user here"});
  ASSERT_NE(port, 0);
  SessionReport report = Session(port, {TestDelivery(1, "nobody@dest.test"), TestDelivery(2)});
  ASSERT_TRUE(report.opened) << report.open.failure.reply.text;
  ASSERT_EQ(report.attempts.size(), 2u);
  const AttemptResult& refused = report.attempts[0];
  EXPECT_EQ(refused.outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(refused.reply.code, 550);
  EXPECT_EQ(refused.reply.enhanced_code, "5.1.1");
  EXPECT_EQ(refused.reply.text, "<nobody@dest.test>: No such user here");
  EXPECT_EQ(refused.reply.host, "127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(report.attempts[1].outcome, Outcome::kDelivered);
  peer_->Stop();
  const std::string transcript = Transcript();
  EXPECT_NE(transcript.find("1 RSET\n1 MAIL FROM:<sender@herald.test>"), std::string::npos) << transcript;
  ASSERT_EQ(Dumps(".eml").size(), 1u);
  EXPECT_EQ(ReadFile(Dumps(".eml")[0]), TestMessage(2)) << "dot-unstuffed by the server, byte for byte";
}

TEST_F(SmtpConnectionTest, DeferralAfterTheFinalDotIsTemporary) {
  const uint16_t port = StartScripted({"--reply", "DOT=451 4.3.0 Try again later"});
  ASSERT_NE(port, 0);
  SessionReport report = Session(port, {TestDelivery(1)});
  ASSERT_TRUE(report.opened);
  ASSERT_EQ(report.attempts.size(), 1u);
  EXPECT_EQ(report.attempts[0].outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(report.attempts[0].reply.code, 451);
  EXPECT_EQ(report.attempts[0].reply.enhanced_code, "4.3.0");
  EXPECT_EQ(report.attempts[0].reply.text, "Try again later");
  EXPECT_TRUE(report.usable_after);
}

TEST_F(SmtpConnectionTest, ConnectionRefusedIsTemporaryWithoutAReply) {
  SessionReport report = Session(FreePort(), {TestDelivery(1)});
  ASSERT_FALSE(report.opened);
  EXPECT_EQ(report.open.failure.outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(report.open.failure.reply.code, 0);
  EXPECT_EQ(report.open.failure.reply.enhanced_code, "4.4.1");
  EXPECT_TRUE(report.open.failure.reply.text.starts_with("cannot connect: "))
      << report.open.failure.reply.text;
  EXPECT_FALSE(report.open.failure.reply.host.empty());
}

TEST_F(SmtpConnectionTest, UnresolvableHostIsTemporary) {
  asio::io_context io;
  SessionReport report =
      RunCoroutine(io, OpenSendQuit(io.get_executor(), SmtpTarget{"no-such-host.invalid", 25}, TestOptions(),
                                    nullptr, {}, 0ms));
  ASSERT_FALSE(report.opened);
  EXPECT_EQ(report.open.failure.outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(report.open.failure.reply.code, 0);
  EXPECT_EQ(report.open.failure.reply.host, "no-such-host.invalid");
}

TEST_F(SmtpConnectionTest, GreetingRefusals) {
  {
    const uint16_t port = StartScripted({"--reply", "CONNECT=554 5.7.1 No SMTP service here"});
    ASSERT_NE(port, 0);
    SessionReport report = Session(port, {});
    ASSERT_FALSE(report.opened);
    EXPECT_EQ(report.open.failure.outcome, Outcome::kPermanentFailure);
    EXPECT_EQ(report.open.failure.reply.code, 554);
    EXPECT_EQ(report.open.failure.reply.text, "No SMTP service here");
  }
  {
    peer_.reset();
    fs::remove(dir_.path() / "port");
    const uint16_t port = StartScripted({"--reply", "CONNECT=421 4.3.2 Too busy"});
    ASSERT_NE(port, 0);
    SessionReport report = Session(port, {});
    ASSERT_FALSE(report.opened);
    EXPECT_EQ(report.open.failure.outcome, Outcome::kTemporaryFailure);
    EXPECT_EQ(report.open.failure.reply.code, 421);
  }
}

TEST_F(SmtpConnectionTest, GreetingTimeout) {
  const uint16_t port = StartScripted({"--delay", "CONNECT=5"});
  ASSERT_NE(port, 0);
  SmtpClientOptions options = TestOptions();
  options.greeting_timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  SessionReport report = Session(port, {}, options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  ASSERT_FALSE(report.opened);
  EXPECT_EQ(report.open.failure.outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(report.open.failure.reply.text, "lost connection while waiting for the greeting: timed out");
}

TEST_F(SmtpConnectionTest, StartTlsWithASelfSignedCertificate) {
  const uint16_t port = StartScripted(TlsFlags());
  ASSERT_NE(port, 0);
  asio::ssl::context tls(asio::ssl::context::tls_client);
  SessionReport report = Session(port, {TestDelivery(1), TestDelivery(2)}, TestOptions(), &tls);
  ASSERT_TRUE(report.opened) << report.open.failure.reply.text;
  EXPECT_TRUE(report.tls);
  EXPECT_TRUE(report.pipelining) << "learnt from the EHLO over TLS";
  ASSERT_EQ(report.attempts.size(), 2u);
  EXPECT_EQ(report.attempts[0].outcome, Outcome::kDelivered);
  EXPECT_EQ(report.attempts[1].outcome, Outcome::kDelivered);
  peer_->Stop();
  EXPECT_NE(Transcript().find("1 STARTTLS\n1 TLS\n1 EHLO client.herald.test\n1 MAIL"), std::string::npos)
      << Transcript();
  ASSERT_EQ(Dumps(".json").size(), 2u);
  EXPECT_NE(ReadFile(Dumps(".json")[0]).find("\"tls\": true"), std::string::npos);
  EXPECT_EQ(ReadFile(Dumps(".eml")[1]), TestMessage(2));
}

TEST_F(SmtpConnectionTest, RequiredTlsNotOfferedSendsNothing) {
  const uint16_t port = StartScripted({});
  ASSERT_NE(port, 0);
  asio::ssl::context tls(asio::ssl::context::tls_client);
  SmtpClientOptions options = TestOptions();
  options.require_tls = true;
  SessionReport report = Session(port, {TestDelivery(1)}, options, &tls);
  ASSERT_FALSE(report.opened);
  EXPECT_EQ(report.open.failure.outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(report.open.failure.reply.enhanced_code, "4.7.4");
  peer_->Stop();
  EXPECT_EQ(Transcript().find("MAIL"), std::string::npos);
}

TEST_F(SmtpConnectionTest, UnverifiableCertificateFailsWhenTlsIsRequiredAndFallsBackToClearOtherwise) {
  const uint16_t port = StartScripted(TlsFlags());
  ASSERT_NE(port, 0);
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  SmtpClientOptions options = TestOptions();
  options.verify_certificate = true;
  options.require_tls = true;
  SessionReport required = Session(port, {TestDelivery(1)}, options, &tls);
  ASSERT_FALSE(required.opened);
  EXPECT_EQ(required.open.failure.outcome, Outcome::kTemporaryFailure);
  EXPECT_TRUE(required.open.failure.reply.text.starts_with("TLS handshake failed: "))
      << required.open.failure.reply.text;

  options.require_tls = false;
  SessionReport opportunistic = Session(port, {TestDelivery(2)}, options, &tls);
  ASSERT_TRUE(opportunistic.opened) << opportunistic.open.failure.reply.text;
  EXPECT_FALSE(opportunistic.tls);
  ASSERT_EQ(opportunistic.attempts.size(), 1u);
  EXPECT_EQ(opportunistic.attempts[0].outcome, Outcome::kDelivered);
  peer_->Stop();
  ASSERT_EQ(Dumps(".json").size(), 1u);
  EXPECT_NE(ReadFile(Dumps(".json")[0]).find("\"tls\": false"), std::string::npos);
}

TEST_F(SmtpConnectionTest, ConnectionLostAfterTheFinalDotIsTemporaryAndMayDuplicate) {
  const uint16_t port = StartScripted({"--reply", "DOT=DISCONNECT"});
  ASSERT_NE(port, 0);
  SessionReport report = Session(port, {TestDelivery(1)});
  ASSERT_TRUE(report.opened);
  ASSERT_EQ(report.attempts.size(), 1u);
  EXPECT_EQ(report.attempts[0].outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(report.attempts[0].reply.code, 0);
  EXPECT_NE(report.attempts[0].reply.text.find("may be delivered twice"), std::string::npos)
      << report.attempts[0].reply.text;
  EXPECT_FALSE(report.attempts[0].lost_before_reply);
  EXPECT_FALSE(report.usable_after);
}

TEST_F(SmtpConnectionTest, IdleConnectionClosedByTheServerIsSafeToRetry) {
  const uint16_t port = StartScripted({"--idle-timeout", "0.2"});
  ASSERT_NE(port, 0);
  SessionReport report = Session(port, {TestDelivery(1)}, TestOptions(), nullptr, 700ms);
  ASSERT_TRUE(report.opened);
  ASSERT_EQ(report.attempts.size(), 1u);
  EXPECT_EQ(report.attempts[0].outcome, Outcome::kTemporaryFailure);
  EXPECT_TRUE(report.attempts[0].lost_before_reply) << report.attempts[0].reply.text;
  EXPECT_FALSE(report.usable_after);
}

TEST_F(SmtpConnectionTest, OversizedReplyLineIsAProtocolError) {
  const uint16_t port = StartScripted({"--reply", "MAIL=250 " + std::string(3000, 'x')});
  ASSERT_NE(port, 0);
  SessionReport report = Session(port, {TestDelivery(1)});
  ASSERT_TRUE(report.opened);
  ASSERT_EQ(report.attempts.size(), 1u);
  EXPECT_EQ(report.attempts[0].outcome, Outcome::kTemporaryFailure);
  EXPECT_NE(report.attempts[0].reply.text.find("malformed reply: reply line longer than 2048 bytes"),
            std::string::npos)
      << report.attempts[0].reply.text;
  EXPECT_FALSE(report.usable_after);
}

TEST_F(SmtpConnectionTest, ServiceClosingAtMailMakesTheConnectionUnusable) {
  const uint16_t port = StartScripted({"--reply", "MAIL=421 4.7.0 Too many errors"});
  ASSERT_NE(port, 0);
  SessionReport report = Session(port, {TestDelivery(1), TestDelivery(2)});
  ASSERT_TRUE(report.opened);
  ASSERT_EQ(report.attempts.size(), 1u);
  EXPECT_EQ(report.attempts[0].outcome, Outcome::kTemporaryFailure);
  EXPECT_EQ(report.attempts[0].reply.code, 421);
  EXPECT_FALSE(report.usable_after);
}

TEST_F(SmtpConnectionTest, SizeAndSmtpUtf8AreDecidedBeforeSending) {
  const uint16_t port = StartScripted({"--size", "200", "--no-smtputf8", "--no-pipelining"});
  ASSERT_NE(port, 0);
  Delivery big = TestDelivery(1);
  big.message += std::string(300, 'x') + "\r\n";
  Delivery international = TestDelivery(2, "j\xc3\xb8rn@dest.test");
  SessionReport report = Session(port, {big, international, TestDelivery(3)});
  ASSERT_TRUE(report.opened);
  ASSERT_EQ(report.attempts.size(), 3u);
  EXPECT_EQ(report.attempts[0].outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(report.attempts[0].reply.enhanced_code, "5.3.4");
  EXPECT_EQ(report.attempts[1].outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(report.attempts[1].reply.enhanced_code, "5.6.7");
  EXPECT_EQ(report.attempts[2].outcome, Outcome::kDelivered);
  peer_->Stop();
  const std::string transcript = Transcript();
  EXPECT_NE(transcript.find("1 MAIL FROM:<sender@herald.test> SIZE=" + std::to_string(TestMessage(3).size())),
            std::string::npos)
      << transcript;
  EXPECT_EQ(transcript.find("RSET"), std::string::npos) << "nothing was sent for the refused ones";
}

}  // namespace
}  // namespace herald::delivery
