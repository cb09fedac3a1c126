#include "profiles/lookup.h"

#include "profiles/attribute_values.h"

namespace herald::profiles {

Result<ProfileLookup> LookupForKey(const core::ProfileTable& table, std::string_view key) {
  std::string attribute = table.key;
  if (table.kind == core::ProfileTableKind::kTransactional) {
    attribute = std::string(key.find('@') != std::string_view::npos ? core::kEmailAttribute : core::kGsmAttribute);
  }
  const core::AttributeDef* def = table.Find(attribute);
  if (def == nullptr) return Status::Internal("the table " + table.name + " has no attribute " + attribute);
  Result<nlohmann::json> value = CanonicalValueFromText(*def, key);
  if (!value.ok() || value->is_null()) {
    return Status::InvalidArgument("key: " + (value.ok() ? std::string("empty") : value.status().message()) +
                                   " (the key is " + attribute + ")");
  }
  return ProfileLookup{std::move(attribute), std::move(*value)};
}

}  // namespace herald::profiles
