// The message content as the DATA command sends it (RFC 5321 §4.5.2).
//
// The input is a message already normalised to CRLF line ends. Dot-stuffing doubles a '.' that
// starts a line, so that no line of the content can read as the end-of-data marker ".\r\n".
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace herald::smtp {

// Appends `message` dot-stuffed to `out`, ending it with CRLF if it does not already end so.
// Does not append the end-of-data line ".\r\n". One pass over the input.
void AppendDotStuffed(std::string_view message, std::string& out);

// `message` dot-stuffed, ending with CRLF (an empty message stays empty).
std::string DotStuff(std::string_view message);

// True when `bytes` holds a byte above 0x7f (the body then needs BODY=8BITMIME).
bool HasEightBitBytes(std::string_view bytes);

// True when `text` holds a control character or an angle bracket: bytes that would let an envelope
// address break out of its command line ("a@b>\r\nRCPT TO:<c@d").
bool HasCommandBreakingBytes(std::string_view text);

}  // namespace herald::smtp
