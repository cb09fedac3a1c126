#include "api/smtp_connection_request.h"

#include <algorithm>
#include <vector>

#include "api/request_context.h"
#include "base/printable.h"
#include "base/random.h"
#include "base/time_format.h"
#include "core/address.h"
#include "core/ip_network.h"

namespace herald::api {
namespace {

using nlohmann::json;

constexpr size_t kMaxNameBytes = 100;
constexpr size_t kMaxDomains = 100;
constexpr size_t kMaxUrlBytes = 2000;
constexpr size_t kMaxNetworks = 50;

ApiError WrongType(const std::string& field, const char* expected) {
  return ApiError::Invalid("invalid_type", field + " must be " + expected, field);
}

std::optional<ApiError> ReadName(const json& value, std::string& out) {
  if (!value.is_string()) return WrongType("name", "a string");
  std::string name = value.get<std::string>();
  bool control = false;
  for (unsigned char c : name) control = control || c < 0x20 || c == 0x7f;
  if (name.empty() || name.size() > kMaxNameBytes || control)
    return ApiError::Invalid("invalid_value", "name has 1 to 100 bytes and no control characters", "name");
  out = std::move(name);
  return std::nullopt;
}

std::optional<ApiError> ReadDomains(const json& value, std::vector<std::string>& out) {
  if (!value.is_array()) return WrongType("domains", "an array of domain names");
  if (value.empty())
    return ApiError::Invalid("invalid_value", "domains needs at least one domain", "domains");
  if (value.size() > kMaxDomains)
    return ApiError::Invalid("too_many", "at most " + std::to_string(kMaxDomains) + " domains", "domains");
  std::vector<std::string> domains;
  for (const json& item : value) {
    if (!item.is_string()) return WrongType("domains", "an array of domain names");
    const std::string& text = item.get_ref<const std::string&>();
    bool ascii =
        std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    // The domain rules of an address's domain part; the local part is a plain one that always passes.
    if (!ascii || !core::ParseAddrSpec("postmaster@" + text).ok()) {
      return ApiError::Invalid(
          "invalid_domain",
          "\"" + Printable(text, 100) +
              "\" is not a domain name such as shop.example (internationalised domains in "
              "their xn-- form)",
          "domains");
    }
    std::string domain = core::AsciiLower(text);
    if (std::find(domains.begin(), domains.end(), domain) == domains.end())
      domains.push_back(std::move(domain));
  }
  out = std::move(domains);
  return std::nullopt;
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && core::AsciiLower(text.substr(0, prefix.size())) == prefix;
}

std::optional<ApiError> ReadListHelpUrl(const json& value, std::string& out) {
  if (value.is_null()) {
    out.clear();
    return std::nullopt;
  }
  if (!value.is_string()) return WrongType("list_help_url", "a string or null");
  std::string url = value.get<std::string>();
  if (url.empty()) {
    out.clear();
    return std::nullopt;
  }
  auto invalid = [](const std::string& why) {
    return ApiError::Invalid("invalid_url", why, "list_help_url");
  };
  if (url.size() > kMaxUrlBytes) return invalid("list_help_url is longer than 2000 bytes");
  // It is written as "List-Help: <url>": nothing that could end the brackets or the header line.
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>')
      return invalid("list_help_url may hold printable ASCII only, without spaces or angle brackets");
  }
  size_t scheme_length = StartsWithNoCase(url, "https://")  ? 8
                         : StartsWithNoCase(url, "http://") ? 7
                         : StartsWithNoCase(url, "mailto:") ? 7
                                                            : 0;
  if (scheme_length == 0) return invalid("list_help_url starts with https://, http:// or mailto:");
  if (url.size() == scheme_length || url[scheme_length] == '/')
    return invalid("list_help_url has nothing after its scheme");
  out = std::move(url);
  return std::nullopt;
}

std::optional<ApiError> ReadNetworks(const json& value, std::vector<std::string>& out) {
  if (!value.is_array()) return WrongType("trusted_networks", "an array of CIDR networks");
  if (value.size() > kMaxNetworks) {
    return ApiError::Invalid("too_many", "at most " + std::to_string(kMaxNetworks) + " trusted networks",
                             "trusted_networks");
  }
  std::vector<core::IpNetwork> networks;
  for (const json& item : value) {
    if (!item.is_string()) return WrongType("trusted_networks", "an array of CIDR networks");
    Result<core::IpNetwork> network = core::IpNetwork::Parse(item.get_ref<const std::string&>());
    if (!network.ok())
      return ApiError::Invalid("invalid_network", network.status().message(), "trusted_networks");
    if (std::find(networks.begin(), networks.end(), *network) != networks.end()) continue;
    for (const core::IpNetwork& earlier : networks) {
      if (core::Overlaps(earlier, *network)) {
        return ApiError::Invalid("invalid_network",
                                 "trusted networks " + earlier.ToString() + " and " + network->ToString() +
                                     " overlap; give the wider one only",
                                 "trusted_networks");
      }
    }
    networks.push_back(*network);
  }
  out.clear();
  for (const core::IpNetwork& network : networks) out.push_back(network.ToString());
  return std::nullopt;
}

std::optional<ApiError> ReadBool(const json& body, const char* field, bool& out) {
  auto it = body.find(field);
  if (it == body.end()) return std::nullopt;
  if (!it->is_boolean()) return WrongType(field, "true or false");
  out = it->get<bool>();
  return std::nullopt;
}

// Reads the members of `body` that are present onto `c`.
std::optional<ApiError> ReadSettings(const json& body, core::SmtpConnection& c, bool creating) {
  if (creating) {
    if (auto error =
            CheckObjectFields(body, {"name", "domains", "list_help_url", "trusted_networks", "require_tls"}))
      return error;
  } else if (auto error = CheckObjectFields(
                 body, {"name", "domains", "list_help_url", "trusted_networks", "require_tls", "enabled"})) {
    return error;
  }
  for (const char* required : {"name", "domains"}) {
    if (creating && !body.contains(required))
      return ApiError::Invalid("missing_field", std::string(required) + " is required", required);
  }
  if (auto it = body.find("name"); it != body.end()) {
    if (auto error = ReadName(*it, c.name)) return error;
  }
  if (auto it = body.find("domains"); it != body.end()) {
    if (auto error = ReadDomains(*it, c.domains)) return error;
  }
  if (auto it = body.find("list_help_url"); it != body.end()) {
    if (auto error = ReadListHelpUrl(*it, c.list_help_url)) return error;
  }
  if (auto it = body.find("trusted_networks"); it != body.end()) {
    if (auto error = ReadNetworks(*it, c.trusted_networks)) return error;
  }
  if (auto error = ReadBool(body, "require_tls", c.require_tls)) return error;
  if (auto error = ReadBool(body, "enabled", c.enabled)) return error;

  // Without TLS, the password would cross the network in clear: only a trusted network may skip it.
  if (!c.require_tls && c.trusted_networks.empty()) {
    return ApiError::Invalid("tls_required_without_trusted_networks",
                             "require_tls may be false only for a connection with trusted networks",
                             body.contains("require_tls") ? "require_tls" : "trusted_networks");
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> ReadSmtpConnectionCreate(const json& body, core::SmtpConnection& connection) {
  connection.list_help_url.clear();
  connection.trusted_networks.clear();
  connection.require_tls = true;
  connection.enabled = true;
  return ReadSettings(body, connection, /*creating=*/true);
}

std::optional<ApiError> ReadSmtpConnectionPatch(const json& body, core::SmtpConnection& connection) {
  return ReadSettings(body, connection, /*creating=*/false);
}

json SmtpConnectionJson(const core::SmtpConnection& c, TimePoint now) {
  return {
      {"id", c.id},
      {"name", c.name},
      {"username", c.username},
      {"domains", c.domains},
      {"list_help_url", c.list_help_url.empty() ? json(nullptr) : json(c.list_help_url)},
      {"trusted_networks", c.trusted_networks},
      {"require_tls", c.require_tls},
      {"enabled", c.enabled},
      {"status", core::IsActive(c, now) ? "active" : "inactive"},
      {"last_used_at", c.last_used_at ? json(FormatRfc3339(*c.last_used_at)) : json(nullptr)},
      {"created_at", FormatRfc3339(c.created_at)},
  };
}

std::string NewSmtpUsername() {
  unsigned char raw[10];
  RandomBytes(raw, sizeof raw);
  return std::string(kSmtpUsernamePrefix) +
         Base32(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

std::string NewSmtpPassword() { return NewSecret(kSmtpPasswordPrefix); }

}  // namespace herald::api
