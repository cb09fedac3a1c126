// Transport: one way of making a delivery attempt (capture, relay, mx; later sms), chosen by
// delivery.mode. The dispatcher decides when to attempt and where to (the message's Route, see
// delivery/route.h) and records what came of it; a transport only attempts.
//
// Thread-safety: used from the delivery executor only (one thread). Attempt may run concurrently
// with itself as several coroutines on that executor.
#pragma once

#include <utility>
#include <boost/asio/awaitable.hpp>

#include "delivery/route.h"
#include "delivery/smtp_connection.h"
#include "storage/store.h"

namespace herald::delivery {

class Transport {
 public:
  virtual ~Transport() = default;
  // Whether Attempt needs the message's record and MIME bytes loaded from the store.
  virtual bool NeedsContent() const = 0;
  // Whether a delivered message is kept in the sandbox.
  virtual bool Captures() const = 0;
  // Whether a permanent refusal is a bounce (it came from the recipient's own servers or DNS) rather
  // than a failure (an intermediary's refusal, which need not concern the recipient).
  virtual bool RefusalsAreBounces() const = 0;
  // One attempt for `item` (its record and, when NeedsContent, its MIME bytes) along `route`, whose
  // verdict is unset. Both must stay valid until the returned awaitable completes.
  virtual boost::asio::awaitable<AttemptResult> Attempt(const storage::DeliveryItem& item, const Route& route) = 0;
  // Closes idle connections; called once at shutdown after the last attempt ended.
  virtual boost::asio::awaitable<void> Close() = 0;
};

}  // namespace herald::delivery
