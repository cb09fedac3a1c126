// WebhookService: what the API does with webhooks — make one (its secret generated unless given, and
// sealed before it is stored), change, enable or disable one, remove one — each one store write,
// after which the dispatcher is told to read the webhooks again.
//
// Errors (Status codes, for the API to name):
//   Create, Update  InvalidArgument     the URL names an address that is not public while private
//                                       networks are not allowed (the message may be shown)
//   Create          ResourceExhausted   the account has kMaxWebhooksPerAccount webhooks already
//   Update, Remove  NotFound            not this account's webhook
//   any             the store's error
// The caller has checked the rest (the URL's form, the event types, the secret's form).
//
// Thread-safety: every method may be called concurrently from any executor; `changed` must be safe
// to call from any thread.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/secret_box.h"
#include "core/webhook.h"
#include "storage/store.h"

namespace herald::webhooks {

inline constexpr size_t kMaxWebhooksPerAccount = 20;

struct WebhookSettings {
  std::string url;  // checked by ParseWebhookUrl
  core::WebhookEventFilter events;
  std::optional<std::string> secret;  // checked by CheckWebhookSecret; unset: one is generated
  bool enabled = true;
};

// The members a PATCH gave; unset ones stay as they are.
struct WebhookChange {
  std::optional<std::string> url;
  std::optional<core::WebhookEventFilter> events;
  std::optional<std::string> secret;
  std::optional<bool> enabled;
};

struct CreatedWebhook {
  core::Webhook webhook;
  std::string secret;  // shown once, in the answer to the creation
};

class WebhookService {
 public:
  WebhookService(storage::Store& store, const SecretBox& secrets, const Clock& clock, bool allow_private_networks,
                 std::function<void()> changed);

  boost::asio::awaitable<Result<CreatedWebhook>> Create(std::string account_id, WebhookSettings settings);
  boost::asio::awaitable<Result<core::Webhook>> Update(std::string account_id, std::string webhook_id,
                                                       WebhookChange change);
  boost::asio::awaitable<Status> Remove(std::string account_id, std::string webhook_id);

 private:
  Status CheckReachable(const std::string& url) const;

  storage::Store& store_;
  const SecretBox& secrets_;
  const Clock& clock_;
  const bool allow_private_networks_;
  std::function<void()> changed_;
};

}  // namespace herald::webhooks
