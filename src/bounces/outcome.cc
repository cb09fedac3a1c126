#include "bounces/outcome.h"

#include "base/printable.h"
#include "bounces/text_scan.h"

namespace herald::bounces {
namespace {

using smtp::BounceReason;
using smtp::Disposition;

bool IsPositiveAction(std::string_view action) {
  return action == "delivered" || action == "relayed" || action == "expanded";
}

// The enhanced code to classify by: the report's Status, unless the diagnostic has one of the same
// class that is the remote server's own (written with its reply code: reporting MTAs map any 550 to
// 5.1.1 or 5.0.0), or the Status says nothing specific (X.0.0).
std::string ChooseStatus(const std::string& reported, const FoundCodes& in_diagnostic) {
  if (reported.empty()) return in_diagnostic.status;
  bool same_class = !in_diagnostic.status.empty() && in_diagnostic.status[0] == reported[0];
  if (same_class && (in_diagnostic.status_follows_reply || IsGenericStatus(reported)))
    return in_diagnostic.status;
  return reported;
}

}  // namespace

RecipientOutcome Classify(const RecipientEvidence& evidence) {
  RecipientOutcome outcome;
  outcome.recipient = evidence.recipient;
  outcome.action = evidence.action;
  const bool positive = IsPositiveAction(evidence.action);
  FoundCodes codes = FindCodes(evidence.diagnostic, positive ? "2" : "45");
  outcome.status = ChooseStatus(evidence.status, codes);
  outcome.reply_code = codes.reply_code;
  outcome.diagnostic = Printable(OneLine(evidence.diagnostic), kMaxDiagnosticBytes);
  if (positive) {
    outcome.disposition = Disposition::kDelivered;
    return outcome;
  }

  smtp::RepliedCommand command = FindRepliedCommand(evidence.diagnostic, codes.reply_offset);
  // An address is not words: "no-such-user@example.com" must not read as "no such user".
  const std::string words = WithoutAddresses(evidence.diagnostic);
  smtp::BounceClassification verdict = smtp::ClassifyReply(codes.reply_code, outcome.status, words, command);
  if (evidence.action == "delayed") {
    outcome.disposition = Disposition::kDeferred;
    outcome.reason = verdict.reason;
    if (verdict.disposition != Disposition::kDeferred || outcome.reason == BounceReason::kSystem ||
        outcome.reason == BounceReason::kUnknown)
      outcome.reason = BounceReason::kTemporary;
    return outcome;
  }

  // Failed (or, for a non-standard bounce, presumed failed): the reporting MTA has given up.
  if (verdict.disposition == Disposition::kDeferred && (codes.reply_code != 0 || !outcome.status.empty())) {
    // Transient failures until the message expired: a soft bounce for the reason the last attempt
    // gave. The remote never said the failure was permanent ("450 4.1.1 User unknown" included).
    verdict.disposition = Disposition::kBounced;
    verdict.type = smtp::BounceType::kSoft;
  } else if (verdict.disposition != Disposition::kBounced) {
    // No usable code (or a success code in a failure): read the text as a permanent failure of
    // unknown detail, which lets it name the reason.
    verdict = smtp::ClassifyReply(0, "5.0.0", words, command);
  }
  if (evidence.reason) {
    verdict.reason = *evidence.reason;
    verdict.type = smtp::TypeOfBounce(verdict.reason);
  }
  outcome.disposition = verdict.disposition;
  outcome.type = verdict.type;
  outcome.reason = verdict.reason;
  return outcome;
}

}  // namespace herald::bounces
