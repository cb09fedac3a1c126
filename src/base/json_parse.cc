#include "base/json_parse.h"

#include <simdjson.h>

namespace herald {
namespace {

nlohmann::json Convert(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT: {
      nlohmann::json object = nlohmann::json::object();
      for (simdjson::dom::key_value_pair member : simdjson::dom::object(element)) {
        object[std::string(member.key)] = Convert(member.value);
      }
      return object;
    }
    case simdjson::dom::element_type::ARRAY: {
      nlohmann::json array = nlohmann::json::array();
      for (simdjson::dom::element item : simdjson::dom::array(element)) array.push_back(Convert(item));
      return array;
    }
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(element));
    case simdjson::dom::element_type::INT64:
      return int64_t(element);
    case simdjson::dom::element_type::UINT64:
      return uint64_t(element);
    case simdjson::dom::element_type::DOUBLE:
      return double(element);
    case simdjson::dom::element_type::BOOL:
      return bool(element);
    case simdjson::dom::element_type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

std::optional<nlohmann::json> ParseJson(const std::string& text) {
  simdjson::dom::parser parser;
  if (parser.allocate(text.size() + 1, kMaxJsonDepth) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::element root;
  if (parser.parse(text).get(root) != simdjson::SUCCESS) return std::nullopt;  // copies only if unpadded
  return Convert(root);
}

}  // namespace herald
