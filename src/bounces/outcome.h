// From what a report says about one recipient to its RecipientOutcome (report.h): the codes in the
// diagnostic, the command it answered, and smtp::ClassifyReply's verdict, adjusted to what the report
// says happened (a failed recipient is bounced even after transient errors; a delayed one is deferred).
//
// Thread-safety: pure function. Untrusted input: yes; the diagnostic is cleaned and cut in the outcome.
#pragma once

#include <optional>
#include <string>

#include "bounces/report.h"

namespace herald::bounces {

inline constexpr size_t kMaxDiagnosticBytes = 512;

struct RecipientEvidence {
  std::string recipient;
  std::string
      action;  // lowercase: failed, delayed, delivered, relayed, expanded; "" unknown (taken as failed)
  std::string status;  // the report's own enhanced status code for the recipient; "" when none
  std::string
      diagnostic;  // the remote reply (Diagnostic-Code without its type) or the report's text about it
  // The reason when the reporting system's notice says it better than any reply (signals.h
  // NoticeReason): believed over the diagnostic for a failed recipient.
  std::optional<smtp::BounceReason> reason;
};

RecipientOutcome Classify(const RecipientEvidence& evidence);

}  // namespace herald::bounces
