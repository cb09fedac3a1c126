#include "dns/mx_order.h"

#include <string>
#include <unordered_set>

namespace herald::dns {

std::vector<MxRecord> SortByPreference(std::vector<MxRecord> records) {
  std::stable_sort(records.begin(), records.end(),
                   [](const MxRecord& a, const MxRecord& b) { return a.preference < b.preference; });
  std::vector<MxRecord> unique;
  unique.reserve(records.size());
  std::unordered_set<std::string> seen;
  for (MxRecord& record : records) {
    if (seen.insert(CanonicalName(record.host)).second) unique.push_back(std::move(record));
  }
  return unique;
}

}  // namespace herald::dns
