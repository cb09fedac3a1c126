// The envelope a message leaves with (DESIGN §4: VERP return-path). A message from a sending domain
// already has its VERP sender at the domain's return-path host (intake set it) and keeps it. Any
// other gets its VERP address (core/verp.h) at the configured return-path domain, so that a later
// bounce maps back to it; without one, or for a message sent with the null reverse-path, the sender
// is the message's own.
//
// Thread-safety: a pure function.
#pragma once

#include <string_view>

#include "core/message.h"
#include "delivery/smtp_connection.h"

namespace herald::delivery {

Envelope EnvelopeOf(const core::MessageRecord& record, std::string_view return_path_domain);

}  // namespace herald::delivery
