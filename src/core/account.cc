#include "core/account.h"

namespace herald::core {

std::string_view ToString(Scope scope) { return scope == Scope::kAdmin ? "admin" : "send"; }

std::optional<Scope> ParseScope(std::string_view text) {
  if (text == "admin") return Scope::kAdmin;
  if (text == "send") return Scope::kSend;
  return std::nullopt;
}

}  // namespace herald::core
