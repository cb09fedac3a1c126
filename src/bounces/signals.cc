#include "bounces/signals.h"

#include "bounces/text_scan.h"
#include "mime/text_checks.h"

namespace herald::bounces {
namespace {

bool FieldIs(const std::vector<Field>& header, std::string_view name, std::string_view word) {
  for (std::string_view value : FindFields(header, name)) {
    if (ContainsIgnoreCase(value, word)) return true;
  }
  return false;
}

}  // namespace

bool IsAutoReply(const std::vector<Field>& header, std::string_view subject) {
  if (FieldIs(header, "Auto-Submitted", "auto-replied") || FindField(header, "X-Autoreply") != nullptr ||
      FindField(header, "X-Autorespond") != nullptr || FieldIs(header, "Precedence", "auto_reply") ||
      FieldIs(header, "X-Precedence", "auto_reply") || FieldIs(header, "X-Apple-Action", "vacation"))
    return true;
  // clang-format off
  static const std::vector<std::string_view> kSubjects = {
      "automatic reply", "auto reply", "auto-reply", "autoreply", "auto response", "auto-response",
      "autoresponse", "out of office", "out of the office", "away from the office", "on vacation",
      "vacation reply", "abwesenheitsnotiz", "automatische antwort", "réponse automatique",
      "respuesta automática", "risposta automatica", "absence du bureau"};
  // clang-format on
  return ContainsAnyIgnoreCase(subject, kSubjects);
}

bool IsBounceSender(std::string_view from_field) {
  // clang-format off
  static const std::vector<std::string_view> kSenders = {
      "mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "postmaster", "post_master",
      "mail delivery", "mail deliver system", "delivery subsystem", "delivery system", "mail.delivery.system",
      "ndr administrator"};
  // clang-format on
  return ContainsAnyIgnoreCase(from_field, kSenders);
}

bool IsBounceSubject(std::string_view subject) {
  // clang-format off
  static const std::vector<std::string_view> kSubjects = {
      "undeliver", "undelivered", "not delivered", "delivery status notification", "delivery notification",
      "delivery failure", "delivery failed", "delivery has failed", "delivery problem", "failure notice",
      "failed delivery", "returned mail", "returning message", "mail delivery", "non-delivery",
      "nondeliverable", "non delivery", "could not be delivered", "error sending", "mail system error",
      "delivery status", "message delivery", "mail error"};
  // clang-format on
  return ContainsAnyIgnoreCase(subject, kSubjects);
}

bool HasBouncePhrase(std::string_view text) {
  // clang-format off
  static const std::vector<std::string_view> kPhrases = {
      "could not be delivered", "couldn't be delivered", "can not be delivered", "cannot be delivered",
      "was not delivered", "wasn't delivered", "not be delivered", "undeliverable", "delivery failed",
      "delivery has failed", "delivery to the following", "failed permanently", "permanent error",
      "permanent fatal error", "unable to deliver", "able to deliver your message", "did not reach",
      "following address", "following recipient", "rejected by", "error occurred while trying to deliver",
      "trouble delivering", "delivery failure", "not delivered to", "smtp error", "returned mail"};
  // clang-format on
  return ContainsAnyIgnoreCase(text, kPhrases);
}

bool SaysDelayed(std::string_view subject, std::string_view text) {
  // clang-format off
  static const std::vector<std::string_view> kFinal = {
      "given up", "gave up", "giving up", "failed permanently", "permanent error", "permanent failure",
      "permanently", "retry timeout exceeded", "will not be retried", "no further", "has expired",
      "expired", "deleted from queue", "removed from the queue", "could not be delivered within"};
  // clang-format on
  // clang-format off
  static const std::vector<std::string_view> kDelayed = {
      "(delay)", "delayed", "delay notification", "warning: message", "warning message only",
      "this is a warning", "will retry", "will be retried", "will keep trying", "will continue to try",
      "will try again", "still trying", "continue trying", "not yet been delivered",
      "has not been delivered yet", "no action is required", "not been delivered yet",
      "you do not need to resend"};
  // clang-format on
  bool delayed = ContainsAnyIgnoreCase(subject, kDelayed) || ContainsAnyIgnoreCase(text, kDelayed);
  return delayed && !ContainsAnyIgnoreCase(subject, kFinal) && !ContainsAnyIgnoreCase(text, kFinal);
}

std::optional<smtp::BounceReason> NoticeReason(std::string_view notice) {
  if (ContainsIgnoreCase(notice, "groups.google.com/support")) return smtp::BounceReason::kPolicyBlocked;
  return std::nullopt;
}

bool IsProviderComplaint(std::string_view subject, const std::vector<Field>& original_header) {
  return FindField(original_header, "X-HmXmrOriginalRecipient") != nullptr &&
         ContainsIgnoreCase(subject, "complaint");
}

}  // namespace herald::bounces
