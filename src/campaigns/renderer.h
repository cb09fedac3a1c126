// CampaignRenderer: a campaign's templates turned into one message's content (DESIGN §3, "render
// templates"). Each version's templates are compiled once and kept (a bounded cache keyed by the
// campaign's id and version; a version never changes), not parsed per message.
//
// The template context is {"profile": the recipient's attributes, "data": the trigger's data,
// "message": {"id", "date"}}. The HTML body is escaped for HTML ({{x}}); the sender, reply-to,
// subject and text body are not (they are not HTML). A version without a text body gets one derived
// from the rendered HTML (templates::HtmlToText).
//
// Errors: InvalidArgument "<part>: <why>" for a template that does not compile (a campaign's content
// is checked when it is saved, so this means an older bug); FailedPrecondition whose message is the
// missing variable's dotted name, under the strict policy; ResourceExhausted for a render that grows
// past the templates module's limits.
//
// Thread-safety: Render may be called concurrently from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/clock.h"
#include "base/status.h"
#include "core/campaign.h"
#include "templates/template.h"

namespace herald::campaigns {

struct RenderedContent {
  std::string from;
  std::string reply_to;  // empty: none
  std::string subject;
  std::string html;
  std::string text;
};

// OK when every template of `content` compiles; else InvalidArgument "<part>: <why>" (part: from,
// reply_to, subject, html or text). For the API to check content before it is saved.
Status CheckContent(const core::CampaignContent& content);

class CampaignRenderer {
 public:
  // A compiled 20 KB template holds about 0.7 MB (kainjow's parse, templates/template.h): 256 versions is
  // plenty for an installation's active campaigns and bounded in memory.
  explicit CampaignRenderer(size_t max_versions = 256);

  Result<RenderedContent> Render(const core::Campaign& campaign, const nlohmann::json& profile,
                                 const nlohmann::json& data, std::string_view message_id, TimePoint date);

  size_t cached_versions() const;

 private:
  struct Compiled;
  Result<std::shared_ptr<const Compiled>> CompiledFor(const core::Campaign& campaign);

  const size_t max_versions_;
  mutable std::mutex mutex_;
  // Most recently used first; the map points into the list.
  std::list<std::pair<std::string, std::shared_ptr<const Compiled>>> recent_;
  std::unordered_map<std::string, decltype(recent_)::iterator> by_key_;
};

}  // namespace herald::campaigns
