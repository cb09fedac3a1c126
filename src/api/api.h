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
#include "http/router.h"
#include "intake/intake.h"
#include "storage/store.h"

namespace herald::api {

struct ApiContext {
  storage::Store& store;
  intake::Intake& intake;
  Authenticator& authenticator;
  const Clock& clock;
  // False once shutdown began: /readyz then answers 503 so load balancers move away.
  std::atomic<bool>& accepting;
};

void RegisterRoutes(http::Router& router, ApiContext& context);

// The OpenAPI 3 document served at /v1/openapi.json (docs/openapi.json, built in).
std::string_view OpenApiDocument();

}  // namespace herald::api
