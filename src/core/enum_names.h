// Names of enumerators as the API and the store write them: a table of (value, name) pairs read
// both ways, so that one table is the single place where a name is spelt.
//
// Thread-safety: pure functions over constant tables.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace herald::core {

template <typename Enum, size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

// The name of `value`; "unknown" for a value missing from the table (a bug the tests catch).
template <typename Enum, size_t N>
std::string_view NameOf(const EnumNames<Enum, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename Enum, size_t N>
std::optional<Enum> ValueOf(const EnumNames<Enum, N>& table, std::string_view text) {
  for (const auto& [v, name] : table) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace herald::core
