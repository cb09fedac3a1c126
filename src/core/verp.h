// VERP (variable envelope return path): each message leaves with its own envelope sender,
// "bounces+<token>@<return-path domain>", so that a bounce sent back to it later names the message
// even when the bounce itself is unreadable (DESIGN §4).
//
// The token is the message id's 26 time-and-random characters ("msg_01jdz…" → "01jdz…"), read
// back in any case: ids are lowercase Crockford base32, and a local part may change case in transit. The id's 80 random bits make tokens unguessable, so a forged bounce
// cannot name a message it has not seen.
//
// Thread-safety: pure functions. Untrusted input: ParseVerpAddress reads addresses from bounces.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace herald::core {

inline constexpr std::string_view kVerpLocalPrefix = "bounces+";

// "bounces+01jdz4n7r8xg4w5v3k2p9qh6tb@rp.example" for message "msg_01jdz4n7r8xg4w5v3k2p9qh6tb";
// `domain` lowercase. nullopt when `message_id` is not a message id.
std::optional<std::string> VerpAddress(std::string_view message_id, std::string_view domain);

// The message id named by a VERP address of `domain` (any case), or nullopt when the address is not one.
std::optional<std::string> ParseVerpAddress(std::string_view address, std::string_view domain);

}  // namespace herald::core
