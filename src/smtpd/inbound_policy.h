// The inbound listener's SessionPolicy (smtp.inbound.listen; DESIGN §4): Herald's MX for the bounces
// and complaints that come back to its return-path addresses.
//
// Anyone may connect and send, without AUTH (the state machine runs with ServerOptions::inbound); the
// ReportRecorder decides which recipients are taken (only Herald's return paths) and what a message
// sent to them does, and answers the final dot once that is durable (reports/recorder.h).
//
// Thread-safety: as SessionPolicy's; the recorder must outlive every session. Untrusted input:
// everything; the recorder bounds and cleans it.
#pragma once

#include "reports/recorder.h"
#include "smtpd/session.h"

namespace herald::smtpd {

PolicyFactory InboundPolicies(reports::ReportRecorder& recorder);

}  // namespace herald::smtpd
