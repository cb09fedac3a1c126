// Benchmark: DKIM signing (src/dkim), single-threaded, of a 5 KB and a 100 KB message with RSA-2048, with
// Ed25519, and with both keys at once (what Herald does for every message: one body hash, two signatures).
// "messages/s" counts Sign calls. Beside them, in the same process and with the same keys, what OpenSSL
// alone does (BM_RawSign: one signature over a digest with a prepared context, as `openssl speed` measures
// it; BM_Sha256: hashing the body's bytes), so that shares can be taken from one run, where machine noise
// hits all cases alike (bench/dkim_sign.sh interleaves them). bench/dkim_sign.sh also runs `openssl speed`.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "dkim/body_hash.h"
#include "dkim/key.h"
#include "dkim/message_fields.h"
#include "dkim/signer.h"

namespace {

using herald::dkim::Algorithm;

enum class Keys { kRsa, kEd25519, kBoth };

// An order confirmation of about `size` bytes, as Herald builds it: multipart/alternative with a
// quoted-printable text part and HTML part, lines under 78 columns.
std::string Message(size_t size) {
  std::string message =
      "From: Shop <orders@shop.example>\r\n"
      "To: Ann Smith <ann@customer.example>\r\n"
      "Subject: Your order 1042 has shipped\r\n"
      "Date: Tue, 01 Dec 2026 21:00:00 +0000\r\n"
      "Message-ID: <msg_01jdz4n7r8xg4w5v3k2p9qh6tb@shop.example>\r\n"
      "List-Unsubscribe: <https://shop.example/u/1042>\r\n"
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/alternative; boundary=\"=_herald_b1\"\r\n"
      "\r\n"
      "--=_herald_b1\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n";
  const std::vector<std::string> lines = {
      "Hello Ann, your parcel with order 1042 is on its way and arrives on Friday.",
      "Item 1: Walking boots, size 39, brown leather     1 x  129.00 EUR",
      "  Tracking number: 0042-1042-7781 (carrier: Parcel Express)",
      "Questions? Answer this e-mail or call us from Monday to Friday, 9=E2=80=9317.",
      "<tr><td class=3D\"item\">Walking boots</td><td class=3D\"price\">129.00</td></tr>",
      "",
  };
  for (size_t i = 0; message.size() < size; ++i) {
    if (i == lines.size() * 20) message += "--=_herald_b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n";
    message += lines[i % lines.size()];
    message += "\r\n";
  }
  message += "--=_herald_b1--\r\n";
  return message;
}

const herald::dkim::GeneratedKey& Key(Algorithm algorithm) {
  static const herald::dkim::GeneratedKey rsa = herald::dkim::GenerateKey(Algorithm::kRsaSha256).value();
  static const herald::dkim::GeneratedKey ed25519 =
      herald::dkim::GenerateKey(Algorithm::kEd25519Sha256).value();
  return algorithm == Algorithm::kRsaSha256 ? rsa : ed25519;
}

std::shared_ptr<const herald::dkim::Signer> MakeSigner(Keys keys) {
  std::vector<herald::dkim::SigningKey> signing_keys;
  if (keys != Keys::kEd25519) {
    signing_keys.push_back(
        {"shop.example", "rsa2026", Algorithm::kRsaSha256, Key(Algorithm::kRsaSha256).private_key_pem});
  }
  if (keys != Keys::kRsa) {
    signing_keys.push_back({"shop.example", "ed2026", Algorithm::kEd25519Sha256,
                            Key(Algorithm::kEd25519Sha256).private_key_pem});
  }
  return herald::dkim::Signer::Create(std::move(signing_keys)).value();
}

void BM_Sign(benchmark::State& state, Keys keys, size_t size) {
  std::shared_ptr<const herald::dkim::Signer> signer = MakeSigner(keys);
  std::string message = Message(size);
  const herald::TimePoint now = herald::FromUnixMillis(1'796'158'800'000);
  for (auto _ : state) {
    herald::Result<std::string> signatures = signer->Sign(message, now);
    if (!signatures.ok()) std::abort();
    benchmark::DoNotOptimize(signatures);
  }
  state.counters["body_bytes"] = static_cast<double>(herald::dkim::SplitMessage(message).value().body.size());
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * message.size()));
}

// The body hash alone (relaxed), the part of Sign that grows with the message.
void BM_BodyHash(benchmark::State& state, size_t size) {
  std::string message = Message(size);
  std::string_view body = herald::dkim::SplitMessage(message).value().body;
  for (auto _ : state)
    benchmark::DoNotOptimize(herald::dkim::BodyHash(herald::dkim::Canonicalization::kRelaxed, body));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

// OpenSSL alone: one signature over a SHA-256 digest with the same key, its context prepared once.
void BM_RawSign(benchmark::State& state, Algorithm algorithm) {
  const std::string& pem = Key(algorithm).private_key_pem;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  const unsigned char digest[32] = {42};
  unsigned char signature[512];
  if (algorithm == Algorithm::kRsaSha256) {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                        EVP_PKEY_CTX_free);
    if (EVP_PKEY_sign_init(context.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(context.get(), EVP_sha256()) != 1) {
      std::abort();
    }
    for (auto _ : state) {
      size_t length = sizeof signature;
      if (EVP_PKEY_sign(context.get(), signature, &length, digest, sizeof digest) != 1) std::abort();
    }
  } else {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1) std::abort();
    for (auto _ : state) {
      size_t length = sizeof signature;
      if (EVP_DigestSign(context.get(), signature, &length, digest, sizeof digest) != 1) std::abort();
    }
  }
  state.counters["signatures/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// OpenSSL's SHA-256 over the body's bytes: what hashing any body costs before canonicalisation.
void BM_Sha256(benchmark::State& state, size_t size) {
  std::string message = Message(size);
  std::string_view body = herald::dkim::SplitMessage(message).value().body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  for (auto _ : state) {
    if (EVP_Digest(body.data(), body.size(), digest, &length, EVP_sha256(), nullptr) != 1) std::abort();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

constexpr size_t k5KB = 5 * 1024;
constexpr size_t k100KB = 100 * 1024;

BENCHMARK_CAPTURE(BM_Sign, rsa2048_5KB, Keys::kRsa, k5KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, rsa2048_100KB, Keys::kRsa, k100KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, ed25519_5KB, Keys::kEd25519, k5KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, ed25519_100KB, Keys::kEd25519, k100KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, both_5KB, Keys::kBoth, k5KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, both_100KB, Keys::kBoth, k100KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BodyHash, relaxed_100KB, k100KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_RawSign, rsa2048, Algorithm::kRsaSha256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_RawSign, ed25519, Algorithm::kEd25519Sha256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sha256, body_100KB, k100KB)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
