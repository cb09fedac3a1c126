#include "mime/body_encoding.h"

namespace herald::mime {

TransferEncoding ChooseTransferEncoding(const BodyStats& stats) {
  if (stats.eight_bit == 0 && stats.longest_line <= kMaxLineBytes) return TransferEncoding::k7Bit;
  // Quoted-printable grows by about 2 bytes per 8-bit byte, base64 by a third of everything (plus line
  // breaks): QP wins while fewer than about 17% of the bytes are 8-bit.
  if (stats.eight_bit * 100 <= stats.bytes * 17) return TransferEncoding::kQuotedPrintable;
  return TransferEncoding::kBase64;
}

}  // namespace herald::mime
