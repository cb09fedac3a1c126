// ReportRecorder: what Herald's inbound listener (smtp.inbound.listen, DESIGN §4) takes, and what a
// report it takes does to the message it is about.
//
// Recipients (RCPT TO) are taken at Herald's return-path hosts only (ReturnPathHosts):
//   bounces+<token>@<host>          the VERP sender of one message, when the token names a message of
//                                   the host's account (of any account at the shared domain);
//                                   otherwise 550 5.1.1
//   postmaster@, abuse@, fbl@<host> (RFC 5321 §4.5.1, RFC 2142; feedback loops are registered with
//                                   such an address): the report names its message by the returned
//                                   original (Message-ID, …), which must be of the host's account
//   any other local part: 550 5.1.1; any other domain: 550 5.7.1 (this is no relay)
//
// The message (after DATA) is read by bounces::ReadReport, each message it is about found (the VERP
// recipients', else the returned original's) and changed as reports/report_effect.h says, durably,
// before the answer:
//   250 2.0.0  recorded (a bounce or a complaint), or noted without a change (a delay warning, a
//              delivery notice, an automatic reply, a bounce about another recipient: logged)
//   550 5.6.0  not a report at all; or, at postmaster@ and the like, one that names no message of
//              this server
//   552 5.3.4  past the reader's limits (parts, nesting); 550 5.6.0 unreadable
//   451 4.3.0  the store could not answer or write (nothing half-written: the sender retries)
// Nothing but the store's records changes; nothing of the report itself is kept.
//
// Thread-safety: CheckRecipient and Record may be called concurrently from any thread; `done` runs on
// a storage thread (or the caller's, when nothing is written) and must be quick.
// Untrusted input: every byte of the envelope and the message; the reader bounds and cleans it.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/clock.h"
#include "bounces/report.h"
#include "reports/return_paths.h"
#include "smtp/server_session.h"
#include "storage/store.h"

namespace herald::reports {

class ReportRecorder {
 public:
  // All must outlive the recorder.
  ReportRecorder(storage::Store& store, const ReturnPathHosts& hosts, const Clock& clock, bounces::ReadLimits limits);

  // The reply refusing `recipient` at RCPT TO, or nullopt to take it.
  std::optional<smtp::ServerReply> CheckRecipient(const smtp::Path& recipient) const;

  // Reads `raw` (the message as received, dot-stuffing undone) sent to `envelope`'s recipients (each
  // taken by CheckRecipient), records what it says, then calls `done` with the reply to the final dot.
  void Record(const smtp::Envelope& envelope, std::string raw, std::function<void(smtp::ServerReply)> done);

 private:
  storage::Store& store_;
  const ReturnPathHosts& hosts_;
  const Clock& clock_;
  const bounces::ReadLimits limits_;
};

}  // namespace herald::reports
