#include "http/responses.h"

#include <nlohmann/json.hpp>

namespace herald::http {

namespace beast_http = boost::beast::http;

std::string DumpJson(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response ErrorResponse(beast_http::status status, std::string_view code, std::string_view message,
                       std::string_view field, unsigned version, bool keep_alive) {
  nlohmann::json error = {{"code", code}, {"message", message}};
  if (!field.empty()) error["field"] = field;
  Response response(status, version);
  response.set(beast_http::field::content_type, kJsonContentType);
  response.keep_alive(keep_alive);
  response.body() = DumpJson(nlohmann::json{{"error", std::move(error)}});
  response.prepare_payload();
  return response;
}

Response JsonResponse(beast_http::status status, const nlohmann::json& body, const Request& request) {
  Response response(status, request.version());
  response.keep_alive(request.keep_alive());
  if (StatusAllowsBody(status)) {  // a 204's body would make prepare_payload throw
    response.set(beast_http::field::content_type, kJsonContentType);
    response.body() = DumpJson(body);
  }
  response.prepare_payload();
  return response;
}

bool StatusAllowsBody(beast_http::status status) {
  unsigned code = static_cast<unsigned>(status);
  return code >= 200 && code != 204 && code != 304;
}

}  // namespace herald::http
