// SecretBox: seals secrets that Herald must be able to read back (DKIM private keys), so that the
// database and its backups never hold them in clear (DESIGN §5).
//
// AES-256-GCM with a 256-bit key kept in one file of its own (mode 0600, in the data directory):
// each seal has a fresh random 96-bit nonce and is authenticated, so a sealed value that was
// altered, or sealed under another key, fails to open instead of yielding garbage. Sealed text is
// "v1." and base64 of nonce ‖ ciphertext ‖ tag. Losing the key file loses every sealed secret: it
// is backed up with the database.
//
// Thread-safety: immutable after Load; Seal and Open may be called concurrently.
// Untrusted input: Open reads stored text; anything malformed is Corruption, never a crash.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "base/status.h"

namespace herald {

class SecretBox {
 public:
  static constexpr size_t kKeyBytes = 32;

  // Reads the key file at `path`; creates it first (mode 0600, a new random key) when
  // `create_if_missing` and it does not exist. Errors: NotFound (missing, not creating), IoError,
  // Corruption (not a key: wrong size, or readable by others — mode must not grant group or others).
  static Result<SecretBox> Load(const std::string& path, bool create_if_missing);
  // For tests: a box with the given key.
  static SecretBox WithKey(const std::array<unsigned char, kKeyBytes>& key) { return SecretBox(key); }

  std::string Seal(std::string_view plaintext) const;
  // A key for another purpose, derived from this box's key and `label` (HMAC-SHA256): independent of
  // the sealing key and of other labels' keys, stable as long as the key file is.
  std::array<unsigned char, kKeyBytes> DeriveKey(std::string_view label) const;
  // Corruption when `sealed` was not made by Seal under this key, or was altered.
  Result<std::string> Open(std::string_view sealed) const;

 private:
  explicit SecretBox(const std::array<unsigned char, kKeyBytes>& key) : key_(key) {}

  std::array<unsigned char, kKeyBytes> key_;
};

}  // namespace herald
