// The OpenAPI document served at /v1/openapi.json names exactly the routes the daemon serves.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "api/api.h"
#include "base/random.h"
#include "storage/sqlite/sqlite_store.h"

namespace herald::api {
namespace {

TEST(OpenApi, DocumentMatchesTheRegisteredRoutes) {
  auto dir = std::filesystem::temp_directory_path() / ("herald-openapi-" + NewSecret(""));
  std::filesystem::create_directories(dir);
  SystemClock clock;
  auto store = storage::OpenSqliteStore({(dir / "herald.db").string()}, clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  queue::ScheduledQueue queue;
  const SecretBox secrets = SecretBox::WithKey({});
  domains::DomainDirectory directory(secrets, {});
  intake::Intake intake(**store, queue, directory, clock, {});
  Authenticator authenticator(**store, clock);
  std::atomic<bool> accepting{true};
  ApiContext context{**store, intake, authenticator, clock, accepting};
  http::Router router;
  RegisterRoutes(router, context);

  std::set<std::string> served;
  for (const auto& [method, pattern] : router.Routes()) {
    std::string name(boost::beast::http::to_string(method));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    served.insert(name + " " + pattern);
  }

  auto document = nlohmann::json::parse(OpenApiDocument(), nullptr, false);
  ASSERT_FALSE(document.is_discarded()) << "docs/openapi.json is not valid JSON";
  std::set<std::string> documented;
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) documented.insert(method + " " + path);
  }
  EXPECT_EQ(served, documented);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace herald::api
