#include "smtpd/session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/printable.h"
#include "smtp/data_receiver.h"

namespace herald::smtpd {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr size_t kReadChunk = 64 * 1024;
constexpr Duration kWriteTimeout{60'000};
constexpr Duration kHandshakeTimeout{30'000};
class SessionImpl final : public SessionHandle, public std::enable_shared_from_this<SessionImpl> {
 public:
  SessionImpl(tcp::socket socket, const SessionOptions& options, SessionServices services, std::function<void()> ended)
      : socket_(std::move(socket)),
        options_(options),
        services_(services),
        ended_(std::move(ended)),
        protocol_(options.protocol),
        timer_(socket_.get_executor()) {
    error_code ec;
    tcp::endpoint remote = socket_.remote_endpoint(ec);
    if (!ec) {
      peer_.address = remote.address().to_string();
      if (remote.address().is_v4()) {
        auto bytes = remote.address().to_v4().to_bytes();
        peer_.ip = core::IpAddress::FromBytes(bytes);
      } else {
        auto bytes = remote.address().to_v6().to_bytes();
        peer_.ip = core::IpAddress::FromBytes(bytes);
      }
    }
    socket_.set_option(tcp::no_delay(true), ec);
    policy_ = services_.policies(peer_);
    Disarm();
  }

  void Start() {
    auto self = shared_from_this();
    asio::co_spawn(socket_.get_executor(), Watchdog(self), asio::detached);
    asio::co_spawn(socket_.get_executor(), Run(self), asio::detached);
  }

  void Shutdown() override {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (self->reading_) {
        error_code ec;
        self->socket_.cancel(ec);
      }
    });
  }

 private:
  // ---- I/O with a deadline (the watchdog closes the socket when it passes) ----

  // `self` keeps the session alive while the coroutine runs.
  asio::awaitable<void> Watchdog([[maybe_unused]] std::shared_ptr<SessionImpl> self) {
    while (!finished_) {
      error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (finished_) break;
      if (timer_.expiry() <= asio::steady_timer::clock_type::now()) {
        timed_out_ = true;
        socket_.close(ec);
        break;
      }
    }
  }

  void Arm(Duration timeout) { timer_.expires_after(timeout); }
  void Disarm() { timer_.expires_at(asio::steady_timer::time_point::max()); }

  // Reads some bytes onto the end of in_; false at the end of the connection, an error or a timeout.
  asio::awaitable<bool> ReadMore(Duration timeout) {
    size_t old = in_.size();
    in_.resize(old + kReadChunk);
    if (stopping_) co_return false;
    Arm(timeout);
    reading_ = true;
    error_code ec;
    size_t n = tls_ ? co_await tls_->async_read_some(asio::buffer(in_.data() + old, kReadChunk),
                                                     asio::redirect_error(asio::use_awaitable, ec))
                    : co_await socket_.async_read_some(asio::buffer(in_.data() + old, kReadChunk),
                                                       asio::redirect_error(asio::use_awaitable, ec));
    reading_ = false;
    Disarm();
    in_.resize(old + n);
    co_return !ec;
  }

  asio::awaitable<bool> Flush() {
    if (out_.empty()) co_return true;
    Arm(kWriteTimeout);
    error_code ec;
    if (tls_) {
      co_await asio::async_write(*tls_, asio::buffer(out_), asio::redirect_error(asio::use_awaitable, ec));
    } else {
      co_await asio::async_write(socket_, asio::buffer(out_), asio::redirect_error(asio::use_awaitable, ec));
    }
    Disarm();
    out_.clear();
    co_return !ec;
  }

  // Drops what was read up to `pos_`, keeping the buffer from growing with a long session.
  void Compact() {
    if (pos_ == 0) return;
    in_.erase(0, pos_);
    pos_ = 0;
  }

  // ---- the conversation ----

  enum class LineResult { kLine, kTooLong, kClosed };

  // The next command line (without CRLF) into `line`, reading as needed; replies produced so far
  // are written first when the client must be waited for.
  asio::awaitable<LineResult> NextLine(std::string& line) {
    for (;;) {
      size_t lf = in_.find('\n', pos_);
      if (lf != std::string::npos) {
        size_t end = lf;
        bool crlf = end > pos_ && in_[end - 1] == '\r';
        if (crlf) --end;
        line.assign(in_, pos_, end - pos_);
        // A bare LF ends the line too, but the line keeps it, so the state machine refuses it as a
        // control character: commands must end with CRLF.
        if (!crlf) line.push_back('\n');
        pos_ = lf + 1;
        if (discarding_) {
          discarding_ = false;
          continue;
        }
        co_return LineResult::kLine;
      }
      if (in_.size() - pos_ > smtp::kMaxAuthLineBytes) {
        pos_ = in_.size();
        if (!discarding_) {
          discarding_ = true;
          co_return LineResult::kTooLong;
        }
      }
      Compact();
      if (stopping_ || !co_await Flush()) co_return LineResult::kClosed;
      bool read = co_await ReadMore(options_.command_timeout);
      if (!read) co_return LineResult::kClosed;
    }
  }

  asio::awaitable<void> Run([[maybe_unused]] std::shared_ptr<SessionImpl> self) {
    co_await Converse();
    finished_ = true;
    error_code ec;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    if (ended_) ended_();
  }

  asio::awaitable<void> Converse() {
    auto log = Logger("smtpd");
    if (options_.protocol.implicit_tls) {
      // The implicit-TLS port: the handshake comes first; the state machine knows it runs under TLS.
      tls_.emplace(socket_, *services_.tls);
      if (!co_await Handshake()) co_return;
    }
    policy_->Begin(protocol_);
    out_ += protocol_.Greeting().output;

    std::string line;
    for (;;) {
      LineResult got = co_await NextLine(line);
      smtp::ServerStep step;
      if (got == LineResult::kClosed) {
        if (timed_out_) {
          log->info("{}: timed out waiting for a command", peer_.address);
          timed_out_ = false;
          out_ += protocol_.OnTimeout().output;
          (void)co_await Flush();
        } else if (stopping_) {
          out_ += "421 4.3.2 " + options_.protocol.hostname + " Service shutting down\r\n";
          (void)co_await Flush();
        }
        co_return;
      }
      step = got == LineResult::kTooLong ? protocol_.OnLineTooLong() : protocol_.OnLine(line);
      if (!co_await Perform(step)) co_return;
    }
  }

  // Writes the step's replies (buffered) and carries out its action and the ones that follow from it.
  // False once the session is over.
  asio::awaitable<bool> Perform(smtp::ServerStep step) {
    for (;;) {
      out_ += step.output;
      switch (step.action) {
        case smtp::Action::kNone:
          co_return true;
        case smtp::Action::kClose:
          (void)co_await Flush();
          co_return false;
        case smtp::Action::kStartTls:
          if (!co_await Flush()) co_return false;
          // Anything the client sent after STARTTLS, before the handshake, is dropped: it could
          // otherwise be taken as commands sent under TLS (CVE-2011-0411).
          in_.clear();
          pos_ = 0;
          tls_.emplace(socket_, *services_.tls);
          if (!co_await Handshake()) co_return false;
          protocol_.OnTlsStarted();
          policy_->Begin(protocol_);
          co_return true;
        case smtp::Action::kAuthenticate:
          step = protocol_.OnAuthResult(policy_->Authenticate(protocol_));
          continue;
        case smtp::Action::kReadData: {
          if (!co_await Flush()) co_return false;
          std::optional<smtp::DataOutcome> outcome = co_await ReadData();
          if (!outcome) {
            // The connection ended (or is being shut down) inside the data: nothing is stored, and
            // the client, told nothing but 421, sends the message again later.
            if (stopping_) {
              out_ += "421 4.3.2 " + options_.protocol.hostname + " Service shutting down\r\n";
              (void)co_await Flush();
            }
            co_return false;
          }
          step = protocol_.OnData(*outcome);
          continue;
        }
        case smtp::Action::kStore: {
          std::string message = std::move(message_);
          message_.clear();
          step = protocol_.OnStored(co_await policy_->Deliver(protocol_.envelope(), std::move(message)));
          continue;
        }
      }
    }
  }

  asio::awaitable<bool> Handshake() {
    Arm(kHandshakeTimeout);
    error_code ec;
    co_await tls_->async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    Disarm();
    if (ec) {
      Logger("smtpd")->info("{}: TLS handshake failed: {}", peer_.address, Printable(ec.message(), 200));
      co_return false;
    }
    co_return true;
  }

  // The data's outcome; nullopt when the connection ended (or timed out) before the data did.
  asio::awaitable<std::optional<smtp::DataOutcome>> ReadData() {
    smtp::DataReceiver receiver(protocol_.max_message_bytes());
    for (;;) {
      pos_ += receiver.Feed(std::string_view(in_).substr(pos_));
      if (receiver.done()) break;
      Compact();
      if (!co_await ReadMore(options_.data_timeout)) {
        if (timed_out_) Logger("smtpd")->info("{}: timed out reading message data", peer_.address);
        co_return std::nullopt;
      }
    }
    if (receiver.outcome() == smtp::DataOutcome::kComplete) message_ = receiver.TakeMessage();
    co_return receiver.outcome();
  }

  tcp::socket socket_;
  std::optional<ssl::stream<tcp::socket&>> tls_;
  const SessionOptions& options_;
  SessionServices services_;
  std::function<void()> ended_;
  smtp::ServerSession protocol_;
  asio::steady_timer timer_;
  Peer peer_;
  std::unique_ptr<SessionPolicy> policy_;
  std::string in_;
  size_t pos_ = 0;
  std::string out_;
  std::string message_;
  bool discarding_ = false;
  bool reading_ = false;  // a read is pending: Shutdown cancels it
  bool stopping_ = false;
  bool timed_out_ = false;
  bool finished_ = false;
};

}  // namespace

std::shared_ptr<SessionHandle> StartSession(tcp::socket socket, const SessionOptions& options, SessionServices services,
                                            std::function<void()> ended) {
  auto session = std::make_shared<SessionImpl>(std::move(socket), options, services, std::move(ended));
  session->Start();
  return session;
}

}  // namespace herald::smtpd
