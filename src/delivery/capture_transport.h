// CaptureTransport (delivery.mode = capture): every message is "delivered" into the sandbox, where
// the API shows it (GET /v1/sandbox/messages); nothing leaves the machine.
//
// Thread-safety: stateless.
#pragma once

#include "delivery/transport.h"

namespace herald::delivery {

class CaptureTransport final : public Transport {
 public:
  bool NeedsContent() const override { return false; }
  bool RefusalsAreBounces() const override { return false; }
  bool Captures() const override { return true; }
  boost::asio::awaitable<AttemptResult> Attempt(const storage::DeliveryItem&, const Route&) override {
    co_return AttemptResult{Outcome::kDelivered, core::RemoteReply{"sandbox", 250, "2.0.0", "captured"}};
  }
  boost::asio::awaitable<void> Close() override { co_return; }
};

}  // namespace herald::delivery
