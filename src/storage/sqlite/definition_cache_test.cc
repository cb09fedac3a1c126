// DefinitionCache: read once, kept until forgotten; errors and reads racing a change are not kept.
#include "storage/sqlite/definition_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::storage::sqlite {
namespace {

TEST(DefinitionCacheTest, ReadsOnceThenAnswersFromMemory) {
  DefinitionCache<std::string> cache(8);
  int reads = 0;
  auto read = [&]() -> Result<std::string> { return "v" + std::to_string(++reads); };
  EXPECT_EQ(*cache.Get("acc_1", "welcome", read), "v1");
  EXPECT_EQ(*cache.Get("acc_1", "welcome", read), "v1");
  EXPECT_EQ(reads, 1);
  // Another account's definition of the same name is its own.
  EXPECT_EQ(*cache.Get("acc_2", "welcome", read), "v2");
}

TEST(DefinitionCacheTest, ErrorsAreNotKept) {
  DefinitionCache<std::string> cache(8);
  EXPECT_EQ(cache.Get("acc_1", "new", [] { return Result<std::string>(Status::NotFound("no campaign new")); })
                .status()
                .code(),
            Code::kNotFound);
  EXPECT_EQ(*cache.Get("acc_1", "new", [] { return Result<std::string>("created"); }), "created");
}

TEST(DefinitionCacheTest, ForgetMakesTheNextGetRead) {
  DefinitionCache<std::string> cache(8);
  (void)cache.Get("acc_1", "welcome", [] { return Result<std::string>("v1"); });
  cache.Forget("acc_1", "welcome");
  EXPECT_EQ(*cache.Get("acc_1", "welcome", [] { return Result<std::string>("v2"); }), "v2");
}

TEST(DefinitionCacheTest, AReadRacingAChangeIsNotKept) {
  DefinitionCache<std::string> cache(8);
  // The change commits and is forgotten while the read (of the old value) is under way.
  auto stale = cache.Get("acc_1", "welcome", [&] {
    cache.Forget("acc_1", "welcome");
    return Result<std::string>("before the change");
  });
  EXPECT_EQ(*stale, "before the change");  // the caller still gets what it read
  EXPECT_EQ(*cache.Get("acc_1", "welcome", [] { return Result<std::string>("after"); }), "after");
}

TEST(DefinitionCacheTest, KeepsAtMostItsCapacity) {
  DefinitionCache<std::string> cache(2);
  int reads = 0;
  auto read = [&]() -> Result<std::string> { return std::to_string(++reads); };
  for (const char* name : {"a", "b", "c"}) (void)cache.Get("acc_1", name, read);
  EXPECT_EQ(reads, 3);
  (void)cache.Get("acc_1", "c", read);  // the newest is kept
  EXPECT_EQ(reads, 3);
  (void)cache.Get("acc_1", "a", read);
  (void)cache.Get("acc_1", "b", read);
  EXPECT_GE(reads, 4);  // one of a and b was dropped for c
}

}  // namespace
}  // namespace herald::storage::sqlite
