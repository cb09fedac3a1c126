#include "templates/render_walk.h"

#include <string>

namespace herald::templates {
namespace {

// kainjow 4.1 (basic_mustache::render_component): a section renders unless its value is missing, false
// or an empty list; an inverted section renders otherwise.
bool SectionRenders(const MustacheData* value) {
  return value != nullptr && !value->is_false() && !value->is_empty_list();
}

class Walker {
 public:
  Walker(const PartialTable& partials, ContextStack& stack, MissingVariables missing)
      : partials_(partials), stack_(stack), strict_(missing == MissingVariables::kStrict) {}

  Status Walk(const std::vector<Node>& nodes, size_t depth) {
    if (depth > kMaxRenderDepth) {
      return Status::ResourceExhausted("template nested deeper than " + std::to_string(kMaxRenderDepth) +
                                       " sections and partials while rendering (a recursive partial?)");
    }
    for (const Node& node : nodes) {
      if (++steps_ > kMaxRenderSteps) {
        return Status::ResourceExhausted("template takes more than " + std::to_string(kMaxRenderSteps) +
                                         " steps to render (loops within loops?)");
      }
      HERALD_RETURN_IF_ERROR(Visit(node, depth));
      if (bytes_ > kMaxRenderedBytes) {
        return Status::ResourceExhausted("rendered template larger than " +
                                         std::to_string(kMaxRenderedBytes) + " bytes");
      }
    }
    return Status::Ok();
  }

 private:
  Status Visit(const Node& node, size_t depth) {
    switch (node.kind) {
      case Node::Kind::kText:
        bytes_ += node.text_bytes;
        return Status::Ok();
      case Node::Kind::kVariable: {
        const MustacheData* value = stack_.Resolve(node.name);
        if (value == nullptr) return Missing(node.name);
        if (value->is_string()) bytes_ += value->string_value().size();
        return Status::Ok();
      }
      case Node::Kind::kSection: {
        const MustacheData* value = stack_.Resolve(node.name);
        if (!SectionRenders(value)) return Status::Ok();
        if (!value->is_list()) return WalkWith(value, node.children, depth);
        for (const MustacheData& item : value->list_value()) {
          HERALD_RETURN_IF_ERROR(WalkWith(&item, node.children, depth));
        }
        return Status::Ok();
      }
      case Node::Kind::kInvertedSection: {
        const MustacheData* value = stack_.Resolve(node.name);
        if (SectionRenders(value)) return Status::Ok();
        return value == nullptr ? Walk(node.children, depth + 1) : WalkWith(value, node.children, depth);
      }
      case Node::Kind::kPartial: {
        if (node.dynamic && stack_.Resolve(node.name) == nullptr) return Missing(node.name);
        const CompiledPartial* partial = FindPartial(partials_, stack_, node.name, node.dynamic);
        return partial == nullptr ? Status::Ok() : Walk(partial->nodes, depth + 1);
      }
    }
    return Status::Ok();
  }

  // kainjow pushes a section's value (or each item of a list) while it renders the section.
  Status WalkWith(const MustacheData* frame, const std::vector<Node>& nodes, size_t depth) {
    stack_.Push(frame);
    Status status = Walk(nodes, depth + 1);
    stack_.Pop();
    return status;
  }

  Status Missing(const std::string& name) const {
    return strict_ ? Status::FailedPrecondition(name) : Status::Ok();
  }

  const PartialTable& partials_;
  ContextStack& stack_;
  const bool strict_;
  size_t steps_ = 0;
  size_t bytes_ = 0;
};

}  // namespace

Status WalkRender(const std::vector<Node>& nodes, const PartialTable& partials, ContextStack& stack,
                  MissingVariables missing) {
  return Walker(partials, stack, missing).Walk(nodes, 0);
}

}  // namespace herald::templates
