#include "api/api_error.h"

#include "base/log.h"
#include "http/responses.h"

namespace herald::api {

using boost::beast::http::status;

ApiError FromStatus(const Status& s) {
  switch (s.code()) {
    case Code::kInvalidArgument:
      return ApiError::Invalid("invalid_message", s.message(), "");
    case Code::kNotFound:
      return {status::not_found, "not_found", "not found", ""};
    case Code::kAlreadyExists:
      return {status::conflict, "conflict", "already exists", ""};
    case Code::kUnavailable:
    case Code::kIoError:
      Logger("api")->error("storage unavailable: {}", s.ToString());
      return {status::service_unavailable, "storage_unavailable", "storage is unavailable; retry later", ""};
    default:
      Logger("api")->error("internal error: {}", s.ToString());
      return {status::internal_server_error, "internal", "internal error", ""};
  }
}

http::Response ErrorFor(const ApiError& error, const http::Request& request) {
  return http::ErrorResponse(error.status, error.code, error.message, error.field, request.version(),
                             request.keep_alive());
}

}  // namespace herald::api
