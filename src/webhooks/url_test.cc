#include "webhooks/url.h"

#include <gtest/gtest.h>

namespace herald::webhooks {
namespace {

TEST(WebhookUrl, ReadsSchemeHostPortAndTarget) {
  auto url = ParseWebhookUrl("https://CRM.Example.com/hooks/herald?token=abc%20d");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "crm.example.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/hooks/herald?token=abc%20d");
  EXPECT_FALSE(url->host_is_address);
  EXPECT_EQ(url->HostHeader(), "crm.example.com");

  url = ParseWebhookUrl("HTTP://127.0.0.1:8080");
  ASSERT_TRUE(url.ok());
  EXPECT_FALSE(url->tls);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/");
  EXPECT_TRUE(url->host_is_address);
  EXPECT_EQ(url->HostHeader(), "127.0.0.1:8080");

  url = ParseWebhookUrl("http://[2001:DB8::1]:81?x=1");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "2001:db8::1");
  EXPECT_EQ(url->port, 81);
  EXPECT_EQ(url->target, "/?x=1");
  EXPECT_EQ(url->HostHeader(), "[2001:db8::1]:81");

  url = ParseWebhookUrl("https://xn--bcher-kva.example/");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "xn--bcher-kva.example");
  EXPECT_TRUE(ParseWebhookUrl("http://localhost:3000/h").ok());
}

TEST(WebhookUrl, RefusesWhatIsNotAnHttpUrl) {
  for (const char* bad : {
           "", "crm.example.com/hooks", "ftp://crm.example.com/", "https:/crm.example.com", "https://",
           "https:///path", "https://user:pass@crm.example.com/", "https://crm.example.com/a#frag",
           "https://crm.example.com/a b", "https://crm.example.com/<script>", "https://crm.example.com/%zz",
           "https://crm.example.com/%2", "https://crm.example.com:0/", "https://crm.example.com:65536/",
           "https://crm.example.com:/", "https://crm.example.com:80x/", "https://-crm.example.com/",
           "https://crm_x.example.com/", "https://bücher.example/", "https://[::1/", "https://[zz::1]/",
           "https://[fe80::1%25eth0]/", "https://1.2.3/", "https://999.1.1.1/", "https://crm..example/",
           "https://crm.example.com/\x7f",
       }) {
    EXPECT_FALSE(ParseWebhookUrl(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseWebhookUrl("https://crm.example.com/" + std::string(kMaxUrlBytes, 'a')).ok());
  EXPECT_TRUE(ParseWebhookUrl("https://crm.example.com/" + std::string(kMaxUrlBytes - 24, 'a')).ok());
}

TEST(WebhookUrl, ErrorsSayWhatIsWrong) {
  EXPECT_EQ(ParseWebhookUrl("https://u:p@crm.example.com/").status().message(),
            "url must not contain a user name or password");
  EXPECT_EQ(ParseWebhookUrl("mailto:x@example.com").status().message(), "url must start with https:// or http://");
  EXPECT_EQ(ParseWebhookUrl("https://crm.example.com:99999/").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace herald::webhooks
