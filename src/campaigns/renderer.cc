#include "campaigns/renderer.h"

#include "base/time_format.h"
#include "templates/html_to_text.h"

namespace herald::campaigns {
namespace {

using templates::Escape;
using templates::Template;

// Each template of a campaign: where it comes from, how it escapes, where its output goes.
struct Part {
  const char* name;
  std::string core::CampaignContent::*source;
  Escape escape;
  std::string RenderedContent::*target;
};

constexpr Part kParts[] = {
    {"from", &core::CampaignContent::from, Escape::kNone, &RenderedContent::from},
    {"reply_to", &core::CampaignContent::reply_to, Escape::kNone, &RenderedContent::reply_to},
    {"subject", &core::CampaignContent::subject, Escape::kNone, &RenderedContent::subject},
    {"html", &core::CampaignContent::html, Escape::kHtml, &RenderedContent::html},
    {"text", &core::CampaignContent::text, Escape::kNone, &RenderedContent::text},
};

}  // namespace

// One compiled template per part (null for an empty part).
struct CampaignRenderer::Compiled {
  std::shared_ptr<const Template> parts[std::size(kParts)];
  templates::MissingVariables missing = templates::MissingVariables::kStrict;
};

Status CheckContent(const core::CampaignContent& content) {
  for (const Part& part : kParts) {
    Result<std::shared_ptr<const Template>> compiled = Template::Compile(content.*part.source, part.escape);
    if (!compiled.ok()) return Status::InvalidArgument(std::string(part.name) + ": " + compiled.status().message());
  }
  return Status::Ok();
}

CampaignRenderer::CampaignRenderer(size_t max_versions) : max_versions_(std::max<size_t>(max_versions, 1)) {}

size_t CampaignRenderer::cached_versions() const {
  std::lock_guard lock(mutex_);
  return recent_.size();
}

Result<std::shared_ptr<const CampaignRenderer::Compiled>> CampaignRenderer::CompiledFor(const core::Campaign& campaign) {
  const std::string key = campaign.id + "#" + std::to_string(campaign.version);
  {
    std::lock_guard lock(mutex_);
    if (auto found = by_key_.find(key); found != by_key_.end()) {
      recent_.splice(recent_.begin(), recent_, found->second);
      return found->second->second;
    }
  }
  // Compiled outside the lock; two threads may compile the same version once each, and one wins.
  auto compiled = std::make_shared<Compiled>();
  compiled->missing = campaign.content.missing_variables == core::MissingVariablePolicy::kStrict
                          ? templates::MissingVariables::kStrict
                          : templates::MissingVariables::kLenient;
  for (size_t i = 0; i < std::size(kParts); ++i) {
    const std::string& source = campaign.content.*kParts[i].source;
    if (source.empty()) continue;
    Result<std::shared_ptr<const Template>> part = Template::Compile(source, kParts[i].escape);
    if (!part.ok()) return Status::InvalidArgument(std::string(kParts[i].name) + ": " + part.status().message());
    compiled->parts[i] = std::move(*part);
  }
  std::lock_guard lock(mutex_);
  if (auto found = by_key_.find(key); found != by_key_.end()) return found->second->second;
  recent_.emplace_front(key, compiled);
  by_key_[key] = recent_.begin();
  if (recent_.size() > max_versions_) {
    by_key_.erase(recent_.back().first);
    recent_.pop_back();
  }
  return std::shared_ptr<const Compiled>(std::move(compiled));
}

Result<RenderedContent> CampaignRenderer::Render(const core::Campaign& campaign, const nlohmann::json& profile,
                                                 const nlohmann::json& data, std::string_view message_id,
                                                 TimePoint date) {
  Result<std::shared_ptr<const Compiled>> compiled = CompiledFor(campaign);
  if (!compiled.ok()) return compiled.status();
  const nlohmann::json context = {
      {"profile", profile.is_object() ? profile : nlohmann::json::object()},
      {"data", data.is_null() ? nlohmann::json::object() : data},
      {"message", {{"id", message_id}, {"date", FormatRfc3339(date)}}}};
  RenderedContent out;
  for (size_t i = 0; i < std::size(kParts); ++i) {
    const std::shared_ptr<const Template>& part = (*compiled)->parts[i];
    if (part == nullptr) continue;
    Result<std::string> rendered = part->Render(context, (*compiled)->missing);
    if (!rendered.ok()) return rendered.status();
    out.*kParts[i].target = std::move(*rendered);
  }
  if (out.text.empty() && !out.html.empty()) out.text = templates::HtmlToText(out.html);
  return out;
}

}  // namespace herald::campaigns
