#include "http/router.h"

#include <cstdio>
#include <cstdlib>

#include "http/query.h"
#include "http/responses.h"

namespace herald::http {

namespace beast_http = boost::beast::http;

namespace {

// Deeper request paths match no route; nothing in the API comes close.
constexpr size_t kMaxSegments = 32;
constexpr size_t kMaxAllowed = 16;

// A malformed route table is a programming error: fail loudly at startup.
[[noreturn]] void DieBadRoute(std::string_view pattern, std::string_view why) {
  std::fprintf(stderr, "http::Router: bad route \"%.*s\": %.*s\n", static_cast<int>(pattern.size()),
               pattern.data(), static_cast<int>(why.size()), why.data());
  std::abort();
}

bool IsParamName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Calls `visit` with each '/'-separated segment of `path` after its leading '/'; "/" has none.
template <typename Visit>
void ForEachSegment(std::string_view path, Visit visit) {
  if (path.size() <= 1) return;
  std::string_view rest = path.substr(1);
  for (;;) {
    size_t slash = rest.find('/');
    if (!visit(rest.substr(0, slash))) return;
    if (slash == std::string_view::npos) return;
    rest.remove_prefix(slash + 1);
  }
}

}  // namespace

std::string_view PathParams::Get(std::string_view name) const {
  const std::string* value = Find(name);
  return value ? std::string_view(*value) : std::string_view();
}

const std::string* PathParams::Find(std::string_view name) const {
  for (size_t i = 0; i < size_; ++i) {
    if (entries_[i].first == name) return &entries_[i].second;
  }
  return nullptr;
}

void PathParams::Add(std::string_view name, std::string value) {
  if (size_ == kMaxParams) {
    std::fprintf(stderr, "http::PathParams: more than %zu parameters\n", kMaxParams);
    std::abort();
  }
  entries_[size_++] = {name, std::move(value)};
}

struct Router::Endpoint {
  beast_http::verb method;
  RouteHandler handler;
  std::vector<std::string> param_names;  // in the order the params appear in the pattern
};

struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;  // few per node: a linear scan wins
  std::unique_ptr<Node> param;
  std::vector<Endpoint> endpoints;  // of the patterns that end at this node
};

// The state of one lookup; lives on the stack of Dispatch, views the request target.
struct Router::Match {
  std::array<std::string_view, kMaxSegments> segments;
  size_t segment_count = 0;
  std::array<std::string_view, PathParams::kMaxParams> captures;  // raw values along the current path
  size_t capture_count = 0;
  bool path_matched = false;  // some pattern matched the path, with whatever method
  std::array<beast_http::verb, kMaxAllowed> allowed;
  size_t allowed_count = 0;

  void Allow(beast_http::verb method) {
    for (size_t i = 0; i < allowed_count; ++i) {
      if (allowed[i] == method) return;
    }
    if (allowed_count < kMaxAllowed) allowed[allowed_count++] = method;
  }
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::Add(beast_http::verb method, std::string pattern, RouteHandler handler) {
  if (pattern.empty() || pattern.front() != '/') DieBadRoute(pattern, "must start with '/'");
  if (!handler) DieBadRoute(pattern, "no handler");
  Node* node = root_.get();
  std::vector<std::string> names;
  size_t depth = 0;
  ForEachSegment(pattern, [&](std::string_view segment) {
    if (segment.empty()) DieBadRoute(pattern, "empty segment");
    if (++depth > kMaxSegments) DieBadRoute(pattern, "too many segments");
    if (segment.front() == '{') {
      std::string_view name = segment.substr(1, segment.size() - 2);
      if (segment.size() < 3 || segment.back() != '}' || !IsParamName(name)) {
        DieBadRoute(pattern, "a parameter is a whole segment {name}, name in [a-z0-9_]");
      }
      for (const std::string& seen : names) {
        if (seen == name) DieBadRoute(pattern, "parameter named twice");
      }
      if (names.size() == PathParams::kMaxParams) DieBadRoute(pattern, "too many parameters");
      names.emplace_back(name);
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
      return true;
    }
    if (segment.find_first_of("{}") != std::string_view::npos) DieBadRoute(pattern, "stray brace");
    for (auto& [literal, child] : node->literals) {
      if (literal == segment) {
        node = child.get();
        return true;
      }
    }
    node = node->literals.emplace_back(std::string(segment), std::make_unique<Node>()).second.get();
    return true;
  });
  for (const Endpoint& endpoint : node->endpoints) {
    if (endpoint.method == method) DieBadRoute(pattern, "added twice for the same method");
  }
  node->endpoints.push_back({method, std::move(handler), std::move(names)});
  routes_.emplace_back(method, std::move(pattern));
}

const Router::Endpoint* Router::FindEndpoint(const Node& node, Match& match, size_t depth,
                                             beast_http::verb method) {
  if (depth == match.segment_count) {
    if (node.endpoints.empty()) return nullptr;
    match.path_matched = true;
    const Endpoint* get = nullptr;
    for (const Endpoint& endpoint : node.endpoints) {
      if (endpoint.method == method) return &endpoint;
      if (endpoint.method == beast_http::verb::get) get = &endpoint;
    }
    if (method == beast_http::verb::head && get) return get;
    for (const Endpoint& endpoint : node.endpoints) match.Allow(endpoint.method);
    if (get) match.Allow(beast_http::verb::head);
    return nullptr;
  }
  std::string_view segment = match.segments[depth];
  for (const auto& [literal, child] : node.literals) {
    if (literal == segment) {
      if (const Endpoint* found = FindEndpoint(*child, match, depth + 1, method)) return found;
      break;
    }
  }
  if (node.param && !segment.empty() && match.capture_count < PathParams::kMaxParams) {
    match.captures[match.capture_count++] = segment;
    if (const Endpoint* found = FindEndpoint(*node.param, match, depth + 1, method)) return found;
    --match.capture_count;
  }
  return nullptr;
}

boost::asio::awaitable<Response> Router::Dispatch(Request& request) const {
  const unsigned version = request.version();
  const bool keep_alive = request.keep_alive();
  std::string_view path = TargetPath(request.target());

  Match match;
  bool too_deep = false;
  ForEachSegment(path, [&](std::string_view segment) {
    if (match.segment_count == kMaxSegments) {
      too_deep = true;
      return false;
    }
    match.segments[match.segment_count++] = segment;
    return true;
  });
  const Endpoint* endpoint = nullptr;
  if (!path.empty() && path.front() == '/' && !too_deep) {
    endpoint = FindEndpoint(*root_, match, 0, request.method());
  }

  if (!endpoint) {
    if (!match.path_matched) {
      co_return ErrorResponse(beast_http::status::not_found, "not_found", "no such resource", {}, version,
                              keep_alive);
    }
    std::string allow;
    for (size_t i = 0; i < match.allowed_count; ++i) {
      if (i) allow += ", ";
      allow += beast_http::to_string(match.allowed[i]);
    }
    Response response = ErrorResponse(beast_http::status::method_not_allowed, "method_not_allowed",
                                      "method not allowed for this resource", {}, version, keep_alive);
    response.set(beast_http::field::allow, allow);
    co_return response;
  }

  PathParams params;
  for (size_t i = 0; i < endpoint->param_names.size(); ++i) {
    std::optional<std::string> value = PercentDecode(match.captures[i], false);
    if (!value) {
      co_return ErrorResponse(beast_http::status::bad_request, "bad_request",
                              "malformed percent-encoding in path", {}, version, keep_alive);
    }
    params.Add(endpoint->param_names[i], std::move(*value));
  }
  co_return co_await endpoint->handler(request, params);
}

std::vector<std::pair<beast_http::verb, std::string>> Router::Routes() const { return routes_; }

}  // namespace herald::http
