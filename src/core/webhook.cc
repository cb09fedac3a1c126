#include "core/webhook.h"

#include <algorithm>

namespace herald::core {

bool WebhookEventFilter::Matches(EventType type) const {
  return all || std::find(types.begin(), types.end(), type) != types.end();
}

std::vector<std::string> WebhookEventFilter::Names() const {
  if (all) return {"*"};
  std::vector<std::string> names;
  names.reserve(types.size());
  for (EventType type : types) names.emplace_back(ToString(type));
  return names;
}

}  // namespace herald::core
