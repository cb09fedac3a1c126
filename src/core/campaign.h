// Campaigns (DESIGN §1): one designed message for one channel — the order confirmation, the password
// reset — sent to a profile of its profile table, personalised by Mustache templates.
//
// Every change of content (sender, subject, bodies, tracking, the missing-variables policy) makes a
// new version; a message records the version it was rendered from, and a version never changes, so
// a message can always be explained. Only an `active` campaign can be triggered.
//
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace herald::core {

enum class CampaignStatus { kDraft, kActive, kPaused, kArchived };
enum class CampaignType { kTransactional, kScenario };
enum class Channel { kEmail, kSms };
enum class MissingVariablePolicy { kStrict, kLenient };

std::string_view ToString(CampaignStatus status);  // "draft", "active", "paused", "archived"
std::optional<CampaignStatus> ParseCampaignStatus(std::string_view text);
std::string_view ToString(CampaignType type);  // "transactional", "scenario"
std::optional<CampaignType> ParseCampaignType(std::string_view text);
std::string_view ToString(Channel channel);  // "email", "sms"
std::optional<Channel> ParseChannel(std::string_view text);
std::string_view ToString(MissingVariablePolicy policy);  // "strict", "lenient"
std::optional<MissingVariablePolicy> ParseMissingVariablePolicy(std::string_view text);

// What one version of a campaign sends: templates, sender and tracking.
struct CampaignContent {
  std::string from;      // "Shop <orders@shop.example>": a template too (rendered, then parsed)
  std::string reply_to;  // empty: none
  std::string subject;   // Mustache
  std::string html;      // Mustache; may be empty when text is given
  std::string text;      // Mustache; empty: derived from the rendered HTML
  bool track_opens = true;
  bool track_clicks = true;
  MissingVariablePolicy missing_variables = MissingVariablePolicy::kStrict;

  bool operator==(const CampaignContent&) const = default;
};

struct Campaign {
  std::string id;  // "cmp_…"
  std::string account_id;
  std::string key;   // technical key, unique within the account: "order-confirmation"
  std::string name;  // for people
  Channel channel = Channel::kEmail;
  CampaignType type = CampaignType::kTransactional;
  CampaignStatus status = CampaignStatus::kDraft;
  std::string profile_table;  // the name of the account's profile table its recipients are in
  int version = 1;            // the current version of `content`
  CampaignContent content;
  TimePoint created_at;
  TimePoint updated_at;
};

}  // namespace herald::core
