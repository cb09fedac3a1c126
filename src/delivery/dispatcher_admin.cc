// The dispatcher's administration (queue::QueueAdmin): cancel, retry now, and the snapshot of what
// waits where. Everything runs on the dispatcher's executor, where the routing map, the ready queues
// and the attempts in flight live; see dispatcher.h.
#include <algorithm>
#include <boost/asio/post.hpp>

#include "base/log.h"
#include "delivery/dispatcher.h"

namespace herald::delivery {
namespace asio = boost::asio;
namespace {

// Domains remembered with their last site before the forgetting of those no longer queued begins.
constexpr size_t kRememberedDomains = 10'000;

}  // namespace

bool Dispatcher::PostAdmin(std::function<void()> task) {
  // Under the lock, so that a task is either posted before the executor's last handlers run (and
  // then runs) or refused: never posted to an executor that has finished.
  std::lock_guard lock(admin_mutex_);
  if (admin_closed_) return false;
  asio::post(io_, std::move(task));
  return true;
}

void Dispatcher::CloseAdmin() {
  std::lock_guard lock(admin_mutex_);
  admin_closed_ = true;
}

void Dispatcher::Cancel(std::string message_id, nlohmann::json details, AdminDone done) {
  auto task = [this, id = std::move(message_id), details = std::move(details), done]() mutable {
    CancelHere(std::move(id), std::move(details), std::move(done));
  };
  if (!PostAdmin(std::move(task))) done(Status::Unavailable("delivery has stopped"));
}

void Dispatcher::Retry(std::string message_id, AdminDone done) {
  auto task = [this, id = std::move(message_id), done]() mutable { RetryHere(id, std::move(done)); };
  if (!PostAdmin(std::move(task))) done(Status::Unavailable("delivery has stopped"));
}

void Dispatcher::Snapshot(std::function<void(Result<queue::QueueSnapshot>)> done) {
  auto task = [this, done]() {
    if (stopping_) return done(Status::Unavailable("delivery is stopping"));
    done(SnapshotHere());
  };
  if (!PostAdmin(std::move(task))) done(Status::Unavailable("delivery has stopped"));
}

void Dispatcher::CancelHere(std::string message_id, nlohmann::json details, AdminDone done) {
  if (stopping_) return done(Status::Unavailable("delivery is stopping"));
  if (in_flight_.contains(message_id) || cancelling_.contains(message_id)) {
    return done(queue::AdminAnswer{queue::AdminVerdict::kInFlight, std::nullopt});
  }
  // Withdrawn first, so that no attempt can start while the store records the cancellation.
  std::optional<queue::QueuedMessage> withdrawn = queue_.Remove(message_id);
  if (!withdrawn) withdrawn = WithdrawWaiting(message_id);
  cancelling_.insert(message_id);
  ++busy_;
  core::Event event{core::EventType::kCancelled, clock_.Now(), std::move(details)};
  store_.CancelMessage(
      message_id, std::move(event),
      [this, message_id, withdrawn, done = std::move(done)](Result<storage::CancelOutcome> outcome) {
        asio::post(io_, [this, message_id, withdrawn, done, outcome = std::move(outcome)]() mutable {
          cancelling_.erase(message_id);
          --busy_;
          Wake();
          auto log = Logger("delivery");
          if (!outcome.ok()) {
            // Nothing was recorded: the message waits as before (a missing one has nothing to wait for).
            if (withdrawn && outcome.status().code() != Code::kNotFound) queue_.Schedule(std::move(*withdrawn));
            log->error("{}: cannot record the cancellation: {}", message_id, outcome.status().ToString());
            return done(outcome.status());
          }
          if (!outcome->cancelled) {
            if (withdrawn) log->error("{}: was waiting, but is stored as {}", message_id, core::ToString(outcome->status));
            return done(queue::AdminAnswer{queue::AdminVerdict::kFinished, outcome->status});
          }
          log->info("{}: cancelled", message_id);
          done(queue::AdminAnswer{queue::AdminVerdict::kDone, core::MessageStatus::kCancelled});
        });
      });
}

void Dispatcher::RetryHere(const std::string& message_id, AdminDone done) {
  if (stopping_) return done(Status::Unavailable("delivery is stopping"));
  if (in_flight_.contains(message_id) || cancelling_.contains(message_id)) {
    return done(queue::AdminAnswer{queue::AdminVerdict::kInFlight, std::nullopt});
  }
  if (queue_.MakeDue(message_id, clock_.Now())) {  // the queue's wake-up brings us back to take it
    Logger("delivery")->info("{}: due now on request", message_id);
    return done(queue::AdminAnswer{queue::AdminVerdict::kDone, std::nullopt});
  }
  const queue::AdminVerdict verdict = IsWaiting(message_id) ? queue::AdminVerdict::kDone : queue::AdminVerdict::kNotWaiting;
  done(queue::AdminAnswer{verdict, std::nullopt});
}

std::optional<queue::QueuedMessage> Dispatcher::WithdrawWaiting(const std::string& message_id) {
  for (auto& [domain, messages] : routing_) {
    auto found = std::find_if(messages.begin(), messages.end(),
                              [&](const queue::QueuedMessage& m) { return m.id == message_id; });
    if (found == messages.end()) continue;
    // The domain's lookup is under way; it finds one message fewer (maybe none) when it ends.
    queue::QueuedMessage message = std::move(*found);
    messages.erase(found);
    --routing_count_;
    return message;
  }
  std::optional<ReadyMessage> ready =
      ready_.Withdraw([&](const ReadyMessage& waiting) { return waiting.message.id == message_id; });
  if (ready) return std::move(ready->message);
  return std::nullopt;
}

bool Dispatcher::IsWaiting(const std::string& message_id) const {
  for (const auto& [domain, messages] : routing_) {
    for (const queue::QueuedMessage& m : messages) {
      if (m.id == message_id) return true;
    }
  }
  return ready_.Contains([&](const ReadyMessage& waiting) { return waiting.message.id == message_id; });
}

void Dispatcher::NoteRoute(const std::string& domain, const std::string& site) {
  site_of_domain_.insert_or_assign(domain, site);
  if (site_of_domain_.size() < std::max(forget_domains_at_, kRememberedDomains)) return;
  // Forget the domains with nothing scheduled or routing; then wait until the map doubles again, so
  // the sweep costs O(1) per route on average.
  std::unordered_set<std::string> queued;
  for (queue::DomainCount& count : queue_.CountByDomain()) queued.insert(std::move(count.domain));
  std::erase_if(site_of_domain_, [&](const auto& entry) {
    return !queued.contains(entry.first) && !routing_.contains(entry.first);
  });
  forget_domains_at_ = 2 * site_of_domain_.size();
}

void Dispatcher::CountTick(std::chrono::steady_clock::duration took) {
  const uint64_t us =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
  ++stats_.ticks;
  stats_.total_tick_us += us;
  stats_.last_tick_us = us;
  stats_.max_tick_us = std::max(stats_.max_tick_us, us);
}

queue::QueueSnapshot Dispatcher::SnapshotHere() {
  std::unordered_map<std::string, queue::SiteCounts> sites;
  std::unordered_map<std::string, std::unordered_map<std::string, size_t>> domains_of_site;
  auto site_of = [&](const std::string& domain) -> const std::string& {
    static const std::string kNotRouted;
    if (router_ == nullptr) return options_.site;  // relay and capture: one site for all
    auto known = site_of_domain_.find(domain);
    return known == site_of_domain_.end() ? kNotRouted : known->second;
  };

  size_t scheduled = 0;
  for (const queue::DomainCount& count : queue_.CountByDomain()) {
    const std::string& site = site_of(count.domain);
    queue::SiteCounts& counts = sites[site];
    counts.queued += count.queued;
    counts.deferred += count.deferred;
    domains_of_site[site][count.domain] += count.queued + count.deferred;
    scheduled += count.queued + count.deferred;
  }
  for (const auto& [domain, messages] : routing_) {
    if (messages.empty()) continue;
    const std::string& site = site_of(domain);
    sites[site].routing += messages.size();
    domains_of_site[site][domain] += messages.size();
  }
  ready_.ForEachSite([&](const std::string& key, size_t items, bool) { sites[SiteOfKey(key)].ready += items; });
  for (const auto& [id, site] : in_flight_) ++sites[site].in_flight;

  queue::QueueSnapshot snapshot;
  snapshot.sites.reserve(sites.size());
  for (auto& [site, counts] : sites) {
    counts.site = site;
    for (auto& [domain, messages] : domains_of_site[site]) counts.domains.emplace_back(domain, messages);
    std::sort(counts.domains.begin(), counts.domains.end(),
              [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    snapshot.sites.push_back(std::move(counts));
  }
  snapshot.scheduler = stats_;
  snapshot.scheduler.held = scheduled + waiting() + in_flight_.size();
  snapshot.scheduler.queue_bytes = queue_.MemoryBytes();
  return snapshot;
}

}  // namespace herald::delivery
