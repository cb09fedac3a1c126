// AwaitCallback: lets a coroutine await an operation that reports through a callback
// (such as a Store write), resuming on the coroutine's own executor.
//
//   Status s = co_await AwaitCallback<Status>([&](auto done) { store.CreateApiKey(key, done); });
//
// The callback may run on any thread, exactly once. Thread-safety: as the started operation's.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>

namespace herald {

template <typename T, typename Start>
boost::asio::awaitable<T> AwaitCallback(Start start) {
  auto executor = co_await boost::asio::this_coro::executor;
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(T)>(
      [&start, executor](auto handler) {
        // std::function needs a copyable callable; the handler is move-only, so share it.
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        start(std::function<void(T)>([shared, executor](T value) {
          boost::asio::post(executor, [shared, value = std::move(value)]() mutable {
            (*shared)(std::move(value));
          });
        }));
      },
      boost::asio::use_awaitable);
}

}  // namespace herald
