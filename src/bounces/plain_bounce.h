// Non-standard bounces: notifications written for people (qmail, Exim, old Sendmail, Exchange,
// Lotus Notes, providers' own wording) rather than as RFC 3464 fields. Heuristics, tuned against the
// shared bounce corpus (../shared/corpora/bounces):
//
//   1. The notification text is cut where the returned original starts: at a separator line
//      ("--- Below this line is a copy of the message.", "------ This is a copy of the message…",
//      "Original message follows.", "----- Unsent message follows -----", …) or where a block of
//      header fields (Received:, Return-Path:, From:, Message-ID: …) begins at the start of a line.
//   2. Recipients are the addresses in the notification that do not belong to the sending side (the
//      report's own From and To, the original's From, Sender, Reply-To and Return-Path, the envelope)
//      and never stand after "MAIL FROM", "from" or "contact". Exim's X-Failed-Recipients decides when
//      present. An address that stands alone on its line, leads it ("<x@y>: 550 …", "554 <x@y>...")
//      or follows a recipient lead ("to:", "RCPT TO:", "Recipient address:", "Unknown user:") is
//      preferred to one merely mentioned; then come addresses of the sending side standing so (a
//      message sent to oneself); when the notification names no one, the returned original's
//      recipients are used.
//   3. Each recipient's evidence is the text from its line to where another recipient is named as
//      one — only its indented continuation lines when its own line already says what failed (Sendmail
//      names the next host before the next recipient). When that says nothing (no code, no known
//      reason), the text before the first recipient comes first, then the subject.
//   4. The action is "delayed" when the notification is a delay warning (signals.h), else "failed";
//      a known system's own notice may name the reason (signals.h NoticeReason).
//
// Thread-safety: pure function. Untrusted input: yes; the caller bounds the text (ReadLimits::
// max_text_bytes) and `max_recipients` bounds the result (the others counted in `omitted`).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bounces/outcome.h"

namespace herald::bounces {

struct SplitNotification {
  std::string_view notice;    // what the reporting system wrote
  std::string_view original;  // the returned original (its header first), or "" when none was found
};

SplitNotification SplitAtReturnedMessage(std::string_view text);

struct PlainBounceContext {
  std::string_view subject;                      // of the notification
  std::vector<std::string> sending_side;         // addresses that are never the failed recipient
  std::vector<std::string> failed_recipients;    // X-Failed-Recipients, when given
  std::vector<std::string> original_recipients;  // the returned original's To, Cc, …: the last resort
};

std::vector<RecipientEvidence> ReadPlainBounce(std::string_view notice, const PlainBounceContext& context,
                                               size_t max_recipients, size_t& omitted);

// True when the text says something a classifier can use: a failure reply or status code, or a
// phrase ClassifyReply knows.
bool IsInformative(std::string_view text);

}  // namespace herald::bounces
