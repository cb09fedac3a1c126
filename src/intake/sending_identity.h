// What a sending domain's identity (domains::SendingIdentity) does to a message intake has built:
// its DKIM signatures at the top of the MIME bytes, its VERP envelope sender, its IP pool.
//
// Thread-safety: pure functions but for the signer's reading of its keys (safe to share).
#pragma once

#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "core/message.h"
#include "domains/directory.h"

namespace herald::intake {

// Prepends the identity's DKIM-Signature fields to `raw` (a complete message, CRLF line ends); does
// nothing without a signer. Internal when signing fails: a message is never stored unsigned that
// should have been signed.
Status Sign(const domains::SendingIdentity& identity, std::string& raw, TimePoint now);

// The envelope sender becomes the record's VERP address at the return-path host (when the identity
// has one and the sender is not the null sender), and the pool the domain's (when it names one).
void ApplyEnvelope(const domains::SendingIdentity& identity, core::MessageRecord& record);

}  // namespace herald::intake
