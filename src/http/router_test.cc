#include "http/router.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "http/responses.h"

namespace herald::http {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using beast_http::verb;

// Runs Dispatch to completion on a private io_context; no sockets.
Response Dispatch(const Router& router, verb method, std::string target) {
  Request request(method, target, 11);
  asio::io_context io;
  std::optional<Response> response;
  std::exception_ptr failure;
  asio::co_spawn(io, router.Dispatch(request), [&](std::exception_ptr e, Response r) {
    failure = e;
    response = std::move(r);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*response);
}

// A handler answering {"route": name, "params": {...}} with the params it was given.
Router::RouteHandler Echo(std::string name, std::vector<std::string> param_names = {}) {
  return [name, param_names](Request& request, const PathParams& params) -> asio::awaitable<Response> {
    nlohmann::json echoed = nlohmann::json::object();
    for (const std::string& param : param_names) {
      if (const std::string* value = params.Find(param)) echoed[param] = *value;
    }
    co_return JsonResponse(beast_http::status::ok, {{"route", name}, {"params", echoed}}, request);
  };
}

nlohmann::json Body(const Response& response) { return nlohmann::json::parse(response.body()); }

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Add(verb::get, "/", Echo("root"));
    router_.Add(verb::post, "/v1/messages", Echo("send"));
    router_.Add(verb::get, "/v1/messages", Echo("search"));
    router_.Add(verb::post, "/v1/messages/batch", Echo("batch"));
    router_.Add(verb::get, "/v1/messages/{id}", Echo("get", {"id"}));
    router_.Add(verb::delete_, "/v1/domains/{domain}", Echo("delete-domain", {"domain"}));
    router_.Add(verb::post, "/v1/domains/{domain}/verify", Echo("verify", {"domain"}));
    router_.Add(verb::get, "/v1/tables/{table}/rows/{row}", Echo("row", {"table", "row"}));
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralRoutes) {
  Response response = Dispatch(router_, verb::post, "/v1/messages");
  EXPECT_EQ(response.result(), beast_http::status::ok);
  EXPECT_EQ(Body(response)["route"], "send");
  EXPECT_EQ(Body(Dispatch(router_, verb::get, "/v1/messages"))["route"], "search");
  EXPECT_EQ(Body(Dispatch(router_, verb::get, "/"))["route"], "root");
}

TEST_F(RouterTest, CapturesAndDecodesParams) {
  Response response = Dispatch(router_, verb::get, "/v1/tables/orders/rows/a%2Fb%20c");
  ASSERT_EQ(response.result(), beast_http::status::ok);
  EXPECT_EQ(Body(response)["params"], nlohmann::json({{"table", "orders"}, {"row", "a/b c"}}));
  EXPECT_EQ(Body(Dispatch(router_, verb::get, "/v1/messages/m-123?x=1"))["params"]["id"], "m-123");
}

TEST_F(RouterTest, LiteralSegmentWinsOverParam) {
  EXPECT_EQ(Body(Dispatch(router_, verb::post, "/v1/messages/batch"))["route"], "batch");
  // The literal has no GET, so GET falls through to {id}.
  EXPECT_EQ(Body(Dispatch(router_, verb::get, "/v1/messages/batch"))["params"]["id"], "batch");
}

TEST_F(RouterTest, DifferentParamNamesUnderOneNode) {
  EXPECT_EQ(Body(Dispatch(router_, verb::delete_, "/v1/domains/example.com"))["params"]["domain"],
            "example.com");
  EXPECT_EQ(Body(Dispatch(router_, verb::post, "/v1/domains/example.com/verify"))["route"], "verify");
}

TEST_F(RouterTest, UnknownPathIs404) {
  for (const char* target : {"/v1/nothing", "/v1/messages/", "/v1//messages", "/v1/messages/a/b", "", "*",
                             "http://example.com/v1/messages", "/v1/tables/t/rows"}) {
    Response response = Dispatch(router_, verb::get, target);
    EXPECT_EQ(response.result(), beast_http::status::not_found) << target;
    EXPECT_EQ(Body(response)["error"]["code"], "not_found") << target;
  }
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  Response response = Dispatch(router_, verb::delete_, "/v1/messages");
  EXPECT_EQ(response.result(), beast_http::status::method_not_allowed);
  EXPECT_EQ(Body(response)["error"]["code"], "method_not_allowed");
  EXPECT_EQ(response[beast_http::field::allow], "POST, GET, HEAD");
  EXPECT_EQ(response[beast_http::field::content_type], "application/json");

  Response put = Dispatch(router_, verb::put, "/v1/messages/batch");  // both batch and {id} match the path
  EXPECT_EQ(put.result(), beast_http::status::method_not_allowed);
  EXPECT_EQ(put[beast_http::field::allow], "POST, GET, HEAD");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  EXPECT_EQ(Body(Dispatch(router_, verb::head, "/v1/messages/m1"))["params"]["id"], "m1");
  EXPECT_EQ(Dispatch(router_, verb::head, "/v1/domains/d").result(), beast_http::status::method_not_allowed);
}

TEST_F(RouterTest, MalformedEscapeInParamIs400) {
  Response response = Dispatch(router_, verb::get, "/v1/messages/a%zz");
  EXPECT_EQ(response.result(), beast_http::status::bad_request);
  EXPECT_EQ(Body(response)["error"]["code"], "bad_request");
}

TEST_F(RouterTest, VeryDeepPathIs404) {
  std::string target;
  for (int i = 0; i < 100; ++i) target += "/a";
  EXPECT_EQ(Dispatch(router_, verb::get, target).result(), beast_http::status::not_found);
}

TEST_F(RouterTest, ListsRoutesInOrder) {
  auto routes = router_.Routes();
  ASSERT_EQ(routes.size(), 8u);
  EXPECT_EQ(routes[0], std::make_pair(verb::get, std::string("/")));
  EXPECT_EQ(routes[4], std::make_pair(verb::get, std::string("/v1/messages/{id}")));
}

TEST_F(RouterTest, HandlerExceptionsPropagate) {
  router_.Add(verb::get, "/boom", [](Request&, const PathParams&) -> asio::awaitable<Response> {
    throw std::runtime_error("boom");
    co_return Response();
  });
  EXPECT_THROW(Dispatch(router_, verb::get, "/boom"), std::runtime_error);
}

TEST(PathParamsTest, GetAndFind) {
  PathParams params;
  params.Add("id", "m1");
  EXPECT_EQ(params.Get("id"), "m1");
  EXPECT_EQ(params.Get("other"), "");
  EXPECT_EQ(params.Find("other"), nullptr);
  EXPECT_EQ(params.size(), 1u);
}

TEST(RouterDeathTest, BadPatternsAbort) {
  auto handler = Echo("x");
  EXPECT_DEATH(Router().Add(verb::get, "no-slash", handler), "must start with");
  EXPECT_DEATH(Router().Add(verb::get, "/a//b", handler), "empty segment");
  EXPECT_DEATH(Router().Add(verb::get, "/a/{}", handler), "whole segment");
  EXPECT_DEATH(Router().Add(verb::get, "/a/{Id}", handler), "whole segment");
  EXPECT_DEATH(Router().Add(verb::get, "/a/x{id}", handler), "stray brace");
  EXPECT_DEATH(Router().Add(verb::get, "/a/{id}/{id}", handler), "named twice");
  EXPECT_DEATH(
      {
        Router router;
        router.Add(verb::get, "/a", handler);
        router.Add(verb::get, "/a", handler);
      },
      "added twice");
}

}  // namespace
}  // namespace herald::http
