#include "dns/caching_resolver.h"

namespace herald::dns {
namespace {

namespace asio = boost::asio;

template <typename Answer>
std::optional<Answer> Find(std::mutex& mutex, AnswerCache<Answer>& cache, const std::string& key) {
  std::lock_guard lock(mutex);
  return cache.Get(key);
}

template <typename Answer>
Result<Answer> Keep(std::mutex& mutex, AnswerCache<Answer>& cache, const std::string& key,
                    Result<Answer> answer) {
  if (answer.ok()) {
    std::lock_guard lock(mutex);
    cache.Put(key, *answer);
  }
  return answer;
}

// Answers `name` from `cache`, or asks `lookup` and keeps its answer. An invalid name is never
// cached (the upstream's InvalidArgument is a failure), so it needs no path of its own. Kept to a
// few statements: GCC 12 takes larger coroutine frames holding a Result for freeing a non-heap
// pointer (-Wfree-nonheap-object).
template <typename Answer, typename Lookup>
asio::awaitable<Result<Answer>> Cached(std::mutex& mutex, AnswerCache<Answer>& cache, std::string name,
                                       Lookup lookup) {
  std::string key = CanonicalName(name);
  if (std::optional<Answer> hit = Find(mutex, cache, key)) co_return std::move(*hit);
  co_return Keep(mutex, cache, key, co_await lookup(key));
}

}  // namespace

CachingResolver::CachingResolver(Resolver& upstream, const Clock& clock, size_t max_entries_per_type)
    : upstream_(upstream),
      mx_(clock, max_entries_per_type),
      addresses_(clock, max_entries_per_type),
      txt_(clock, max_entries_per_type),
      cname_(clock, max_entries_per_type) {}

asio::awaitable<Result<MxAnswer>> CachingResolver::LookupMx(std::string domain) {
  return Cached(mutex_, mx_, std::move(domain),
                [this](std::string n) { return upstream_.LookupMx(std::move(n)); });
}

asio::awaitable<Result<AddressAnswer>> CachingResolver::LookupAddresses(std::string host) {
  return Cached(mutex_, addresses_, std::move(host),
                [this](std::string n) { return upstream_.LookupAddresses(std::move(n)); });
}

asio::awaitable<Result<TxtAnswer>> CachingResolver::LookupTxt(std::string name) {
  return Cached(mutex_, txt_, std::move(name),
                [this](std::string n) { return upstream_.LookupTxt(std::move(n)); });
}

asio::awaitable<Result<CnameAnswer>> CachingResolver::LookupCname(std::string name) {
  return Cached(mutex_, cname_, std::move(name),
                [this](std::string n) { return upstream_.LookupCname(std::move(n)); });
}

}  // namespace herald::dns
