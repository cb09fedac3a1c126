#include "bounces/feedback_report.h"

#include "bounces/text_scan.h"
#include "core/address.h"

namespace herald::bounces {

namespace {
constexpr size_t kMaxFeedbackTypeBytes = 64;
}  // namespace

FeedbackReport ReadFeedbackReport(std::string_view body, const FieldLimits& limits) {
  FeedbackReport report;
  std::vector<Field> fields;
  for (std::vector<Field>& group : ReadFieldGroups(body, limits)) {
    for (Field& field : group) fields.push_back(std::move(field));
  }
  if (const std::string* type = FindField(fields, "Feedback-Type")) {
    // A token ("abuse"): letters, digits, '-', '_' and '.'; anything after them is a comment.
    for (char c : core::AsciiLower(Trim(*type))) {
      bool token = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!token || report.feedback_type.size() == kMaxFeedbackTypeBytes) break;
      report.feedback_type += c;
    }
  }
  for (std::string_view value : FindFields(fields, "Original-Rcpt-To")) {
    if (std::optional<std::string> address = FirstAddress(value))
      report.recipients.push_back(std::move(*address));
  }
  return report;
}

}  // namespace herald::bounces
