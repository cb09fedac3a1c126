// Template rendering (docs/benchmarks.md, "Template rendering"): renders per second of the 20 KB HTML
// campaign with 20 variables (src/templates/testing/campaign_fixture.h), on one thread and on two at
// once; compiling it; the parts of a render beside kainjow rendering alone (its own data and context,
// none of Herald's additions); a copy of kainjow's parsed template (what a render costs when every
// parsed copy is in use); and HtmlToText on the rendered campaign.
//
//   build/bench/template_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <set>
#include <string>

#include "templates/html_to_text.h"
#include "templates/mustache_data.h"
#include "templates/render_walk.h"
#include "templates/syntax.h"
#include "templates/template.h"
#include "templates/testing/campaign_fixture.h"

namespace herald::templates {
namespace {

std::shared_ptr<const Template> CompiledCampaign(Escape escape = Escape::kHtml) {
  Result<std::shared_ptr<const Template>> compiled = Template::Compile(testing::CampaignHtml(), escape);
  if (!compiled.ok()) std::abort();
  return *compiled;
}

void BM_RenderCampaign(benchmark::State& state) {
  static const std::shared_ptr<const Template> tmpl = CompiledCampaign();
  const nlohmann::json context = testing::CampaignContext();
  const auto missing = state.range(0) == 1 ? MissingVariables::kStrict : MissingVariables::kLenient;
  size_t bytes = 0;
  for (auto _ : state) {
    Result<std::string> out = tmpl->Render(context, missing);
    if (!out.ok()) {
      state.SkipWithError(out.status().ToString().c_str());
      break;
    }
    bytes += out->size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());  // items/s: renders per second, of all threads together
}
BENCHMARK(BM_RenderCampaign)->ArgName("strict")->Arg(1)->Arg(0)->UseRealTime();
BENCHMARK(BM_RenderCampaign)->ArgName("strict")->Arg(1)->Threads(2)->UseRealTime();

void BM_CompileCampaign(benchmark::State& state) {
  const std::string html = testing::CampaignHtml();
  for (auto _ : state) {
    Result<std::shared_ptr<const Template>> compiled = Template::Compile(html, Escape::kHtml);
    benchmark::DoNotOptimize(compiled);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * html.size()));
}
BENCHMARK(BM_CompileCampaign);

const std::set<std::string, std::less<>> kCampaignKeys = {"data", "message", "profile"};

void BM_ContextForKainjow(benchmark::State& state) {
  const nlohmann::json context = testing::CampaignContext();
  for (auto _ : state) {
    MustacheData data = ToMustacheContext(context, kCampaignKeys);
    benchmark::DoNotOptimize(data);
  }
}
BENCHMARK(BM_ContextForKainjow);

void BM_StrictWalk(benchmark::State& state) {
  Result<ParsedTemplate> parsed = ParseTemplate(testing::CampaignHtml());
  const MustacheData root = ToMustacheContext(testing::CampaignContext(), kCampaignKeys);
  const PartialTable no_partials;
  for (auto _ : state) {
    ContextStack stack(root);
    Status status = WalkRender(parsed->nodes, no_partials, stack, MissingVariables::kStrict);
    benchmark::DoNotOptimize(status);
  }
}
BENCHMARK(BM_StrictWalk);

void BM_KainjowAlone(benchmark::State& state) {
  kainjow::mustache::mustache parsed(testing::CampaignHtml());
  const MustacheData data = ToMustacheContext(testing::CampaignContext(), kCampaignKeys);
  for (auto _ : state) {
    std::string out = parsed.render(data);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_KainjowAlone);

void BM_KainjowParsedCopy(benchmark::State& state) {
  const kainjow::mustache::mustache parsed(testing::CampaignHtml());
  for (auto _ : state) {
    kainjow::mustache::mustache copy(parsed);
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_KainjowParsedCopy);

void BM_HtmlToText(benchmark::State& state) {
  Result<std::string> html =
      CompiledCampaign()->Render(testing::CampaignContext(), MissingVariables::kStrict);
  if (!html.ok()) std::abort();
  for (auto _ : state) {
    std::string text = HtmlToText(*html);
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * html->size()));
}
BENCHMARK(BM_HtmlToText);

}  // namespace
}  // namespace herald::templates

BENCHMARK_MAIN();
