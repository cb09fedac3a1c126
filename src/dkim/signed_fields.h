// Which header fields Herald's signatures cover: the h= list (RFC 6376 §5.4, §8.15).
//
// Signed, each as many times as it occurs: From, Reply-To, Subject, Date, To, Cc, Message-ID, In-Reply-To,
// References, MIME-Version, Content-Type, Content-Transfer-Encoding, List-Help, List-Unsubscribe,
// List-Unsubscribe-Post, Feedback-ID. Over-signed: From, Subject, Date, To and Message-ID are named once
// more than they occur (also when they do not occur), so a field of that name added later, anywhere in
// the header, breaks the signature.
//
// Thread-safety: pure function.
// Untrusted input: yes (the fields of a message); names are matched, never copied.
#pragma once

#include <string_view>
#include <vector>

#include "dkim/message_fields.h"

namespace herald::dkim {

// The h= names (lowercase, grouped by name in the order above) for a message with these header fields.
std::vector<std::string_view> SignedFieldNames(const std::vector<HeaderField>& fields);

}  // namespace herald::dkim
