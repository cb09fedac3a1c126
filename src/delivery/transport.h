// Transport: one way of making a delivery attempt (capture, relay; later mx and sms), chosen by
// delivery.mode. The dispatcher decides when to attempt and records what came of it; a transport
// only attempts.
//
// Thread-safety: used from the delivery executor only (one thread). Attempt may run concurrently
// with itself as several coroutines on that executor.
#pragma once

#include <utility>
#include <boost/asio/awaitable.hpp>

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
  virtual boost::asio::awaitable<AttemptResult> Attempt(const storage::DeliveryItem& item) = 0;
  // Closes idle connections; called once at shutdown after the last attempt ended.
  virtual boost::asio::awaitable<void> Close() = 0;
};

}  // namespace herald::delivery
