#include "webhooks/service.h"

#include "base/await_callback.h"
#include "base/log.h"
#include "base/random.h"
#include "webhooks/address_policy.h"
#include "webhooks/signature.h"
#include "webhooks/url.h"

namespace herald::webhooks {

namespace {

// A generated id that is taken (80 random bits: practically never) is drawn again.
constexpr int kCreateAttempts = 3;

}  // namespace

WebhookService::WebhookService(storage::Store& store, const SecretBox& secrets, const Clock& clock,
                               bool allow_private_networks, std::function<void()> changed)
    : store_(store),
      secrets_(secrets),
      clock_(clock),
      allow_private_networks_(allow_private_networks),
      changed_(std::move(changed)) {}

Status WebhookService::CheckReachable(const std::string& url) const {
  Result<WebhookUrl> parsed = ParseWebhookUrl(url);
  if (!parsed.ok()) return parsed.status();
  if (allow_private_networks_ || !parsed->host_is_address) return Status::Ok();
  // A name is checked at each connection (it may resolve elsewhere later); an address can be now.
  std::optional<core::IpAddress> address = core::IpAddress::Parse(parsed->host);
  if (!address || !IsPublicAddress(*address)) {
    return Status::InvalidArgument("url names " + parsed->host +
                                   ", which is not a public address; this server delivers webhooks to public addresses only");
  }
  return Status::Ok();
}

boost::asio::awaitable<Result<CreatedWebhook>> WebhookService::Create(std::string account_id,
                                                                      WebhookSettings settings) {
  if (Status reachable = CheckReachable(settings.url); !reachable.ok()) co_return reachable;
  auto existing = store_.ListWebhooks(account_id);
  if (!existing.ok()) co_return existing.status();
  if (existing->size() >= kMaxWebhooksPerAccount) {
    co_return Status::ResourceExhausted("an account has at most " + std::to_string(kMaxWebhooksPerAccount) +
                                        " webhooks");
  }
  const TimePoint now = clock_.Now();
  CreatedWebhook created;
  created.secret = settings.secret ? *settings.secret : NewWebhookSecret();
  core::Webhook& w = created.webhook;
  w.account_id = account_id;
  w.url = std::move(settings.url);
  w.events = std::move(settings.events);
  w.sealed_secret = secrets_.Seal(created.secret);
  w.enabled = settings.enabled;
  w.created_at = now;
  w.updated_at = now;
  Status s;
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    w.id = NewId("whk", now);
    s = co_await AwaitCallback<Status>([&](auto done) { store_.CreateWebhook(w, std::move(done)); });
    if (s.code() != Code::kAlreadyExists) break;
  }
  if (!s.ok()) co_return s;
  auto stored = store_.GetWebhook(account_id, w.id);  // with the cursor the store chose
  if (stored.ok()) w = std::move(*stored);
  Logger("webhooks")->info("account {} created webhook {}", account_id, w.id);
  changed_();
  co_return created;
}

boost::asio::awaitable<Result<core::Webhook>> WebhookService::Update(std::string account_id, std::string webhook_id,
                                                                     WebhookChange change) {
  auto found = store_.GetWebhook(account_id, webhook_id);
  if (!found.ok()) co_return found.status();
  core::Webhook w = std::move(*found);
  if (change.url) {
    if (Status reachable = CheckReachable(*change.url); !reachable.ok()) co_return reachable;
    w.url = std::move(*change.url);
  }
  if (change.events) w.events = std::move(*change.events);
  if (change.secret) w.sealed_secret = secrets_.Seal(*change.secret);
  const bool enabling = change.enabled && *change.enabled && !w.enabled;
  if (change.enabled) w.enabled = *change.enabled;
  w.updated_at = clock_.Now();
  Status s = co_await AwaitCallback<Status>([&](auto done) { store_.UpdateWebhook(w, std::move(done)); });
  if (!s.ok()) co_return s;
  auto stored = store_.GetWebhook(account_id, webhook_id);
  if (stored.ok()) w = std::move(*stored);
  Logger("webhooks")->info("account {} changed webhook {}{}", account_id, webhook_id, enabling ? " (enabled it)" : "");
  changed_();
  co_return w;
}

boost::asio::awaitable<Status> WebhookService::Remove(std::string account_id, std::string webhook_id) {
  Status s = co_await AwaitCallback<Status>(
      [&](auto done) { store_.DeleteWebhook(account_id, webhook_id, std::move(done)); });
  if (!s.ok()) co_return s;
  Logger("webhooks")->info("account {} deleted webhook {}", account_id, webhook_id);
  changed_();
  co_return Status::Ok();
}

}  // namespace herald::webhooks
