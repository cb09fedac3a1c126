// Base64 (RFC 4648 §4, the standard alphabet, with padding): OpenSSL's encoder; a strict table decoder.
//
// Thread-safety: pure functions. Untrusted input: Base64Decode and IsCanonicalBase64 refuse anything but
// canonical padded base64 without whitespace (the padding's bits zero), so text and bytes correspond one
// to one: canonical text can be passed on as it is, as the encoding of the bytes it stands for.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"

namespace herald {

std::string Base64Encode(std::string_view bytes);
// InvalidArgument for text that is not canonical padded base64.
Result<std::string> Base64Decode(std::string_view text);

// What Base64Decode accepts, checked without decoding (several times faster: a pass of comparisons
// the compiler turns into vector instructions).
bool IsCanonicalBase64(std::string_view text);
// The number of bytes canonical base64 `text` stands for.
size_t Base64DecodedSize(std::string_view text);

// Text known to be canonical base64: made only by checking or encoding, so whoever is handed one (the
// MIME builder, which puts it on the wire as it is) need not check it again.
class CanonicalBase64 {
 public:
  CanonicalBase64() = default;  // "", the encoding of no bytes

  // `text` if it is canonical base64 (IsCanonicalBase64), else nullopt.
  static std::optional<CanonicalBase64> Check(std::string text);
  static CanonicalBase64 Encode(std::string_view bytes) { return CanonicalBase64(Base64Encode(bytes)); }

  const std::string& text() const { return text_; }
  size_t decoded_size() const { return Base64DecodedSize(text_); }

 private:
  explicit CanonicalBase64(std::string text) : text_(std::move(text)) {}

  std::string text_;
};

}  // namespace herald
