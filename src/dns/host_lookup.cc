#include "dns/host_lookup.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace herald::dns {

namespace asio = boost::asio;
using asio::ip::tcp;

asio::awaitable<std::vector<tcp::endpoint>> LookUpHost(asio::any_io_executor executor, const std::string& host,
                                                       uint16_t port, std::chrono::steady_clock::time_point deadline,
                                                       boost::system::error_code& ec) {
  // The timer's handler holds only a weak reference, since it may run after this frame is gone.
  auto resolver = std::make_shared<tcp::resolver>(executor);
  asio::steady_timer timer(executor, deadline);
  timer.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](boost::system::error_code wait_ec) {
    if (wait_ec) return;
    if (auto alive = weak.lock()) alive->cancel();
  });
  auto results = co_await resolver->async_resolve(host, std::to_string(port),
                                                  asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  std::vector<tcp::endpoint> endpoints;
  if (!ec) {
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }
  co_return endpoints;
}

}  // namespace herald::dns
