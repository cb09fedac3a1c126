// Waiting for an asynchronous Store write: for blocking callers only (the CLI, `herald init`, tests).
//
// Never call these on an I/O thread or inside a write's `done`: they block until the write is on disk.
// If the operation drops its callback without calling it, the wait ends with Internal instead of
// hanging.
//
// Thread-safety: each call waits on its own promise; safe from any thread that may block.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <utility>

#include "base/status.h"
#include "storage/store.h"

namespace herald::storage {

// Runs `start` with a callback and waits until the callback has run: Status s = WaitFor([&](auto done)
// { store.CreateApiKey(key, done); });
inline Status WaitFor(std::function<void(StatusCallback)> start) {
  // Shared with the callback, so the promise outlives set_value even when the waiter wakes at once.
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> future = promise->get_future();
  start([promise](Status status) { promise->set_value(std::move(status)); });
  try {
    return future.get();
  } catch (const std::future_error&) {
    return Status::Internal("the operation ended without answering");
  }
}

template <class T>
Result<T> WaitForResult(std::function<void(ResultCallback<T>)> start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  std::future<Result<T>> future = promise->get_future();
  start([promise](Result<T> result) { promise->set_value(std::move(result)); });
  try {
    return future.get();
  } catch (const std::future_error&) {
    return Status::Internal("the operation ended without answering");
  }
}

}  // namespace herald::storage
