// Shared by the signer tests: generated keys (made once per test binary: RSA-2048 generation is slow), a
// sample message, and the fields of Sign's result. Not part of the library.
//
// Thread-safety: Keys() is initialised once (a function-local static); the rest are plain functions.
// Untrusted input: test data only.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dkim/key.h"
#include "dkim/message_fields.h"
#include "dkim/signer.h"

namespace herald::dkim::testing {

inline constexpr std::string_view kDomain = "shop.example";

struct TestKeys {
  GeneratedKey rsa;
  GeneratedKey ed25519;
};

inline const TestKeys& Keys() {
  static const TestKeys keys{GenerateKey(Algorithm::kRsaSha256).value(),
                             GenerateKey(Algorithm::kEd25519Sha256).value()};
  return keys;
}

// Herald's two keys for kDomain: s=rsa2026 (RSA-2048) and s=ed2026 (Ed25519), in that order.
inline std::vector<SigningKey> BothKeys() {
  return {{std::string(kDomain), "rsa2026", Algorithm::kRsaSha256, Keys().rsa.private_key_pem},
          {std::string(kDomain), "ed2026", Algorithm::kEd25519Sha256, Keys().ed25519.private_key_pem}};
}

inline std::shared_ptr<const Signer> MakeSigner(std::vector<SigningKey> keys) {
  Result<std::shared_ptr<const Signer>> signer = Signer::Create(std::move(keys));
  EXPECT_TRUE(signer.ok()) << signer.status().ToString();
  return signer.ok() ? *signer : nullptr;
}

// An order confirmation as Herald builds one, with folded and repeated fields and whitespace that relaxed
// canonicalisation changes.
inline std::string SampleMessage() {
  return "From: Shop <orders@shop.example>\r\n"
         "To: Ann Smith <ann@customer.example>\r\n"
         "Cc: accounts@customer.example\r\n"
         "Cc: archive@customer.example\r\n"
         "Subject: Your order 1042\r\n"
         " has shipped\r\n"
         "Date: Tue, 01 Dec 2026 21:00:00 +0000\r\n"
         "Message-ID: <msg_01jdz4n7r8xg4w5v3k2p9qh6tb@shop.example>\r\n"
         "X-Herald-Tag: shipping\r\n"
         "List-Unsubscribe: <https://shop.example/u/1042>\r\n"
         "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n"
         "\r\n"
         "Hello Ann,\r\n"
         "\r\n"
         "your parcel   is on its way.\t \r\n"
         "  Tracking: 0042-1042\r\n"
         "\r\n"
         "Gr\xc3\xbc\xc3\x9f"
         "e, Shop\r\n"
         "\r\n"
         "\r\n";
}

// The signature fields of Sign's result, one string each (with its final CRLF).
inline std::vector<std::string> SplitFields(std::string_view signatures) {
  std::string header = std::string(signatures) + "\r\n";  // outlives the views SplitMessage returns
  Result<MessageParts> parts = SplitMessage(header);
  EXPECT_TRUE(parts.ok());
  std::vector<std::string> fields;
  if (parts.ok()) {
    for (const HeaderField& field : parts->fields) fields.emplace_back(field.text);
  }
  return fields;
}

}  // namespace herald::dkim::testing
