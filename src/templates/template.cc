#include "templates/template.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <utility>

#include "templates/mustache_data.h"
#include "templates/render_context.h"
#include "templates/render_walk.h"
#include "templates/syntax.h"

namespace herald::templates {
namespace {

// kainjow's default escape writes &apos;, which HTML 4 and some mail clients do not know; &#39; is
// understood everywhere.
std::string HtmlEscaped(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

std::string Unescaped(const std::string& text) { return text; }

// kainjow writes its output to a stream with <<; this one appends to a string.
struct StringSink {
  std::string& out;
  StringSink& operator<<(const std::string& text) {
    out += text;
    return *this;
  }
};

// Parsed kainjow templates for concurrent renders. kainjow's render() is not const: it records errors
// in the template object. So no two renders share one: a render borrows an idle copy, or copies the
// prototype (a copy of the parse tree, no parsing) when all are in use, and gives it back afterwards.
// kainjow's tree holds a node per word and per whitespace character of what it is given, a node per run
// of text, tag and line end here (syntax.h, TextRuns), so copies are cheap; still, at most kMaxIdle
// copies wait for the next render.
class KainjowPool {
 public:
  explicit KainjowPool(kainjow::mustache::mustache prototype) : prototype_(std::move(prototype)) {}

  std::unique_ptr<kainjow::mustache::mustache> Borrow() const {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<kainjow::mustache::mustache> parsed = std::move(idle_.back());
        idle_.pop_back();
        return parsed;
      }
    }
    copies_.fetch_add(1, std::memory_order_relaxed);
    return std::make_unique<kainjow::mustache::mustache>(prototype_);
  }

  void GiveBack(std::unique_ptr<kainjow::mustache::mustache> parsed) const {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(parsed));
  }

  size_t copies() const { return copies_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kMaxIdle = 8;

  const kainjow::mustache::mustache prototype_;  // never rendered, only copied
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<kainjow::mustache::mustache>> idle_;
  mutable std::atomic<size_t> copies_ = 0;
};

// Herald's parser accepts only what kainjow's does; this holds the two to that.
Status KainjowParses(const kainjow::mustache::mustache& parsed) {
  if (parsed.is_valid()) return Status::Ok();
  return Status::InvalidArgument("kainjow: " + parsed.error_message());
}
Status KainjowParses(const std::string& source) { return KainjowParses(kainjow::mustache::mustache(source)); }

// The variable names (for variables()) and the first parts of every name looked up in the data (the
// top-level keys a render needs), from a template's tree.
struct Names {
  std::vector<std::string> variables;
  std::set<std::string, std::less<>> seen_variables;
  std::set<std::string, std::less<>> top_level_keys;

  void Collect(const std::vector<Node>& nodes) {
    for (const Node& node : nodes) {
      const bool looked_up =
          node.kind != Node::Kind::kText && (node.kind != Node::Kind::kPartial || node.dynamic);
      if (looked_up && node.name != ".") {
        top_level_keys.insert(node.name.substr(0, node.name.find('.')));
        if (node.kind == Node::Kind::kVariable && seen_variables.insert(node.name).second) {
          variables.push_back(node.name);
        }
      }
      Collect(node.children);
    }
  }
};

}  // namespace

struct Template::Compiled {
  std::vector<Node> nodes;
  std::vector<MustacheData> text_runs;  // what the kainjow source's text-run names stand for (syntax.h)
  PartialTable partials;
  Names names;
  size_t source_bytes = 0;
  KainjowPool pool;
};

Template::Template(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
Template::~Template() = default;

Result<std::shared_ptr<const Template>> Template::Compile(
    std::string_view source, Escape escape, const std::map<std::string, std::string>& partials) {
  try {
    Result<ParsedTemplate> parsed = ParseTemplate(source, TextRuns::kNamed);
    if (!parsed.ok()) return parsed.status();
    kainjow::mustache::mustache prototype(parsed->kainjow_source);
    HERALD_RETURN_IF_ERROR(KainjowParses(prototype));
    prototype.set_custom_escape(escape == Escape::kHtml ? HtmlEscaped : Unescaped);

    PartialTable partial_table;
    for (const auto& [name, text] : partials) {
      Result<ParsedTemplate> partial = ParseTemplate(text);
      // kainjow parses a partial again at each inclusion: checked here so that no render meets one it
      // rejects.
      Status status = partial.ok() ? KainjowParses(partial->kainjow_source) : partial.status();
      if (!status.ok()) return Status::InvalidArgument("partial \"" + name + "\": " + status.message());
      partial_table.emplace(name, CompiledPartial{.source = text,
                                                  .kainjow_source = MustacheData(partial->kainjow_source),
                                                  .nodes = std::move(partial->nodes)});
    }

    std::vector<MustacheData> text_runs(parsed->text_runs.begin(), parsed->text_runs.end());
    auto compiled = std::unique_ptr<Compiled>(new Compiled{.nodes = std::move(parsed->nodes),
                                                           .text_runs = std::move(text_runs),
                                                           .partials = std::move(partial_table),
                                                           .source_bytes = source.size(),
                                                           .pool = KainjowPool(std::move(prototype))});
    compiled->names.Collect(compiled->nodes);
    for (const auto& [name, partial] : compiled->partials) compiled->names.Collect(partial.nodes);
    return std::shared_ptr<const Template>(new Template(std::move(compiled)));
  } catch (const std::exception& e) {  // allocation failures, or kainjow's
    return Status::Internal(std::string("compiling a template: ") + e.what());
  }
}

Result<std::string> Template::Render(const nlohmann::json& context, MissingVariables missing) const {
  const Compiled& compiled = *compiled_;
  try {
    const MustacheData root = ToMustacheContext(context, compiled.names.top_level_keys);
    RenderContext render_context(root, compiled.partials, compiled.text_runs);
    HERALD_RETURN_IF_ERROR(WalkRender(compiled.nodes, compiled.partials, render_context.stack(), missing));

    std::string out;
    out.reserve(compiled.source_bytes + compiled.source_bytes / 4);
    StringSink sink{out};
    std::unique_ptr<kainjow::mustache::mustache> parsed = compiled.pool.Borrow();
    parsed->render(render_context, sink);
    if (!parsed->is_valid())
      return Status::Internal("kainjow: " + parsed->error_message());  // not given back
    compiled.pool.GiveBack(std::move(parsed));
    return out;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("rendering a template: ") + e.what());
  }
}

const std::vector<std::string>& Template::variables() const { return compiled_->names.variables; }

size_t Template::parsed_copies() const { return compiled_->pool.copies(); }

}  // namespace herald::templates
