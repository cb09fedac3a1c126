// Router: maps a method and a path pattern ("/v1/messages/{id}") to a handler, and answers 404 and
// 405 itself.
//
// Patterns are split into segments once, in Add, into a tree walked segment by segment; no regex
// runs per request. A literal segment wins over a {param} at the same place ("/v1/messages/batch"
// before "/v1/messages/{id}"), and HEAD falls back to the GET handler. Path matching is exact:
// no trailing-slash or case folding; parameter values are percent-decoded after splitting, so
// "%2F" inside an id stays in that id.
//
// Thread-safety: Add every route before serving; after that Dispatch and Routes may be called from
// any number of threads at once. Untrusted input: the request target is peer text; it is never
// echoed in the 404/405 bodies.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace herald::http {

// The {params} of a matched pattern: name → percent-decoded value. Names view the Router's patterns
// (valid while the Router lives); values are owned. Fixed capacity: no allocation for the map itself.
class PathParams {
 public:
  static constexpr size_t kMaxParams = 8;

  // The value of `name`, or "" when the pattern has no such parameter.
  std::string_view Get(std::string_view name) const;
  const std::string* Find(std::string_view name) const;
  size_t size() const { return size_; }

  // Used by the Router (and by tests that call a RouteHandler directly). Aborts past kMaxParams.
  void Add(std::string_view name, std::string value);

 private:
  std::array<std::pair<std::string_view, std::string>, kMaxParams> entries_;
  size_t size_ = 0;
};

class Router {
 public:
  using RouteHandler = std::function<boost::asio::awaitable<Response>(Request&, const PathParams&)>;

  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // `pattern` starts with '/', has no empty segments (except the root "/"), and its params are whole
  // segments named [a-z0-9_]+, at most PathParams::kMaxParams. A malformed pattern or a second
  // handler for the same method and pattern is a bug: Add aborts.
  void Add(boost::beast::http::verb method, std::string pattern, RouteHandler handler);

  // Calls the matching handler. Otherwise a JSON error: 404 not_found (no pattern matches the
  // path), 405 method_not_allowed with an Allow header (a pattern matches, not with this method),
  // 400 bad_request (a parameter's percent-encoding is malformed). Handlers' exceptions propagate.
  boost::asio::awaitable<Response> Dispatch(Request& request) const;

  // Every (method, pattern) added, in the order added.
  std::vector<std::pair<boost::beast::http::verb, std::string>> Routes() const;

 private:
  struct Node;
  struct Endpoint;
  struct Match;

  static const Endpoint* FindEndpoint(const Node& node, Match& match, size_t depth,
                                      boost::beast::http::verb method);

  std::unique_ptr<Node> root_;
  std::vector<std::pair<boost::beast::http::verb, std::string>> routes_;
};

}  // namespace herald::http
