// The walk before each render: the template's tree (syntax.h) taken through the context the way kainjow
// will render it — the same sections over the same values, the same context stack, the same partials —
// without producing output. kainjow has no hook that tells a missing variable from a false section, so
// strict mode is decided here; and kainjow recurses without bound (a partial that includes itself
// overflows the stack), so the depth, the work and the output size are bounded here before kainjow
// starts.
//
// Thread-safety: pure function over one render's ContextStack. Untrusted input: template and data.
#pragma once

#include <vector>

#include "base/status.h"
#include "templates/render_context.h"
#include "templates/syntax.h"
#include "templates/template.h"

namespace herald::templates {

// OK when kainjow may render `nodes`; FailedPrecondition naming the first missing variable under
// kStrict; ResourceExhausted past kMaxRenderDepth, kMaxRenderSteps or kMaxRenderedBytes. Leaves `stack` as it
// found it.
Status WalkRender(const std::vector<Node>& nodes, const PartialTable& partials, ContextStack& stack,
                  MissingVariables missing);

}  // namespace herald::templates
