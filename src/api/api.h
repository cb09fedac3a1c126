// The HTTP API (/v1, DESIGN §2 and §2a): routes, authentication, JSON shapes. A thin face over
// intake/ (sending) and the store (reading), so that API and SMTP accept messages the same way.
//
// Thread-safety: the handlers may run concurrently on many threads; everything in ApiContext must
// be safe for that. Untrusted input: every request.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "api/authenticator.h"
#include "base/clock.h"
#include "domains/service.h"
#include "http/router.h"
#include "intake/intake.h"
#include "queue/queue_admin.h"
#include "storage/store.h"
#include "tracking/reader.h"
#include "tracking/token.h"
#include "webhooks/service.h"

namespace herald::api {

struct ApiContext {
  storage::Store& store;
  intake::Intake& intake;
  Authenticator& authenticator;
  const Clock& clock;
  // False once shutdown began: /readyz then answers 503 so load balancers move away.
  std::atomic<bool>& accepting;
  // Sending domains (/v1/domains); without it they answer 503.
  domains::DomainService* domains = nullptr;
  // Delivery's queue administration (/v1/queue, retry, cancel); without it they answer 503.
  queue::QueueAdmin* queue_admin = nullptr;
  // The configured IP pools' names: an account may name one.
  std::vector<std::string> pools = {std::string(core::kDefaultPool)};
  // Open and click tracking (/t/o, /t/c); without a codec they answer 404.
  const tracking::TokenCodec* tracking = nullptr;
  tracking::AddressPolicy record_ip = tracking::AddressPolicy::kAnonymized;
  // Webhooks (/v1/webhooks changes); without it they answer 503.
  webhooks::WebhookService* webhooks = nullptr;
  // Moves the daemon's clock forward (testing.adjustable_clock); unset: POST /v1/test/clock is 404.
  std::function<void(Duration)> advance_clock;
};

void RegisterRoutes(http::Router& router, ApiContext& context);

// The OpenAPI 3 document served at /v1/openapi.json (docs/openapi.json, built in).
std::string_view OpenApiDocument();

}  // namespace herald::api
