#include "templates/render_context.h"

namespace herald::templates {

const CompiledPartial* FindPartial(const PartialTable& partials, const ContextStack& stack,
                                   std::string_view name, bool dynamic) {
  if (dynamic) {
    const MustacheData* value = stack.Resolve(name);
    if (value == nullptr || !value->is_string()) return nullptr;
    name = value->string_value();
  }
  auto partial = partials.find(name);
  return partial == partials.end() ? nullptr : &partial->second;
}

const MustacheData* RenderContext::get(const std::string& name) const {
  if (std::optional<size_t> run = TextRunIndex(name)) return *run < text_runs_.size() ? &text_runs_[*run] : nullptr;
  return stack_.Resolve(name);
}

const MustacheData* RenderContext::get_partial(const std::string& name) const {
  const PartialReference reference = ReadPartialReference(name);
  const CompiledPartial* partial = FindPartial(partials_, stack_, reference.name, reference.dynamic);
  if (partial == nullptr) return nullptr;
  if (reference.indentation.empty()) return &partial->kainjow_source;

  auto key = std::make_pair(partial, std::string(reference.indentation));
  auto indented = indented_.find(key);
  if (indented == indented_.end()) {
    // Indenting cannot make a template that parsed fail (names hold no whitespace; set-delimiter tags
    // cannot span lines), so the fallback to the unindented source is never taken.
    Result<std::string> source = KainjowSource(IndentLines(partial->source, reference.indentation));
    MustacheData data = source.ok() ? MustacheData(*source) : partial->kainjow_source;
    indented = indented_.emplace(std::move(key), std::move(data)).first;
  }
  return &indented->second;
}

}  // namespace herald::templates
