#include "base/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "base/base64.h"
#include "base/random.h"

namespace herald {
namespace {

constexpr std::string_view kVersion = "v1.";
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext NewContext() { return CipherContext(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free); }

Status Errno(std::string_view what, const std::string& path) {
  return Status::IoError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

// Writes a new random key to `path`, failing if the file appeared meanwhile (O_EXCL).
Status CreateKeyFile(const std::string& path) {
  unsigned char key[SecretBox::kKeyBytes];
  RandomBytes(key, sizeof key);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", path);
  const bool written = ::write(fd, key, sizeof key) == static_cast<ssize_t>(sizeof key) && ::fsync(fd) == 0;
  ::close(fd);
  OPENSSL_cleanse(key, sizeof key);
  if (!written) return Errno("cannot write", path);
  return Status::Ok();
}

}  // namespace

Result<SecretBox> SecretBox::Load(const std::string& path, bool create_if_missing) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Errno("cannot read", path);
    if (!create_if_missing) return Status::NotFound("no secret key file " + path);
    HERALD_RETURN_IF_ERROR(CreateKeyFile(path));
    if (::stat(path.c_str(), &st) != 0) return Errno("cannot read", path);
  }
  if ((st.st_mode & 077) != 0)
    return Status::Corruption("secret key file " + path + " is readable by others; make it mode 0600");
  if (st.st_size != static_cast<off_t>(kKeyBytes))
    return Status::Corruption("secret key file " + path + " does not hold a " + std::to_string(kKeyBytes) + "-byte key");
  std::array<unsigned char, kKeyBytes> key{};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  const bool read_all = ::read(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
  ::close(fd);
  if (!read_all) return Errno("cannot read", path);
  SecretBox box(key);
  OPENSSL_cleanse(key.data(), key.size());
  return box;
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::string raw(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(raw.data());
  RandomBytes(bytes, kNonceBytes);
  CipherContext ctx = NewContext();
  int length = 0;
  // Every call below fails only when memory runs out or OpenSSL is broken: a bug, not an input.
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), bytes) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes + kNonceBytes, &length,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes + kNonceBytes + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, bytes + kNonceBytes + plaintext.size()) != 1) {
    std::abort();
  }
  return std::string(kVersion) + Base64Encode(raw);
}

std::array<unsigned char, SecretBox::kKeyBytes> SecretBox::DeriveKey(std::string_view label) const {
  std::array<unsigned char, kKeyBytes> derived{};
  unsigned int size = 0;
  const std::string input = "herald derive " + std::string(label);
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), derived.data(), &size);
  return derived;
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  if (!sealed.starts_with(kVersion)) return Status::Corruption("not a sealed secret");
  Result<std::string> raw = Base64Decode(sealed.substr(kVersion.size()));
  if (!raw.ok() || raw->size() < kNonceBytes + kTagBytes) return Status::Corruption("not a sealed secret");
  auto* bytes = reinterpret_cast<unsigned char*>(raw->data());
  const size_t text_size = raw->size() - kNonceBytes - kTagBytes;
  std::string plaintext(text_size, '\0');
  CipherContext ctx = NewContext();
  int length = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), bytes) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &length, bytes + kNonceBytes,
                        static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, bytes + kNonceBytes + text_size) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()) + length, &length) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return Status::Corruption("a sealed secret does not open with this key (altered, or sealed under another key)");
  }
  return plaintext;
}

}  // namespace herald
