// Reading asynchronous reports about sent messages (DESIGN §4): what a message that arrives at
// Herald's inbound listener, at a return-path address ("bounces+<token>@<return-path host>",
// core/verp.h) or at the feedback address, says about which recipients of which message.
//
// A report is one of:
//   - an RFC 3464 delivery status notification (multipart/report; report-type=delivery-status): one
//     outcome per recipient group, from its Action, Status and Diagnostic-Code;
//   - an RFC 5965 feedback report (report-type=feedback-report), or a provider's look-alike: a
//     complaint about the recipients named by Original-Rcpt-To or the returned message's To;
//   - a non-standard bounce (qmail, Exim, old Sendmail, Exchange, providers' own wording): the failed
//     recipients, codes and reply text found in the notification's text by heuristics (plain_bounce.h),
//     also when a multipart/report's boundary is broken and its delivery-status fields are text;
//   - an Amazon SES notification (JSON by e-mail, for mail relayed through SES): bounce, complaint or
//     delivery (ses_notification.h);
//   - an automatic reply (RFC 3834 Auto-Submitted: auto-replied, vacation notices, …);
//   - anything else: not a report. Neither of the last two is ever a bounce.
// Each bounced or delayed recipient is classified by smtp::ClassifyReply (bounce_classification.h),
// so that asynchronous and synchronous bounces share one vocabulary of dispositions and reasons.
//
// The message a report is about is named, in order of trust, by the VERP token of an envelope
// recipient at one of Herald's return-path domains, by the returned original's Message-ID
// ("<msg_…@domain>", as intake writes it), by an X-Herald-Message-Id field of the returned original,
// or by a VERP address in the returned original's Return-Path. Ids carry 80 random bits, so a forged
// report cannot name a message it has not seen.
//
// SECURITY: every byte is untrusted. Input size, MIME parts and nesting, header fields and their
// length, scanned text and reported recipients are bounded by ReadLimits; garbage gives a best-effort
// report or an error, never a crash, and no exception leaves ReadReport. Text copied into the report
// (recipients, diagnostics, header values) is valid UTF-8 and cut; diagnostics are also cleaned of
// control characters (base/printable.h). Recipients are addresses as reported, not yet checked
// against the message: callers must match them to the message's recipient before acting on them.
//
// Thread-safety: ReadReport may run on many threads at once; it keeps no state between calls.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "smtp/bounce_classification.h"
#include "smtp/server_session.h"

namespace herald::bounces {

enum class ReportKind {
  kBounce,      // at least one recipient failed for good
  kDelay,       // a delay warning: recipients still being tried, none failed; not a bounce
  kDelivered,   // a positive DSN: recipients delivered, relayed or expanded, none failed or delayed
  kComplaint,   // a feedback report (RFC 5965 or a provider's equivalent)
  kAutoReply,   // an automatic reply: vacation, out of office (RFC 3834)
  kNotAReport,  // ordinary mail, or nothing recognisable
};

// "bounce", "delay", "delivered", "complaint", "auto_reply", "not_a_report".
std::string_view ToString(ReportKind kind);

// What a report says about one recipient.
//   kBounce, kDelay, kDelivered: one per reported recipient (a bounce may also list delayed or
//     delivered ones); disposition, type and reason from smtp::ClassifyReply, except that a recipient
//     the report says failed is bounced even with a transient code (it expired: soft), and one it
//     says is delayed is deferred even with a permanent code.
//   kComplaint: the complained-about recipients, disposition kDelivered (the mail reached them).
//   kAutoReply: the address that replied (the From), disposition kDelivered.
struct RecipientOutcome {
  std::string recipient;  // addr-spec as reported (Final-Recipient, or found in the text)
  std::string
      status;  // RFC 3463 "5.1.1": the DSN's Status unless the diagnostic is more specific; "" when none
  int reply_code = 0;      // the SMTP reply code in the diagnostic; 0 when none
  std::string diagnostic;  // the remote reply or the report's explanation, one line, cleaned, cut
  std::string action;      // failed, delayed, delivered, relayed, expanded; for a non-standard bounce
                           // as its wording implies (failed or delayed); "" when unknown
  smtp::Disposition disposition = smtp::Disposition::kBounced;
  std::optional<smtp::BounceType> type;  // set when, and only when, bounced
  smtp::BounceReason reason = smtp::BounceReason::kUnknown;
};

// Where Report::message_id came from, strongest first.
enum class MessageIdSource {
  kNone,
  kVerpRecipient,
  kOriginalMessageId,
  kOriginalHeraldHeader,
  kOriginalReturnPath
};

struct Report {
  ReportKind kind = ReportKind::kNotAReport;
  std::vector<RecipientOutcome> recipients;
  size_t omitted_recipients = 0;  // reported recipients beyond ReadLimits::max_recipients, dropped
  std::string feedback_type;      // complaints: ARF Feedback-Type, lowercase ("abuse", "opt-out", …)
  std::optional<std::string> message_id;  // Herald's message ("msg_…") the report is about
  MessageIdSource message_id_source = MessageIdSource::kNone;
  std::string original_message_id_header;  // the returned original's Message-ID as found, cut; "" when none
};

struct ReadLimits {
  size_t max_bytes = 40u << 20;        // larger input is refused (a 30 MB message returned whole fits)
  size_t max_parts = 256;              // MIME leaves and multiparts
  size_t max_depth = 16;               // multipart nesting
  size_t max_recipients = 100;         // outcomes kept; further ones are counted in omitted_recipients
  size_t max_text_bytes = 256u << 10;  // of notification text read by the non-standard heuristics
  size_t max_fields = 500;             // fields read from one header or delivery-status block
  size_t max_field_bytes = 16u << 10;  // of one unfolded field value; longer values are cut
};

struct ReadOptions {
  ReadLimits limits;
  // True when `domain` (ASCII lowercase) is one of Herald's return-path hosts (delivery.return_path_domain,
  // or <domains.return_path_prefix>.<sending domain>): only a VERP address there names a message. Unset:
  // no envelope recipient is believed, and the message is named by the returned original alone.
  std::function<bool(std::string_view domain)> is_return_path_domain;
};

// Reads one message received by the inbound listener. `envelope` is what the listener accepted
// (bounces usually come with the null reverse-path). ResourceExhausted when the input passes a limit
// of ReadLimits (size, parts, nesting), InvalidArgument when no message can be read at all; any other
// input, however broken, gives a Report (kNotAReport when nothing in it is recognised).
Result<Report> ReadReport(std::string_view raw, const smtp::Envelope& envelope,
                          const ReadOptions& options = {});

}  // namespace herald::bounces
