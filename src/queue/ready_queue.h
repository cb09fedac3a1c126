// ReadyQueues: messages whose time has come, one FIFO per destination site, served round-robin so
// that one slow or busy destination never starves the others (STYLE habit 10: separate from the
// scheduled queue and from shaping).
//
// Pop takes the sites in turn. A site that may not be served now — the caller's `may_serve` says so,
// typically because its concurrency limit is reached — is *parked* on the way: it keeps its messages
// but leaves the turn until the caller calls Unpark(site) (when one of its slots frees up). So a busy
// site costs nothing per Pop while it waits, and the others are served meanwhile.
//
// Withdraw takes one waiting item out (a cancelled message), wherever it waits; Contains looks for
// one; ForEachSite says how many wait per site (the queue's administration view).
//
// `Item` is what waits (the delivery dispatcher's message with its route); it must be movable.
//
// Thread-safety: none; owned and used by the delivery dispatcher's single executor.
#pragma once

#include <algorithm>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace herald::queue {

template <typename Item>
class ReadyQueues {
 public:
  struct Popped {
    std::string site;
    Item item;
  };

  void Push(const std::string& site, Item item) {
    Site& entry = sites_[site];
    entry.items.push_back(std::move(item));
    ++size_;
    if (!entry.parked && !entry.in_turn) Enter(site, entry);
  }

  // The next item, taking each non-empty unparked site in turn; a site for which `may_serve(site)`
  // is false is parked on the way. nullopt when no unparked site has items.
  template <typename MayServe>
  std::optional<Popped> Pop(MayServe&& may_serve) {
    while (!turn_.empty()) {
      std::string site = std::move(turn_.front());
      turn_.pop_front();
      auto it = sites_.find(site);
      it->second.in_turn = false;
      if (!may_serve(site)) {
        it->second.parked = true;
        ++parked_;
        continue;
      }
      Popped popped{site, std::move(it->second.items.front())};
      it->second.items.pop_front();
      --size_;
      if (it->second.items.empty()) {
        sites_.erase(it);
      } else {
        Enter(std::move(site), it->second);
      }
      return popped;
    }
    return std::nullopt;
  }
  std::optional<Popped> Pop() {
    return Pop([](const std::string&) { return true; });
  }

  // Puts a parked site back in the turn (at its end). Does nothing for a site that is not parked.
  void Unpark(const std::string& site) {
    auto it = sites_.find(site);
    if (it == sites_.end() || !it->second.parked) return;
    it->second.parked = false;
    --parked_;
    Enter(site, it->second);  // a parked site always has items
  }

  // Removes and returns the first item, in any site, for which `match(item)` is true; nullopt when
  // none is. Linear in the items waiting: meant for rare administrative withdrawals.
  template <typename Match>
  std::optional<Item> Withdraw(Match&& match) {
    for (auto it = sites_.begin(); it != sites_.end(); ++it) {
      std::deque<Item>& items = it->second.items;
      auto found = std::find_if(items.begin(), items.end(), match);
      if (found == items.end()) continue;
      Item item = std::move(*found);
      items.erase(found);
      --size_;
      if (items.empty()) {  // only sites with items are kept, in the turn or parked
        if (it->second.parked) --parked_;
        if (it->second.in_turn) turn_.erase(std::find(turn_.begin(), turn_.end(), it->first));
        sites_.erase(it);
      }
      return item;
    }
    return std::nullopt;
  }

  // Whether any waiting item matches; linear, like Withdraw.
  template <typename Match>
  bool Contains(Match&& match) const {
    for (const auto& [site, entry] : sites_) {
      if (std::any_of(entry.items.begin(), entry.items.end(), match)) return true;
    }
    return false;
  }

  // Calls `visit(site, items waiting, parked)` for every site with items.
  template <typename Visit>
  void ForEachSite(Visit&& visit) const {
    for (const auto& [site, entry] : sites_) visit(site, entry.items.size(), entry.parked);
  }

  // Items waiting, parked sites' included.
  size_t size() const { return size_; }
  size_t parked_sites() const { return parked_; }

 private:
  struct Site {
    std::deque<Item> items;
    bool in_turn = false;
    bool parked = false;
  };

  void Enter(std::string site, Site& entry) {
    entry.in_turn = true;
    turn_.push_back(std::move(site));
  }

  std::unordered_map<std::string, Site> sites_;  // only sites with items
  std::deque<std::string> turn_;                 // unparked sites with items, in serving order
  size_t size_ = 0;
  size_t parked_ = 0;
};

}  // namespace herald::queue
