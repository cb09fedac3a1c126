#include "api/smtp_connection_request.h"

#include <gtest/gtest.h>

#include "base/time_format.h"

namespace herald::api {
namespace {

using nlohmann::json;

std::optional<ApiError> Create(std::string_view body, core::SmtpConnection& connection) {
  return ReadSmtpConnectionCreate(json::parse(body), connection);
}

void ExpectCreateError(std::string_view body, std::string_view code, std::string_view field) {
  core::SmtpConnection connection;
  auto error = Create(body, connection);
  ASSERT_TRUE(error.has_value()) << body;
  EXPECT_EQ(static_cast<int>(error->status), 422) << body;
  EXPECT_EQ(error->code, code) << body << ": " << error->message;
  EXPECT_EQ(error->field, field) << body;
}

core::SmtpConnection Existing() {
  core::SmtpConnection c;
  c.id = "smtp_1";
  c.name = "Shop";
  c.username = "smtp_abc";
  c.domains = {"shop.example"};
  c.trusted_networks = {"10.0.0.0/8"};
  c.require_tls = false;
  return c;
}

TEST(SmtpConnectionRequest, ReadsACompleteCreateCanonicalising) {
  core::SmtpConnection c;
  auto error =
      Create(R"({"name": "Web shop", "domains": ["Shop.Example", "mail.shop.example", "SHOP.example"],
                          "list_help_url": "https://shop.example/help?topic=mail",
                          "trusted_networks": ["192.0.2.7", "2001:DB8::/32", "192.0.2.7/32", "::ffff:10.0.0.0/104"],
                          "require_tls": false})",
             c);
  ASSERT_FALSE(error.has_value()) << error->code << ": " << error->message;
  EXPECT_EQ(c.name, "Web shop");
  EXPECT_EQ(c.domains, (std::vector<std::string>{"shop.example", "mail.shop.example"}));
  EXPECT_EQ(c.list_help_url, "https://shop.example/help?topic=mail");
  EXPECT_EQ(c.trusted_networks, (std::vector<std::string>{"192.0.2.7/32", "2001:db8::/32", "10.0.0.0/8"}));
  EXPECT_FALSE(c.require_tls);
  EXPECT_TRUE(c.enabled);
}

TEST(SmtpConnectionRequest, CreateDefaults) {
  core::SmtpConnection c;
  ASSERT_FALSE(Create(R"({"name": "ERP", "domains": ["erp.example"]})", c).has_value());
  EXPECT_TRUE(c.require_tls);
  EXPECT_TRUE(c.enabled);
  EXPECT_TRUE(c.trusted_networks.empty());
  EXPECT_EQ(c.list_help_url, "");
  ASSERT_FALSE(
      Create(R"({"name": "ERP", "domains": ["erp.example"], "list_help_url": "mailto:help@erp.example"})", c)
          .has_value());
  EXPECT_EQ(c.list_help_url, "mailto:help@erp.example");
  ASSERT_FALSE(
      Create(R"({"name": "ERP", "domains": ["erp.example"], "list_help_url": null})", c).has_value());
  EXPECT_EQ(c.list_help_url, "");
}

TEST(SmtpConnectionRequest, RefusesBadCreatesNamingTheField) {
  ExpectCreateError(R"({"domains": ["a.example"]})", "missing_field", "name");
  ExpectCreateError(R"({"name": "x"})", "missing_field", "domains");
  ExpectCreateError(R"({"name": "x", "domains": ["a.example"], "password": "mine"})", "unknown_field",
                    "password");
  ExpectCreateError(R"({"name": "x", "domains": ["a.example"], "enabled": false})", "unknown_field",
                    "enabled");
  ExpectCreateError(R"({"name": 5, "domains": ["a.example"]})", "invalid_type", "name");
  ExpectCreateError(R"({"name": "", "domains": ["a.example"]})", "invalid_value", "name");
  ExpectCreateError(R"({"name": "a\u0007b", "domains": ["a.example"]})", "invalid_value", "name");
  ExpectCreateError(R"({"name": ")" + std::string(101, 'x') + R"(", "domains": ["a.example"]})",
                    "invalid_value", "name");
  ExpectCreateError(R"({"name": "x", "domains": "a.example"})", "invalid_type", "domains");
  ExpectCreateError(R"({"name": "x", "domains": []})", "invalid_value", "domains");
  ExpectCreateError(R"({"name": "x", "domains": [5]})", "invalid_type", "domains");
  for (std::string_view bad : {"localhost", "-a.example", "a..example", "a.example.", "a b.example",
                               "b\u00fccher.example", "a@b.example", ""}) {
    ExpectCreateError(R"({"name": "x", "domains": ["ok.example", ")" + std::string(bad) + R"("]})",
                      "invalid_domain", "domains");
  }
  json many = {{"name", "x"}, {"domains", json::array()}};
  for (int i = 0; i < 101; ++i) many["domains"].push_back("d" + std::to_string(i) + ".example");
  ExpectCreateError(many.dump(), "too_many", "domains");

  for (std::string_view bad :
       {"ftp://shop.example", "javascript:alert(1)", "https://", "mailto:", "https:///x",
        "https://shop.example/a b", "https://shop.example/\u00e9", "https://x.example/>", "//shop.example"}) {
    ExpectCreateError(
        R"({"name": "x", "domains": ["a.example"], "list_help_url": ")" + std::string(bad) + R"("})",
        "invalid_url", "list_help_url");
  }
  ExpectCreateError(
      R"({"name": "x", "domains": ["a.example"], "list_help_url": "https://a.example/\r\nBcc: x"})",
      "invalid_url", "list_help_url");
  ExpectCreateError(R"({"name": "x", "domains": ["a.example"], "list_help_url": "https://a.example/)" +
                        std::string(2000, 'x') + R"("})",
                    "invalid_url", "list_help_url");
  ExpectCreateError(R"({"name": "x", "domains": ["a.example"], "list_help_url": 7})", "invalid_type",
                    "list_help_url");

  ExpectCreateError(R"({"name": "x", "domains": ["a.example"], "trusted_networks": "10.0.0.0/8"})",
                    "invalid_type", "trusted_networks");
  ExpectCreateError(R"({"name": "x", "domains": ["a.example"], "trusted_networks": ["10.0.0.1/8"]})",
                    "invalid_network", "trusted_networks");
  ExpectCreateError(R"({"name": "x", "domains": ["a.example"], "trusted_networks": ["my office"]})",
                    "invalid_network", "trusted_networks");
  ExpectCreateError(
      R"({"name": "x", "domains": ["a.example"], "trusted_networks": ["10.0.0.0/8", "10.1.0.0/16"]})",
      "invalid_network", "trusted_networks");
  json networks = {{"name", "x"}, {"domains", {"a.example"}}, {"trusted_networks", json::array()}};
  for (int i = 0; i < 51; ++i) networks["trusted_networks"].push_back("10.0." + std::to_string(i) + ".0/24");
  ExpectCreateError(networks.dump(), "too_many", "trusted_networks");

  ExpectCreateError(R"({"name": "x", "domains": ["a.example"], "require_tls": "no"})", "invalid_type",
                    "require_tls");
  ExpectCreateError(R"({"name": "x", "domains": ["a.example"], "require_tls": false})",
                    "tls_required_without_trusted_networks", "require_tls");
  ExpectCreateError(
      R"({"name": "x", "domains": ["a.example"], "require_tls": false, "trusted_networks": []})",
      "tls_required_without_trusted_networks", "require_tls");
}

TEST(SmtpConnectionRequest, HostBitsErrorSuggestsTheNetwork) {
  core::SmtpConnection c;
  auto error = Create(R"({"name": "x", "domains": ["a.example"], "trusted_networks": ["10.0.0.1/8"]})", c);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->message, "10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?");
}

TEST(SmtpConnectionRequest, PatchChangesOnlyWhatItNames) {
  core::SmtpConnection c = Existing();
  ASSERT_FALSE(
      ReadSmtpConnectionPatch(json::parse(R"({"name": "New name", "enabled": false})"), c).has_value());
  EXPECT_EQ(c.name, "New name");
  EXPECT_FALSE(c.enabled);
  EXPECT_EQ(c.domains, std::vector<std::string>{"shop.example"});
  EXPECT_EQ(c.trusted_networks, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_FALSE(c.require_tls);

  ASSERT_FALSE(ReadSmtpConnectionPatch(json::parse(R"({"list_help_url": "http://shop.example/help"})"), c));
  EXPECT_EQ(c.list_help_url, "http://shop.example/help");
  ASSERT_FALSE(ReadSmtpConnectionPatch(json::parse(R"({"list_help_url": null})"), c));
  EXPECT_EQ(c.list_help_url, "");
  ASSERT_FALSE(ReadSmtpConnectionPatch(json::parse("{}"), c));
  EXPECT_EQ(c.name, "New name");

  // Taking the networks away from a connection without TLS, or switching TLS off without networks.
  core::SmtpConnection d = Existing();
  auto error = ReadSmtpConnectionPatch(json::parse(R"({"trusted_networks": []})"), d);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "tls_required_without_trusted_networks");
  EXPECT_EQ(error->field, "trusted_networks");
  core::SmtpConnection e = Existing();
  ASSERT_FALSE(ReadSmtpConnectionPatch(json::parse(R"({"trusted_networks": [], "require_tls": true})"), e));
  EXPECT_TRUE(e.trusted_networks.empty());
  error = ReadSmtpConnectionPatch(json::parse(R"({"require_tls": false})"), e);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, "require_tls");

  for (std::string_view bad :
       {R"({"username": "smtp_mine"})", R"({"password": "x"})", R"({"id": "smtp_2"})"}) {
    core::SmtpConnection f = Existing();
    error = ReadSmtpConnectionPatch(json::parse(bad), f);
    ASSERT_TRUE(error.has_value()) << bad;
    EXPECT_EQ(error->code, "unknown_field") << bad;
  }
  core::SmtpConnection g = Existing();
  error = ReadSmtpConnectionPatch(json::parse(R"({"enabled": "yes"})"), g);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "invalid_type");
  EXPECT_EQ(error->field, "enabled");
}

TEST(SmtpConnectionRequest, JsonShapeAndStatus) {
  core::SmtpConnection c = Existing();
  c.password_hash = "secret-hash";
  const TimePoint now = FromUnixMillis(1'700'000'000'000);
  c.created_at = now - Duration(86'400'000 * 2);
  json out = SmtpConnectionJson(c, now);
  EXPECT_EQ(out["status"], "inactive");
  EXPECT_TRUE(out["last_used_at"].is_null());
  EXPECT_TRUE(out["list_help_url"].is_null());
  EXPECT_EQ(out["created_at"], FormatRfc3339(c.created_at));
  EXPECT_EQ(out.dump().find("secret-hash"), std::string::npos);
  EXPECT_FALSE(out.contains("password"));
  EXPECT_FALSE(out.contains("password_hash"));
  for (const char* key : {"id", "name", "username", "domains", "list_help_url", "trusted_networks",
                          "require_tls", "enabled", "status", "last_used_at", "created_at"}) {
    EXPECT_TRUE(out.contains(key)) << key;
  }

  c.last_used_at = now - Duration(60'000);
  EXPECT_EQ(SmtpConnectionJson(c, now)["status"], "active");
  EXPECT_EQ(SmtpConnectionJson(c, now)["last_used_at"], FormatRfc3339(*c.last_used_at));
  c.enabled = false;
  EXPECT_EQ(SmtpConnectionJson(c, now)["status"], "inactive");
}

TEST(SmtpConnectionRequest, CredentialsHaveTheirForm) {
  std::string username = NewSmtpUsername();
  ASSERT_EQ(username.size(), 5u + 16u);
  EXPECT_EQ(username.substr(0, 5), "smtp_");
  for (char c : username.substr(5)) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << username;
  EXPECT_NE(NewSmtpUsername(), username);
  std::string password = NewSmtpPassword();
  EXPECT_EQ(password.substr(0, 4), "hsp_");
  EXPECT_GE(password.size(), 4u + 52u);
  EXPECT_NE(NewSmtpPassword(), password);
}

}  // namespace
}  // namespace herald::api
