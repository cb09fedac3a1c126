#include "http/query.h"

#include "base/printable.h"

namespace herald::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view TargetPath(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view TargetQuery(std::string_view target) {
  size_t question = target.find('?');
  if (question == std::string_view::npos) return {};
  std::string_view query = target.substr(question + 1);
  return query.substr(0, query.find('#'));
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string_view> QueryParams::Get(std::string_view name) const {
  for (const auto& [key, value] : entries_) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::vector<std::string_view> QueryParams::GetAll(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [key, value] : entries_) {
    if (key == name) values.emplace_back(value);
  }
  return values;
}

Result<QueryParams> ParseQuery(std::string_view query, const QueryLimits& limits) {
  if (query.size() > limits.max_bytes) {
    return Status::InvalidArgument("query string longer than " + std::to_string(limits.max_bytes) + " bytes");
  }
  QueryParams params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    if (params.entries_.size() == limits.max_params) {
      return Status::InvalidArgument("more than " + std::to_string(limits.max_params) + " query parameters");
    }
    size_t equals = piece.find('=');
    std::string_view raw_name = piece.substr(0, equals);
    std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view() : piece.substr(equals + 1);
    auto name = PercentDecode(raw_name, true);
    auto value = PercentDecode(raw_value, true);
    if (!name || !value) {
      return Status::InvalidArgument("malformed percent-encoding in query parameter '" +
                                     Printable(raw_name, 64) + "'");
    }
    params.entries_.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

}  // namespace herald::http
