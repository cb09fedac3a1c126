// The official Mustache specification (../shared/corpora/mustache, see its README), one test per case,
// named MustacheSpec/<Module>.Case/<CaseName>. Every case of the required modules must pass. Of the
// optional modules, ~dynamic-names is supported; ~inheritance is not (kainjow 4.1 has no parent or block
// tags and Compile refuses them): such a case is skipped with the reason, any other case of it is run.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "templates/template.h"

namespace herald::templates {
namespace {

struct SpecCase {
  std::string test_name;  // the case's name as a test name: letters, digits and '_'
  std::string name;
  std::string desc;
  nlohmann::json data;
  std::string source;
  std::map<std::string, std::string> partials;
  std::string expected;
};

// Printed by GoogleTest when a case fails.
void PrintTo(const SpecCase& spec, std::ostream* out) { *out << '"' << spec.name << '"'; }

std::filesystem::path SpecDir() {
  if (const char* dir = std::getenv("HERALD_MUSTACHE_SPEC_DIR")) return dir;
  return HERALD_MUSTACHE_SPEC_DIR;
}

std::string TestName(const std::string& name) {
  std::string out;
  bool word_start = true;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      word_start = true;
      continue;
    }
    out += word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    word_start = false;
  }
  return out;
}

// The cases of one spec file; none when it cannot be read (EveryModuleIsThere then fails).
std::vector<SpecCase> LoadSpec(const std::string& file) {
  std::ifstream in(SpecDir() / file);
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc["tests"].is_array()) return {};
  std::vector<SpecCase> cases;
  std::set<std::string> test_names;
  for (const nlohmann::json& test : doc["tests"]) {
    SpecCase spec{.test_name = TestName(test.value("name", "")),
                  .name = test.value("name", ""),
                  .desc = test.value("desc", ""),
                  .data = test.value("data", nlohmann::json()),
                  .source = test.value("template", ""),
                  .partials = test.value("partials", std::map<std::string, std::string>()),
                  .expected = test.value("expected", "")};
    while (!test_names.insert(spec.test_name).second) spec.test_name += "_";
    cases.push_back(std::move(spec));
  }
  return cases;
}

std::string CaseName(const testing::TestParamInfo<SpecCase>& info) { return info.param.test_name; }

class MustacheSpec : public testing::TestWithParam<SpecCase> {};

TEST_P(MustacheSpec, Case) {
  const SpecCase& spec = GetParam();
  SCOPED_TRACE(spec.desc + "template: " + spec.source);
  Result<std::shared_ptr<const Template>> compiled =
      Template::Compile(spec.source, Escape::kHtml, spec.partials);
  if (!compiled.ok() && compiled.status().message().find("inheritance") != std::string::npos) {
    GTEST_SKIP() << "optional module not supported: kainjow 4.1 has no template inheritance ("
                 << compiled.status().message() << ")";
  }
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  Result<std::string> rendered = (*compiled)->Render(spec.data, MissingVariables::kLenient);
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  EXPECT_EQ(*rendered, spec.expected);
}

INSTANTIATE_TEST_SUITE_P(Interpolation, MustacheSpec, testing::ValuesIn(LoadSpec("interpolation.json")),
                         CaseName);
INSTANTIATE_TEST_SUITE_P(Sections, MustacheSpec, testing::ValuesIn(LoadSpec("sections.json")), CaseName);
INSTANTIATE_TEST_SUITE_P(Inverted, MustacheSpec, testing::ValuesIn(LoadSpec("inverted.json")), CaseName);
INSTANTIATE_TEST_SUITE_P(Comments, MustacheSpec, testing::ValuesIn(LoadSpec("comments.json")), CaseName);
INSTANTIATE_TEST_SUITE_P(Partials, MustacheSpec, testing::ValuesIn(LoadSpec("partials.json")), CaseName);
INSTANTIATE_TEST_SUITE_P(Delimiters, MustacheSpec, testing::ValuesIn(LoadSpec("delimiters.json")), CaseName);
INSTANTIATE_TEST_SUITE_P(DynamicNames, MustacheSpec, testing::ValuesIn(LoadSpec("~dynamic-names.json")),
                         CaseName);
INSTANTIATE_TEST_SUITE_P(Inheritance, MustacheSpec, testing::ValuesIn(LoadSpec("~inheritance.json")),
                         CaseName);

TEST(MustacheSpecCorpus, EveryModuleIsThere) {
  for (const char* file : {"interpolation.json", "sections.json", "inverted.json", "comments.json",
                           "partials.json", "delimiters.json", "~dynamic-names.json", "~inheritance.json"}) {
    EXPECT_GE(LoadSpec(file).size(), 10u) << (SpecDir() / file);
  }
}

}  // namespace
}  // namespace herald::templates
