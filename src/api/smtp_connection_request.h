// SMTP connections in the API: reading the bodies of POST and PATCH /v1/smtp-connections, the JSON
// shape of a connection, and its generated credentials.
//
// Reading checks everything that needs no store, naming the field at fault (422 unless said):
//   name              1..100 bytes, no control characters (required on POST)
//   domains           1..100 valid domain names (the domain rules of core::ParseAddrSpec, ASCII only:
//                     an internationalised domain is given in its xn-- form), lowercased, duplicates
//                     dropped, order kept (required on POST)
//   list_help_url     an https://, http:// or mailto: URL of at most 2000 bytes of printable ASCII
//                     without spaces or angle brackets (it goes into the List-Help header); "" or null
//                     for none
//   trusted_networks  at most 50 CIDR networks (core::IpNetwork), canonicalised, duplicates dropped;
//                     none may lie within another
//   require_tls       a boolean (default true); false only with trusted networks
//                     (tls_required_without_trusted_networks)
//   enabled           a boolean (PATCH only)
// Unknown members are refused (unknown_field). Whether a network overlaps another connection's is the
// store's to say, in the same write (trusted_network_overlap, 409).
//
// Thread-safety: pure functions (the credentials draw from the system's random source). Untrusted
// input: the whole body; text from it is cleaned before it appears in an error message.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_error.h"
#include "base/clock.h"
#include "core/smtp_connection.h"

namespace herald::api {

inline constexpr std::string_view kSmtpUsernamePrefix = "smtp_";
inline constexpr std::string_view kSmtpPasswordPrefix = "hsp_";

// Sets the settings of a new connection from a POST body (the other fields are left alone).
std::optional<ApiError> ReadSmtpConnectionCreate(const nlohmann::json& body,
                                                 core::SmtpConnection& connection);
// Applies the members a PATCH body has to `connection`; the others keep their values.
std::optional<ApiError> ReadSmtpConnectionPatch(const nlohmann::json& body, core::SmtpConnection& connection);

// {"id", "name", "username", "domains", "list_help_url", "trusted_networks", "require_tls", "enabled",
//  "status", "last_used_at", "created_at"}; never the password or its hash.
nlohmann::json SmtpConnectionJson(const core::SmtpConnection& connection, TimePoint now);

// "smtp_" and 16 lowercase base32 characters (80 random bits).
std::string NewSmtpUsername();
// "hsp_" and 256 random bits in base32; only its Sha256Hex is stored.
std::string NewSmtpPassword();

}  // namespace herald::api
