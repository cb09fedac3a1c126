// The envelope a message leaves with (DESIGN §4: VERP return-path). With a return-path domain
// configured, the sender is the message's VERP address (core/verp.h), so that a later bounce maps
// back to it; without one, or for a message sent with the null reverse-path, the sender is the
// message's own.
//
// Thread-safety: a pure function.
#pragma once

#include <string_view>

#include "core/message.h"
#include "delivery/smtp_connection.h"

namespace herald::delivery {

Envelope EnvelopeOf(const core::MessageRecord& record, std::string_view return_path_domain);

}  // namespace herald::delivery
