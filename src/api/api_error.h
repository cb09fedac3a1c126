// ApiError: what the API tells a caller that went wrong — an HTTP status, a stable code, a bland
// message and, for input errors, the JSON field at fault (DESIGN §2a, STYLE habit 3).
//
// Thread-safety: plain values.
#pragma once

#include <utility>
#include <boost/beast/http/status.hpp>
#include <string>

#include "base/status.h"
#include "http/message.h"

namespace herald::api {

struct ApiError {
  boost::beast::http::status status = boost::beast::http::status::bad_request;
  std::string code;
  std::string message;
  std::string field;

  static ApiError Invalid(std::string code, std::string message, std::string field) {
    return {boost::beast::http::status::unprocessable_entity, std::move(code), std::move(message), std::move(field)};
  }
  static ApiError NotFound(std::string what) {
    return {boost::beast::http::status::not_found, "not_found", std::move(what) + " not found", ""};
  }
};

// The API's answer to an internal Status: storage trouble is 503 (retry later), input is 422, …
// The Status's detail is logged, not shown.
ApiError FromStatus(const Status& status);

http::Response ErrorFor(const ApiError& error, const http::Request& request);

}  // namespace herald::api
