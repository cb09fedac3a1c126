// ConnectionPool: idle outbound SMTP connections kept for reuse across messages (DESIGN §4:
// connection reuse), keyed by destination — the smarthost in relay mode, an MX host name in MX
// mode. Shared by RelayTransport and MxTransport.
//
// A message goes first on the most recently used idle connection to its destination (the session
// sends RSET first when the previous transaction failed). A connection idle longer than
// `idle_timeout` is not reused: it is closed (QUIT, in the background) whenever the pool is used.
// At most `max_idle` connections are kept in all; beyond, the longest idle is closed. A reused
// connection that the server had closed meanwhile (its idle timeout) is noticed before any byte of
// the message was accepted (`lost_before_reply`): SendOnIdle then says "none" and the caller opens a
// new one — so a server's idle timeout never defers a message.
//
// Thread-safety: used on one executor (the delivery thread). Connections closed in the background
// run there until their QUIT ends (at most the QUIT time limit); the TLS context they use must
// outlive them, as must the executor's io_context's run().
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "delivery/smtp_connection.h"

namespace herald::delivery {

class ConnectionPool {
 public:
  ConnectionPool(boost::asio::any_io_executor executor, std::chrono::steady_clock::duration idle_timeout,
                 size_t max_idle);

  // Sends on an idle connection to `key` when there is one still usable; nullopt when there is
  // none (or the one tried had been closed by the server: safe to send again on a new one).
  // `raw` must stay valid until the returned awaitable completes.
  boost::asio::awaitable<std::optional<AttemptResult>> SendOnIdle(const std::string& key,
                                                                  const Envelope& envelope,
                                                                  std::string_view raw);
  // Sends on `connection` (just opened) and keeps it for reuse when still usable.
  boost::asio::awaitable<AttemptResult> SendAndKeep(const std::string& key,
                                                    std::unique_ptr<SmtpConnection> connection,
                                                    const Envelope& envelope, std::string_view raw);
  // QUITs every idle connection, waiting for each (shutdown).
  boost::asio::awaitable<void> CloseAll();

  size_t idle() const { return idle_.size(); }

 private:
  struct Idle {
    std::string key;
    std::unique_ptr<SmtpConnection> connection;
    std::chrono::steady_clock::time_point since;
  };
  using IdleList = std::list<Idle>;  // longest idle first

  std::unique_ptr<SmtpConnection> TakeNewest(const std::string& key);
  void Keep(const std::string& key, std::unique_ptr<SmtpConnection> connection);
  void CloseStale();                      // idle past idle_timeout, or too many
  void Forget(IdleList::iterator entry);  // from by_key_ (and idle_)
  void CloseInBackground(std::unique_ptr<SmtpConnection> connection);

  boost::asio::any_io_executor executor_;
  std::chrono::steady_clock::duration idle_timeout_;
  size_t max_idle_;
  IdleList idle_;
  std::unordered_map<std::string, std::vector<IdleList::iterator>> by_key_;  // most recent last
};

}  // namespace herald::delivery
