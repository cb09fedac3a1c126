// RFC 5965 feedback reports (ARF): the machine-readable message/feedback-report part of a complaint.
//
// Thread-safety: pure function. Untrusted input: yes; fields are bounded by FieldLimits.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bounces/fields.h"

namespace herald::bounces {

struct FeedbackReport {
  std::string feedback_type;            // lowercase ("abuse", "opt-out", "auth-failure", …); "" when absent
  std::vector<std::string> recipients;  // the Original-Rcpt-To addresses, in order
};

FeedbackReport ReadFeedbackReport(std::string_view body, const FieldLimits& limits);

}  // namespace herald::bounces
