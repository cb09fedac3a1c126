// /v1/domains: register a sending domain (new DKIM keys, the records to publish), list and read
// domains with their last checks, verify them through DNS, rotate their DKIM keys, remove them
// (DESIGN §5). Changes take the admin scope; reading takes send. Another account's domain is 404, as
// if it did not exist; registering one is 409 domain_taken, which says no more about whose it is.
#include "api/domain_json.h"
#include "api/request_context.h"
#include "api/routes.h"
#include "dns/idna.h"
#include "http/responses.h"

namespace herald::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

constexpr int kEventsShown = 50;  // a domain's most recent events in GET /v1/domains/{name}

const ApiError kDomainsUnavailable{status::service_unavailable, "domains_unavailable",
                                   "sending domains are not available; retry later", ""};

ApiError DomainNotFound() { return ApiError::NotFound("domain"); }

// The path's {name} as stored: lowercase A-labels. An unreadable name cannot be a registered one.
std::optional<std::string> PathName(const http::PathParams& params) {
  Result<std::string> ascii = dns::ToAsciiDomain(params.Get("name"));
  if (!ascii.ok()) return std::nullopt;
  return std::move(*ascii);
}

std::optional<ApiError> ReadString(const json& body, const char* field, std::string& out) {
  auto it = body.find(field);
  if (it == body.end()) return std::nullopt;
  if (!it->is_string()) return ApiError::Invalid("invalid_type", std::string(field) + " must be a string", field);
  out = it->get<std::string>();
  return std::nullopt;
}

asio::awaitable<http::Response> Create(ApiContext& context, http::Request& request) {
  auto authorized = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  const Principal& principal = std::get<Principal>(authorized);
  auto body = ReadJsonObject(request);
  if (auto* error = std::get_if<ApiError>(&body)) co_return ErrorFor(*error, request);
  const json& object = std::get<json>(body);
  if (auto error = CheckObjectFields(object, {"name", "purpose", "pool"})) co_return ErrorFor(*error, request);
  if (!object.contains("name")) co_return ErrorFor(ApiError::Invalid("missing_field", "name is required", "name"), request);
  std::string name, purpose_text = "transactional", pool = principal.pool.empty() ? std::string(core::kDefaultPool)
                                                                                   : principal.pool;
  for (auto [field, out] : {std::pair{"name", &name}, {"purpose", &purpose_text}, {"pool", &pool}}) {
    if (auto error = ReadString(object, field, *out)) co_return ErrorFor(*error, request);
  }
  std::optional<core::DomainPurpose> purpose = core::ParseDomainPurpose(purpose_text);
  if (!purpose)
    co_return ErrorFor(ApiError::Invalid("invalid_value", "purpose is transactional or marketing", "purpose"), request);
  if (std::find(context.pools.begin(), context.pools.end(), pool) == context.pools.end())
    co_return ErrorFor(ApiError::Invalid("unknown_pool", "pool is not a configured IP pool", "pool"), request);
  if (context.domains == nullptr) co_return ErrorFor(kDomainsUnavailable, request);

  Result<core::SendingDomain> created = co_await context.domains->Register(principal.account_id, name, *purpose, pool);
  if (!created.ok()) {
    const Status& s = created.status();
    switch (s.code()) {
      case Code::kInvalidArgument:
        co_return ErrorFor(ApiError::Invalid("invalid_domain", s.message(), "name"), request);
      case Code::kFailedPrecondition:
        co_return ErrorFor({status::conflict, "marketing_domain", s.message(), "name"}, request);
      case Code::kAlreadyExists: {
        const bool marketing = s.message().find("marketing") != std::string::npos;
        co_return ErrorFor({status::conflict, marketing ? "marketing_domain" : "domain_taken", s.message(), "name"},
                           request);
      }
      default:
        co_return ErrorFor(FromStatus(s), request);
    }
  }
  co_return http::JsonResponse(status::created, DomainJson(*created), request);
}

asio::awaitable<http::Response> List(ApiContext& context, http::Request& request) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  auto domains = context.store.ListDomains(std::get<Principal>(authorized).account_id);
  if (!domains.ok()) co_return ErrorFor(FromStatus(domains.status()), request);
  json list = json::array();
  for (const core::SendingDomain& d : *domains) list.push_back(DomainJson(d));
  co_return http::JsonResponse(status::ok, {{"domains", std::move(list)}}, request);
}

asio::awaitable<http::Response> Get(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kSend);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  const std::string& account = std::get<Principal>(authorized).account_id;
  std::optional<std::string> name = PathName(params);
  if (!name) co_return ErrorFor(DomainNotFound(), request);
  auto domain = context.store.GetDomain(account, *name);
  if (!domain.ok()) {
    co_return ErrorFor(domain.status().code() == Code::kNotFound ? DomainNotFound() : FromStatus(domain.status()),
                       request);
  }
  auto events = context.store.ListAccountEvents(account, *name, kEventsShown);
  if (!events.ok()) co_return ErrorFor(FromStatus(events.status()), request);
  co_return http::JsonResponse(status::ok, DomainJson(*domain, &*events), request);
}

// The answer to a change of one domain (verify, rotate): the domain, or the error.
http::Response ChangeAnswer(const Result<core::SendingDomain>& changed, http::Request& request) {
  if (changed.ok()) return http::JsonResponse(status::ok, DomainJson(*changed), request);
  const Status& s = changed.status();
  if (s.code() == Code::kNotFound) return ErrorFor(DomainNotFound(), request);
  if (s.code() == Code::kFailedPrecondition) {
    const bool rotating = s.message().find("rotation") != std::string::npos;
    return ErrorFor({status::conflict, rotating ? "rotation_pending" : "marketing_domain", s.message(), ""}, request);
  }
  return ErrorFor(FromStatus(s), request);
}

template <typename Change>
asio::awaitable<http::Response> ChangeOne(ApiContext& context, http::Request& request, const http::PathParams& params,
                                          Change change) {
  auto authorized = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  std::optional<std::string> name = PathName(params);
  if (!name) co_return ErrorFor(DomainNotFound(), request);
  if (context.domains == nullptr) co_return ErrorFor(kDomainsUnavailable, request);
  co_return ChangeAnswer(co_await change(*context.domains, std::get<Principal>(authorized).account_id, *name), request);
}

asio::awaitable<http::Response> Delete(ApiContext& context, http::Request& request, const http::PathParams& params) {
  auto authorized = Authorize(context, request, core::Scope::kAdmin);
  if (auto* error = std::get_if<ApiError>(&authorized)) co_return ErrorFor(*error, request);
  std::optional<std::string> name = PathName(params);
  if (!name) co_return ErrorFor(DomainNotFound(), request);
  if (context.domains == nullptr) co_return ErrorFor(kDomainsUnavailable, request);
  Status removed = co_await context.domains->Remove(std::get<Principal>(authorized).account_id, *name);
  if (removed.code() == Code::kNotFound) co_return ErrorFor(DomainNotFound(), request);
  if (!removed.ok()) co_return ErrorFor(FromStatus(removed), request);
  co_return http::JsonResponse(status::no_content, json(), request);
}

}  // namespace

void AddDomainRoutes(http::Router& router, ApiContext& context) {
  router.Add(verb::post, "/v1/domains", [&context](http::Request& r, const http::PathParams&) { return Create(context, r); });
  router.Add(verb::get, "/v1/domains", [&context](http::Request& r, const http::PathParams&) { return List(context, r); });
  router.Add(verb::get, "/v1/domains/{name}",
             [&context](http::Request& r, const http::PathParams& p) { return Get(context, r, p); });
  router.Add(verb::delete_, "/v1/domains/{name}",
             [&context](http::Request& r, const http::PathParams& p) { return Delete(context, r, p); });
  router.Add(verb::post, "/v1/domains/{name}/verify", [&context](http::Request& r, const http::PathParams& p) {
    return ChangeOne(context, r, p, [](domains::DomainService& service, const std::string& account, const std::string& name) {
      return service.Verify(account, name);
    });
  });
  router.Add(verb::post, "/v1/domains/{name}/dkim/rotate", [&context](http::Request& r, const http::PathParams& p) {
    return ChangeOne(context, r, p, [](domains::DomainService& service, const std::string& account, const std::string& name) {
      return service.RotateDkim(account, name);
    });
  });
}

}  // namespace herald::api
