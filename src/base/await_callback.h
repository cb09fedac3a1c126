// AwaitCallback: lets a coroutine await an operation that reports through a callback
// (such as a Store write), resuming on the coroutine's own executor.
//
//   Status s = co_await AwaitCallback<Status>([&](auto done) { store.CreateApiKey(key, done); });
//
// The callback may run on any thread, exactly once. It posts the value to the coroutine's executor
// and wakes the coroutine through a timer there, so the coroutine is only ever resumed by an
// ordinary Asio operation on its own executor (never from a foreign thread). The shared state keeps
// the timer alive if the coroutine is destroyed before the callback runs.
//
// Thread-safety: as the started operation's.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>

namespace herald {

template <typename T, typename Start>
boost::asio::awaitable<T> AwaitCallback(Start start) {
  struct State {
    explicit State(const boost::asio::any_io_executor& executor) : timer(executor) {}
    boost::asio::steady_timer timer;
    std::optional<T> value;
  };
  auto executor = co_await boost::asio::this_coro::executor;
  auto state = std::make_shared<State>(executor);
  state->timer.expires_at(boost::asio::steady_timer::time_point::max());
  start(std::function<void(T)>([state, executor](T value) {
    boost::asio::post(executor, [state, value = std::move(value)]() mutable {
      state->value.emplace(std::move(value));
      state->timer.cancel();
    });
  }));
  while (!state->value) {
    boost::system::error_code ec;
    co_await state->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
  co_return std::move(*state->value);
}

}  // namespace herald
