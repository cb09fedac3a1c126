// TlsPolicy: the recipient domains whose mail must travel over TLS (delivery.tls_required_domains;
// DESIGN §4: STARTTLS required by policy). Their routes carry require_tls, so a server that offers
// no STARTTLS or fails the handshake defers the message: it is never sent in clear.
//
// A pattern is a domain ("bank.example": that domain only) or "*." and a domain ("*.bank.example":
// its subdomains at any depth, not the domain itself). Patterns and domains are compared lowercase.
//
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace herald::delivery {

class TlsPolicy {
 public:
  TlsPolicy() = default;
  explicit TlsPolicy(std::vector<std::string> required_patterns);

  bool RequiresTls(std::string_view domain) const;

 private:
  std::vector<std::string> exact_;     // "bank.example"
  std::vector<std::string> suffixes_;  // ".bank.example", from "*.bank.example"
};

}  // namespace herald::delivery
