// Mustache templates for campaigns: the subject, the HTML part and the text part of a message are each
// one Template, compiled once and rendered for every message with that message's context.
//
// Rendering is kainjow Mustache (<kainjow/mustache.hpp>, Debian's libkainjow-mustache-dev). Around it,
// Herald adds what kainjow lacks (syntax.h, render_context.h, render_walk.h say how):
//  - parse errors with line and column, and the variable names a template uses (kainjow keeps its parse
//    tree private and reports byte offsets);
//  - strict mode: a variable that is missing from the context fails the render, named exactly;
//  - the spec's rules where kainjow 4.1 departs from them: dotted names resolve their first part only
//    (kainjow falls back to outer contexts for the whole path), standalone comment, set-delimiter and
//    partial lines vanish and standalone partials are indented (kainjow does this for sections only),
//    partials come only from the template's own partials, never from the data (kainjow looks them up
//    in the data, which would let merge data inject template code); dynamic partial names ({{>*name}});
//  - bounds on nesting, work and output size, so a template cannot exhaust the stack, a thread or memory.
//
// The context is JSON. A string renders as itself; a number as JSON writes it (1.5, 42); true as "true";
// null, false and "" render empty and are false in a section. (kainjow cannot render false as "false":
// a value false in a section and printed by a variable would need two kinds of lookup, and kainjow's
// context interface has one.) A list section repeats per item, an object section pushes the object.
// Template inheritance ({{<parent}}, {{$block}}) is not supported: Compile rejects it.
//
// Thread-safety: a Template is immutable once compiled; Render is const and may run on many threads at
// once. kainjow's own render is not const (it records errors in the parsed template), so each render
// borrows a parsed copy that no other render uses (see KainjowPool in template.cc): nothing is parsed
// again per render, except that kainjow parses a partial each time it is included.
// Untrusted input: templates come from account users and contexts from API callers; both are bounded
// (kMaxSectionNesting, kMaxRenderDepth, kMaxRenderSteps, kMaxRenderedBytes) and never run code.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace herald::templates {

// kHtml: {{x}} is HTML-escaped (& < > " ' become entities): the HTML part. kNone: nothing is escaped:
// the subject and the text part. {{{x}}} and {{&x}} are never escaped.
enum class Escape { kHtml, kNone };
enum class MissingVariables { kStrict, kLenient };

// Sections nested deeper than this in a template's text do not compile.
inline constexpr size_t kMaxSectionNesting = 100;
// Sections and partials nested deeper than this while rendering (recursive partials) fail the render.
inline constexpr size_t kMaxRenderDepth = 200;
// A render whose output would pass this many bytes (before HTML escaping) fails: no message is larger.
inline constexpr size_t kMaxRenderedBytes = 32 << 20;
// A render that would visit more tags and texts than this fails: loops within loops can take long
// while printing little. The 20 KB test campaign visits 62; a thousand-row table of ten cells, 21,000.
inline constexpr size_t kMaxRenderSteps = 2'000'000;

class Template {
 public:
  // Parses `source` once, with its partials (by name). InvalidArgument, saying what and where (line and
  // column; for a partial, its name first), for a template that does not parse: an unclosed tag or
  // section, a closing tag that does not match, a bad delimiter change, an empty or malformed name,
  // sections nested deeper than kMaxSectionNesting, template inheritance.
  static Result<std::shared_ptr<const Template>> Compile(
      std::string_view source, Escape escape, const std::map<std::string, std::string>& partials = {});

  // Renders with `context`, a JSON object such as {"profile": {...}, "data": {...}, "message": {"id",
  // "date"}}. Under kStrict, a variable tag ({{x}}, {{{x}}}, {{&x}}) or a dynamic partial name ({{>*x}})
  // that does not resolve fails with FailedPrecondition whose message is exactly the dotted name as
  // written, e.g. "data.order.id"; a section over a missing name is simply false. Under kLenient such a
  // tag renders empty. ResourceExhausted past kMaxRenderDepth, kMaxRenderSteps or kMaxRenderedBytes.
  Result<std::string> Render(const nlohmann::json& context, MissingVariables missing) const;

  // The names of the variable tags ({{x}}, {{{x}}}, {{&x}}) in the template and then its partials,
  // dotted and as written, each once, in order of first appearance; the implicit iterator {{.}} is left
  // out. For previews and validation. (A name inside a section may resolve against the section's item.)
  const std::vector<std::string>& variables() const;

  // How many parsed copies renders have taken from the compiled one so far: at most the renders that ran
  // at the same time, never one per render. For tests.
  size_t parsed_copies() const;

  Template(const Template&) = delete;
  Template& operator=(const Template&) = delete;
  ~Template();

 private:
  struct Compiled;
  explicit Template(std::unique_ptr<Compiled> compiled);

  std::unique_ptr<Compiled> compiled_;
};

}  // namespace herald::templates
