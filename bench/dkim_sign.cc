// Benchmark: DKIM signing (src/dkim), single-threaded, of a 5 KB and a 100 KB message with RSA-2048, with
// Ed25519, and with both keys at once (what Herald does for every message: one body hash, two signatures).
// "messages/s" counts Sign calls. bench/dkim_sign.sh runs this beside `openssl speed` and compares.
#include <benchmark/benchmark.h>

#include <cstdlib>
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

std::shared_ptr<const herald::dkim::Signer> MakeSigner(Keys keys) {
  static const herald::dkim::GeneratedKey rsa = herald::dkim::GenerateKey(Algorithm::kRsaSha256).value();
  static const herald::dkim::GeneratedKey ed25519 =
      herald::dkim::GenerateKey(Algorithm::kEd25519Sha256).value();
  std::vector<herald::dkim::SigningKey> signing_keys;
  if (keys != Keys::kEd25519)
    signing_keys.push_back({"shop.example", "rsa2026", Algorithm::kRsaSha256, rsa.private_key_pem});
  if (keys != Keys::kRsa) {
    signing_keys.push_back({"shop.example", "ed2026", Algorithm::kEd25519Sha256, ed25519.private_key_pem});
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

constexpr size_t k5KB = 5 * 1024;
constexpr size_t k100KB = 100 * 1024;

BENCHMARK_CAPTURE(BM_Sign, rsa2048_5KB, Keys::kRsa, k5KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, rsa2048_100KB, Keys::kRsa, k100KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, ed25519_5KB, Keys::kEd25519, k5KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, ed25519_100KB, Keys::kEd25519, k100KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, both_5KB, Keys::kBoth, k5KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, both_100KB, Keys::kBoth, k100KB)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BodyHash, relaxed_100KB, k100KB)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
