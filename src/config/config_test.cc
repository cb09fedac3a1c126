#include "config/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace herald::config {
namespace {

LoadOptions Options(std::vector<std::string> sets = {}, std::map<std::string, std::string> env = {}) {
  LoadOptions options;
  options.data_dir = "/var/lib/herald";
  options.sets = std::move(sets);
  options.getenv = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  return options;
}

std::string WriteFile(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(LoadConfig, DefaultsAreValidAndDocumented) {
  auto config = LoadConfig(Options());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->http.listen.ToString(), "127.0.0.1:8025");
  EXPECT_EQ(config->delivery.mode, DeliveryMode::kCapture);
  EXPECT_EQ(config->storage.sqlite_path, "/var/lib/herald/herald.db");
  EXPECT_EQ(config->delivery.retry_initial, Duration(60'000));
  EXPECT_EQ(config->delivery.max_age, Duration(5 * 86'400'000LL));
  EXPECT_FALSE(config->delivery.ehlo_name.empty());
  EXPECT_EQ(config->delivery.smtp_port, 25);
  EXPECT_EQ(config->delivery.site_concurrency, 10);
}

TEST(LoadConfig, MxModeWithItsPortAndSiteConcurrency) {
  auto config = LoadConfig(Options({"delivery.mode=mx", "delivery.smtp_port=2525", "delivery.site_concurrency=3"}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->delivery.mode, DeliveryMode::kMx);
  EXPECT_EQ(config->delivery.smtp_port, 2525);
  EXPECT_EQ(config->delivery.site_concurrency, 3);
  EXPECT_FALSE(LoadConfig(Options({"delivery.smtp_port=0"})).ok());
  EXPECT_FALSE(LoadConfig(Options({"delivery.mode=smarthost"})).ok());
}

TEST(LoadConfig, FileThenEnvironmentThenSetWin) {
  std::string file = WriteFile("herald-config-test.toml",
                               "[http]\nlisten = \"127.0.0.1:9000\"\n[delivery]\nconcurrency = 4\n"
                               "mode = \"relay\"\nrelay = \"127.0.0.1:2526\"\n");
  LoadOptions options = Options({"delivery.concurrency=8"}, {{"HERALD_HTTP_LISTEN", "127.0.0.1:9100"}});
  options.config_file = file;
  auto config = LoadConfig(options);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->http.listen.port, 9100);
  EXPECT_EQ(config->delivery.concurrency, 8);
  EXPECT_EQ(config->delivery.mode, DeliveryMode::kRelay);
  EXPECT_EQ(config->delivery.relay->ToString(), "127.0.0.1:2526");
}

TEST(LoadConfig, ErrorsNameTheKey) {
  auto unknown = LoadConfig(Options({"http.lisen=1.2.3.4:5"}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("http.lisen"), std::string::npos);

  auto bad_port = LoadConfig(Options({"http.listen=127.0.0.1:99999"}));
  ASSERT_FALSE(bad_port.ok());
  EXPECT_NE(bad_port.status().message().find("http.listen"), std::string::npos);

  EXPECT_FALSE(LoadConfig(Options({"delivery.mode=relay"})).ok());  // relay needs delivery.relay
  EXPECT_FALSE(LoadConfig(Options({"delivery.retry_initial=soon"})).ok());
  EXPECT_FALSE(LoadConfig(Options({"log.json=yes"})).ok());
  EXPECT_FALSE(LoadConfig(Options({"no-equals-sign"})).ok());

  LoadOptions typed = Options();
  typed.config_file = WriteFile("herald-config-typed.toml", "[delivery]\nconcurrency = \"8\"\n");
  auto wrong_type = LoadConfig(typed);
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.status().message().find("expected an integer"), std::string::npos);

  LoadOptions broken = Options();
  broken.config_file = WriteFile("herald-config-broken.toml", "[http\nlisten=");
  EXPECT_FALSE(LoadConfig(broken).ok());
}

TEST(ParseHostPort, ReadsHostsAndBracketedV6) {
  EXPECT_EQ(ParseHostPort("[::1]:8025")->host, "::1");
  EXPECT_EQ(ParseHostPort("[::1]:8025")->ToString(), "[::1]:8025");
  EXPECT_FALSE(ParseHostPort("::1:8025").ok());
  EXPECT_FALSE(ParseHostPort("localhost").ok());
  EXPECT_FALSE(ParseHostPort(":25").ok());
}

TEST(LoadConfig, DnsNameServers) {
  auto defaults = LoadConfig(Options());
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->dns.nameservers.empty());
  EXPECT_EQ(defaults->dns.timeout, Duration(5000));
  EXPECT_EQ(defaults->dns.tries, 2);

  auto two = LoadConfig(Options({"dns.nameservers=127.0.0.1:5353, [::1]:53", "dns.timeout=800ms", "dns.tries=3"}));
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  ASSERT_EQ(two->dns.nameservers.size(), 2u);
  EXPECT_EQ(two->dns.nameservers[0].ToString(), "127.0.0.1:5353");
  EXPECT_EQ(two->dns.nameservers[1].ToString(), "[::1]:53");
  EXPECT_EQ(two->dns.timeout, Duration(800));
  EXPECT_EQ(two->dns.tries, 3);

  for (const char* bad : {"dns.nameservers=ns.example.com:53", "dns.nameservers=192.0.2.1", "dns.nameservers=192.0.2.1:0",
                          "dns.nameservers=192.0.2.1:53,,", "dns.tries=0"}) {
    auto config = LoadConfig(Options({bad}));
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_NE(config.status().message().find(std::string(bad).substr(0, std::string(bad).find('='))), std::string::npos);
  }
}

TEST(LoadConfig, TheTransactionalPoolAlwaysExistsFirst) {
  auto config = LoadConfig(Options({"pools.marketing.source_addresses=192.0.2.7", "delivery.ehlo_name=mta.example"}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->pools.size(), 2u);
  EXPECT_EQ(config->pools[0].name, kDefaultPool);
  EXPECT_TRUE(config->pools[0].source_addresses.empty());
  EXPECT_EQ(config->pools[0].ehlo_name, "mta.example");  // the default EHLO name
  ASSERT_NE(config->FindPool("marketing"), nullptr);
  EXPECT_EQ(config->FindPool("marketing")->source_addresses, std::vector<std::string>{"192.0.2.7"});
  EXPECT_EQ(config->FindPool("nope"), nullptr);
}

TEST(LoadConfig, PoolsFromTheFile) {
  std::string file = WriteFile("herald-pools-test.toml",
                               "[pools.transactional]\nsource_addresses = [\"127.0.0.2\", \"::1\"]\n"
                               "ehlo_name = \"tx.example\"\nrate_limit = 600\n"
                               "[pools.bulk]\nsource_addresses = \"127.0.0.3, 127.0.0.4\"\n");
  LoadOptions options = Options();
  options.config_file = file;
  auto config = LoadConfig(options);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const Config::Pool* tx = config->FindPool("transactional");
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->source_addresses, (std::vector<std::string>{"127.0.0.2", "::1"}));
  EXPECT_EQ(tx->ehlo_name, "tx.example");
  EXPECT_EQ(tx->rate_limit, 600);
  EXPECT_EQ(config->FindPool("bulk")->source_addresses, (std::vector<std::string>{"127.0.0.3", "127.0.0.4"}));
}

TEST(LoadConfig, BadPoolSettingsNameTheKey) {
  for (const char* bad : {"pools.Big.ehlo_name=x", "pools.a.source_addresses=mta.example", "pools.a.colour=red",
                          "pools.a.rate_limit=-1", "pools.a=1", "pools.a.source_addresses=127.0.0.1,,"}) {
    auto config = LoadConfig(Options({bad}));
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_NE(config.status().message().find(std::string(bad).substr(0, std::string(bad).find('='))), std::string::npos)
        << config.status().message();
  }
}

TEST(LoadConfig, TlsPolicyAndReturnPathDomain) {
  auto config = LoadConfig(Options({"delivery.tls_required_domains=Bank.example, *.secure.example",
                                    "delivery.return_path_domain=RP.Example.com", "delivery.site_rate_limit=120"}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->delivery.tls_required_domains, (std::vector<std::string>{"bank.example", "*.secure.example"}));
  EXPECT_EQ(config->delivery.return_path_domain, "rp.example.com");
  EXPECT_EQ(config->delivery.site_rate_limit, 120);
  EXPECT_FALSE(LoadConfig(Options({"delivery.tls_required_domains=bank example"})).ok());
  EXPECT_FALSE(LoadConfig(Options({"delivery.return_path_domain=*.example"})).ok());
  EXPECT_FALSE(LoadConfig(Options({"delivery.return_path_domain=bounces@example"})).ok());
}

// docs/configuration.md must list every key with its default, and nothing else.
TEST(ConfigurationReference, MatchesTheKeyTable) {
  std::ifstream doc(std::string(HERALD_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(doc) << "docs/configuration.md is missing";
  std::stringstream text;
  text << doc.rdbuf();
  std::string all = text.str();
  for (const KeyInfo& key : ConfigKeys()) {
    std::string row = "| `" + std::string(key.name) + "` |";
    size_t at = all.find(row);
    ASSERT_NE(at, std::string::npos) << key.name << " is not documented";
    std::string line = all.substr(at, all.find('\n', at) - at);
    EXPECT_NE(line.find("`" + std::string(key.default_value) + "`"), std::string::npos)
        << key.name << ": documented default differs from " << key.default_value;
  }
}

}  // namespace
}  // namespace herald::config
