#include "dkim/signed_fields.h"

#include <algorithm>
#include <array>

#include "base/ascii.h"

namespace herald::dkim {
namespace {

struct SignedField {
  std::string_view name;
  bool over_signed;
};

constexpr std::array kSignedFields = {
    SignedField{"from", true},
    SignedField{"reply-to", false},
    SignedField{"subject", true},
    SignedField{"date", true},
    SignedField{"to", true},
    SignedField{"cc", false},
    SignedField{"message-id", true},
    SignedField{"in-reply-to", false},
    SignedField{"references", false},
    SignedField{"mime-version", false},
    SignedField{"content-type", false},
    SignedField{"content-transfer-encoding", false},
    SignedField{"list-help", false},
    SignedField{"list-unsubscribe", false},
    SignedField{"list-unsubscribe-post", false},
    SignedField{"feedback-id", false},
};

}  // namespace

std::vector<std::string_view> SignedFieldNames(const std::vector<HeaderField>& fields) {
  std::vector<std::string_view> names;
  for (const SignedField& signed_field : kSignedFields) {
    auto occurrences = std::count_if(fields.begin(), fields.end(), [&](const HeaderField& field) {
      return EqualsIgnoreCase(field.name, signed_field.name);
    });
    names.insert(names.end(), static_cast<size_t>(occurrences) + (signed_field.over_signed ? 1 : 0),
                 signed_field.name);
  }
  return names;
}

}  // namespace herald::dkim
