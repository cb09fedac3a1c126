#include "delivery/connection_pool.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace herald::delivery {
namespace {

namespace asio = boost::asio;

asio::awaitable<void> QuitAndClose(std::unique_ptr<SmtpConnection> connection) {
  co_await connection->Quit();
}

}  // namespace

ConnectionPool::ConnectionPool(asio::any_io_executor executor,
                               std::chrono::steady_clock::duration idle_timeout, size_t max_idle)
    : executor_(std::move(executor)), idle_timeout_(idle_timeout), max_idle_(std::max<size_t>(max_idle, 1)) {}

asio::awaitable<std::optional<AttemptResult>> ConnectionPool::SendOnIdle(const std::string& key,
                                                                         const Envelope& envelope,
                                                                         std::string_view raw) {
  CloseStale();
  while (std::unique_ptr<SmtpConnection> connection = TakeNewest(key)) {
    if (!connection->usable()) continue;  // closed after an error: nothing to say to the server
    AttemptResult result = co_await connection->Send(envelope, raw);
    // The server had closed the idle connection before answering anything: safe to send again, on
    // a new connection (the older idle ones are likely closed too).
    if (result.lost_before_reply) co_return std::nullopt;
    Keep(key, std::move(connection));
    co_return result;
  }
  co_return std::nullopt;
}

asio::awaitable<AttemptResult> ConnectionPool::SendAndKeep(const std::string& key,
                                                           std::unique_ptr<SmtpConnection> connection,
                                                           const Envelope& envelope, std::string_view raw) {
  AttemptResult result = co_await connection->Send(envelope, raw);
  Keep(key, std::move(connection));
  co_return result;
}

asio::awaitable<void> ConnectionPool::CloseAll() {
  IdleList idle = std::move(idle_);
  idle_.clear();
  by_key_.clear();
  for (Idle& entry : idle) co_await entry.connection->Quit();
}

std::unique_ptr<SmtpConnection> ConnectionPool::TakeNewest(const std::string& key) {
  auto found = by_key_.find(key);
  if (found == by_key_.end()) return nullptr;
  IdleList::iterator entry = found->second.back();
  std::unique_ptr<SmtpConnection> connection = std::move(entry->connection);
  Forget(entry);
  return connection;
}

void ConnectionPool::Keep(const std::string& key, std::unique_ptr<SmtpConnection> connection) {
  if (!connection->usable()) return;  // already closed; destroying it frees the socket
  idle_.push_back({key, std::move(connection), std::chrono::steady_clock::now()});
  by_key_[key].push_back(std::prev(idle_.end()));
  CloseStale();
}

void ConnectionPool::CloseStale() {
  const auto now = std::chrono::steady_clock::now();
  while (!idle_.empty() && (idle_.size() > max_idle_ || now - idle_.front().since > idle_timeout_)) {
    std::unique_ptr<SmtpConnection> connection = std::move(idle_.front().connection);
    Forget(idle_.begin());
    CloseInBackground(std::move(connection));
  }
}

void ConnectionPool::Forget(IdleList::iterator entry) {
  auto found = by_key_.find(entry->key);
  std::vector<IdleList::iterator>& entries = found->second;
  entries.erase(std::find(entries.begin(), entries.end(), entry));
  if (entries.empty()) by_key_.erase(found);
  idle_.erase(entry);
}

void ConnectionPool::CloseInBackground(std::unique_ptr<SmtpConnection> connection) {
  if (!connection->usable()) return;
  asio::co_spawn(executor_, QuitAndClose(std::move(connection)), asio::detached);
}

}  // namespace herald::delivery
