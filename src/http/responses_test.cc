#include "http/responses.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace herald::http {
namespace {

namespace beast_http = boost::beast::http;

TEST(ErrorResponseTest, HasTheApiErrorShape) {
  Response response =
      ErrorResponse(beast_http::status::bad_request, "invalid_field", "bad value", "to.email");
  EXPECT_EQ(response.result(), beast_http::status::bad_request);
  EXPECT_EQ(response[beast_http::field::content_type], "application/json");
  EXPECT_EQ(response[beast_http::field::content_length], std::to_string(response.body().size()));
  EXPECT_EQ(nlohmann::json::parse(response.body()),
            nlohmann::json::parse(
                R"({"error":{"code":"invalid_field","message":"bad value","field":"to.email"}})"));
  EXPECT_TRUE(response.keep_alive());
}

TEST(ErrorResponseTest, OmitsEmptyFieldAndHonoursVersionAndKeepAlive) {
  Response response =
      ErrorResponse(beast_http::status::not_found, "not_found", "no such resource", {}, 10, false);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_FALSE(response.keep_alive());
  nlohmann::json body = nlohmann::json::parse(response.body());
  EXPECT_FALSE(body["error"].contains("field"));
}

TEST(ErrorResponseTest, InvalidUtf8DoesNotThrow) {
  Response response = ErrorResponse(beast_http::status::bad_request, "bad", "bytes \xff\xfe here", "\xc3");
  EXPECT_TRUE(nlohmann::json::accept(response.body()));
}

TEST(JsonResponseTest, FollowsTheRequest) {
  Request request(beast_http::verb::get, "/x", 10);
  request.keep_alive(true);
  Response response = JsonResponse(beast_http::status::ok, {{"id", "m1"}}, request);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_TRUE(response.keep_alive());
  EXPECT_EQ(response.body(), R"({"id":"m1"})");
  EXPECT_EQ(response[beast_http::field::content_type], "application/json");
}

TEST(JsonResponseTest, NoContentHasNoBody) {
  Request request(beast_http::verb::delete_, "/x", 11);
  Response response = JsonResponse(beast_http::status::no_content, {{"ignored", true}}, request);
  EXPECT_TRUE(response.body().empty());
  EXPECT_FALSE(StatusAllowsBody(beast_http::status::no_content));
  EXPECT_FALSE(StatusAllowsBody(beast_http::status::not_modified));
  EXPECT_FALSE(StatusAllowsBody(beast_http::status::continue_));
  EXPECT_TRUE(StatusAllowsBody(beast_http::status::created));
}

}  // namespace
}  // namespace herald::http
