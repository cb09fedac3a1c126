#include "dns/ares_resolver.h"

#include <boost/asio/post.hpp>
#include <optional>

#include "base/await_callback.h"
#include "base/log.h"
#include "base/printable.h"
#include "dns/response.h"
#include "dns/wire_reader.h"

namespace herald::dns {
namespace {

namespace asio = boost::asio;
using RawResult = AresChannel::RawResult;

Status BadName(const std::string& name) {
  return Status::InvalidArgument("'" + Printable(name, 300) + "' is not a valid domain name");
}

// A response that could not be read is a transient failure for the caller: it may be a forgery or a
// broken middlebox, and asking again later may get a good one.
template <typename Answer>
Result<Answer> Transient(Result<Answer> answer, const std::string& name, std::string_view type) {
  if (answer.ok() || answer.status().code() != Code::kCorruption) return answer;
  Logger("dns")->warn("unreadable DNS response for {} {}: {}", name, type, answer.status().message());
  return Status::Unavailable("unreadable DNS response: " + answer.status().message());
}

}  // namespace

Result<std::unique_ptr<AresResolver>> AresResolver::Create(asio::any_io_executor executor,
                                                           AresOptions options) {
  auto channel = AresChannel::Create(std::move(executor), options);
  if (!channel.ok()) return channel.status();
  return std::unique_ptr<AresResolver>(new AresResolver(std::move(*channel)));
}

AresResolver::~AresResolver() {
  asio::post(channel_->strand(), [channel = channel_] { channel->Shutdown(); });
}

asio::awaitable<RawResult> AresResolver::Ask(std::string name, uint16_t type) {
  co_return co_await AwaitCallback<RawResult>([&](std::function<void(RawResult)> done) {
    asio::post(channel_->strand(), [channel = channel_, name, type, done = std::move(done)]() mutable {
      channel->Query(name, type, std::move(done));
    });
  });
}

asio::awaitable<Result<MxAnswer>> AresResolver::LookupMx(std::string domain) {
  if (!IsValidLookupName(domain)) co_return BadName(domain);
  std::string name = CanonicalName(domain);
  RawResult raw = co_await Ask(name, kTypeMx);
  if (!raw.ok()) co_return raw.status();
  co_return Transient(ParseMxResponse(*raw, name), name, "MX");
}

asio::awaitable<Result<TxtAnswer>> AresResolver::LookupTxt(std::string name) {
  if (!IsValidLookupName(name)) co_return BadName(name);
  name = CanonicalName(name);
  RawResult raw = co_await Ask(name, kTypeTxt);
  if (!raw.ok()) co_return raw.status();
  co_return Transient(ParseTxtResponse(*raw, name), name, "TXT");
}

asio::awaitable<Result<CnameAnswer>> AresResolver::LookupCname(std::string name) {
  if (!IsValidLookupName(name)) co_return BadName(name);
  name = CanonicalName(name);
  RawResult raw = co_await Ask(name, kTypeCname);
  if (!raw.ok()) co_return raw.status();
  co_return Transient(ParseCnameResponse(*raw, name), name, "CNAME");
}

asio::awaitable<Result<AddressAnswer>> AresResolver::LookupAddresses(std::string host) {
  if (!IsValidLookupName(host)) co_return BadName(host);
  std::string name = CanonicalName(host);
  using Both = std::pair<RawResult, RawResult>;
  Both both = co_await AwaitCallback<Both>([&](std::function<void(Both)> done) {
    asio::post(channel_->strand(), [channel = channel_, name, done = std::move(done)]() mutable {
      struct Pending {
        std::optional<RawResult> a, aaaa;
        std::function<void(Both)> done;
      };
      auto pending = std::make_shared<Pending>();
      pending->done = std::move(done);
      auto finish = [pending] {
        if (pending->a && pending->aaaa)
          pending->done(Both(std::move(*pending->a), std::move(*pending->aaaa)));
      };
      channel->Query(name, kTypeA, [pending, finish](RawResult r) {
        pending->a.emplace(std::move(r));
        finish();
      });
      channel->Query(name, kTypeAaaa, [pending, finish](RawResult r) {
        pending->aaaa.emplace(std::move(r));
        finish();
      });
    });
  });
  auto parse = [&](RawResult& raw, uint16_t type, std::string_view type_name) -> Result<AddressAnswer> {
    if (!raw.ok()) return raw.status();
    return Transient(ParseAddressResponse(*raw, name, type), name, type_name);
  };
  co_return CombineAddressAnswers(parse(both.first, kTypeA, "A"), parse(both.second, kTypeAaaa, "AAAA"));
}

}  // namespace herald::dns
