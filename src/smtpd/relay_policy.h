// The SMTP relay's SessionPolicy (DESIGN §2.2): who may send through the relay and how a message it
// takes reaches intake.
//
// A client whose address lies in a trusted network is authorised as that SMTP connection from the
// start (and again after STARTTLS); otherwise AUTH authorises it (RelayAccess, AuthThrottle). MAIL
// FROM must be one of the connection's domains (not the null sender). A message goes to
// Intake::SubmitSmtp; the reply to the final dot comes after its durable commit:
//   250 2.0.0 Ok: queued as <ids>[; suppressed (recipient_suppressed): <ids>]
//       (a recipient on the account's suppression list is recorded as suppressed and not sent)
//   550 5.7.1 (a domain that may not send), 550 5.6.0 (a message intake cannot take), 451 4.3.0
//
// Thread-safety: as SessionPolicy's; the services must outlive every session. Untrusted input: the
// client's credentials and message; usernames are cleaned before they are logged, passwords never are.
#pragma once

#include "intake/intake.h"
#include "smtpd/auth_throttle.h"
#include "smtpd/relay_access.h"
#include "smtpd/session.h"

namespace herald::smtpd {

struct RelayServices {
  RelayAccess& access;
  AuthThrottle& throttle;
  intake::Intake& intake;
};

PolicyFactory RelayPolicies(RelayServices services);

// The reply to the final dot for what intake answered (exposed for tests).
smtp::ServerReply RelayReply(const Result<std::vector<intake::Accepted>>& stored);

}  // namespace herald::smtpd
