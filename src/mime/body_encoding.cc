#include "mime/body_encoding.h"

#include <openssl/evp.h>

namespace herald::mime {

namespace {
constexpr size_t kLineInput = 57;  // bytes that make 76 characters of base64
constexpr size_t kLineOutput = 76;
}  // namespace

size_t Base64LinesSize(size_t bytes) {
  const size_t rest = bytes % kLineInput;
  return bytes / kLineInput * (kLineOutput + 2) + (rest == 0 ? 0 : (rest + 2) / 3 * 4 + 2);
}

void AppendBase64Lines(std::string_view bytes, std::string& out) {
  const size_t full_lines = bytes.size() / kLineInput;
  const size_t rest = bytes.size() % kLineInput;
  const size_t size = Base64LinesSize(bytes.size());
  // EVP_EncodeBlock ends what it writes with a NUL, which the line's CR (or the spare byte) then takes.
  const size_t start = out.size();
  out.resize(start + size + 1);
  auto* to = reinterpret_cast<unsigned char*>(out.data() + start);
  const auto* from = reinterpret_cast<const unsigned char*>(bytes.data());
  for (size_t line = 0; line < full_lines; ++line) {
    to += EVP_EncodeBlock(to, from + line * kLineInput, static_cast<int>(kLineInput));
    *to++ = '\r';
    *to++ = '\n';
  }
  if (rest != 0) {
    to += EVP_EncodeBlock(to, from + full_lines * kLineInput, static_cast<int>(rest));
    *to++ = '\r';
    *to++ = '\n';
  }
  out.resize(start + size);
}

size_t Base64TextLinesSize(size_t characters) {
  return characters + (characters + kLineOutput - 1) / kLineOutput * 2;
}

void AppendBase64TextLines(std::string_view base64, std::string& out) {
  out.reserve(out.size() + Base64TextLinesSize(base64.size()));
  for (size_t at = 0; at < base64.size(); at += kLineOutput) {
    out.append(base64.substr(at, kLineOutput));
    out.append("\r\n");
  }
}

TransferEncoding ChooseTransferEncoding(const BodyStats& stats) {
  if (stats.eight_bit == 0 && stats.longest_line <= kMaxLineBytes) return TransferEncoding::k7Bit;
  // Quoted-printable grows by about 2 bytes per 8-bit byte, base64 by a third of everything (plus line
  // breaks): QP wins while fewer than about 17% of the bytes are 8-bit.
  if (stats.eight_bit * 100 <= stats.bytes * 17) return TransferEncoding::kQuotedPrintable;
  return TransferEncoding::kBase64;
}

}  // namespace herald::mime
