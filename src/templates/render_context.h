// The context kainjow renders with: kainjow's extension point (basic_context) filled in by Herald.
// Names resolve by the spec's rules (ContextStack), and partials come from the template's own compiled
// partials only: kainjow's default context looks a partial's name up in the data, where merge data
// could put template code. It also resolves dynamic partial names ({{>*name}}) and gives an indented
// standalone partial (syntax.h's PartialReference) its indented source, which kainjow then parses.
// The template's runs of text (syntax.h's TextRuns::kNamed) resolve to their text.
//
// Thread-safety: one RenderContext per render; the PartialTable it reads is immutable and shared.
// Untrusted input: the data and the partial names that dynamic partials read from it.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "templates/mustache_data.h"
#include "templates/syntax.h"

namespace herald::templates {

struct CompiledPartial {
  std::string source;           // as given, to indent
  MustacheData kainjow_source;  // the rewritten source (syntax.h), as the kainjow string it parses
  std::vector<Node> nodes;
};
using PartialTable = std::map<std::string, CompiledPartial, std::less<>>;

// The partial a partial tag names: `name` itself, or for a dynamic one the string `name` resolves to;
// nullptr when there is none.
const CompiledPartial* FindPartial(const PartialTable& partials, const ContextStack& stack,
                                   std::string_view name, bool dynamic);

class RenderContext final : public kainjow::mustache::basic_context<std::string> {
 public:
  RenderContext(const MustacheData& root, const PartialTable& partials, const std::vector<MustacheData>& text_runs)
      : stack_(root), partials_(partials), text_runs_(text_runs) {}

  ContextStack& stack() { return stack_; }

  void push(const MustacheData* data) override { stack_.Push(data); }
  void pop() override { stack_.Pop(); }
  const MustacheData* get(const std::string& name) const override;
  const MustacheData* get_partial(const std::string& name) const override;

 private:
  ContextStack stack_;
  const PartialTable& partials_;
  const std::vector<MustacheData>& text_runs_;
  // Indented partial sources made during this render, by partial and indentation.
  mutable std::map<std::pair<const CompiledPartial*, std::string>, MustacheData> indented_;
};

}  // namespace herald::templates
