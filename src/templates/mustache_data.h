// The data side of a render: the JSON context made into kainjow's data tree, and names resolved against a
// stack of contexts by the Mustache spec's rules.
//
// kainjow 4.1 renders only its own data type (no JSON), and its context resolves a dotted name "a.b"
// by trying the whole path in each context from the innermost outwards; the spec resolves "a" that way
// and then "b" only inside the "a" it found ("Dotted Names - Context Precedence"). ContextStack does the
// latter, for both the strict-mode walk and kainjow's render (RenderContext), so they agree.
//
// Thread-safety: ToMustacheContext is a pure function; a ContextStack belongs to one render.
// Untrusted input: the JSON comes from API callers; conversion recurses as deep as the JSON, which the
// JSON parser has already bounded.
#pragma once

#include <functional>
#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace herald::templates {

using MustacheData = kainjow::mustache::data;

// `context` as kainjow data: strings as themselves, numbers as JSON writes them, true as "true"; null,
// false and "" as kainjow's false (empty when printed, false in a section); arrays as lists, objects as
// objects. Of a top-level object only the keys in `keys` are converted: the first parts of the names a
// template uses, the only keys a render can look up at the top (nested values are converted whole).
MustacheData ToMustacheContext(const nlohmann::json& context, const std::set<std::string, std::less<>>& keys);

class ContextStack {
 public:
  explicit ContextStack(const MustacheData& root) { frames_.push_back(&root); }

  void Push(const MustacheData* frame) { frames_.push_back(frame); }
  void Pop() { frames_.pop_back(); }

  // "." is the innermost context. Otherwise the name's first part is looked up from the innermost
  // context outwards, and each further part inside what the previous one found; nullptr when any part
  // is missing.
  const MustacheData* Resolve(std::string_view name) const;

 private:
  std::vector<const MustacheData*> frames_;
};

}  // namespace herald::templates
