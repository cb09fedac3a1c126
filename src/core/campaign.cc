#include "core/campaign.h"

#include "core/enum_names.h"

namespace herald::core {
namespace {

constexpr EnumNames<CampaignStatus, 4> kStatuses = {{
    {CampaignStatus::kDraft, "draft"},
    {CampaignStatus::kActive, "active"},
    {CampaignStatus::kPaused, "paused"},
    {CampaignStatus::kArchived, "archived"},
}};
constexpr EnumNames<CampaignType, 2> kTypes = {{
    {CampaignType::kTransactional, "transactional"},
    {CampaignType::kScenario, "scenario"},
}};
constexpr EnumNames<Channel, 2> kChannels = {{{Channel::kEmail, "email"}, {Channel::kSms, "sms"}}};
constexpr EnumNames<MissingVariablePolicy, 2> kPolicies = {{
    {MissingVariablePolicy::kStrict, "strict"},
    {MissingVariablePolicy::kLenient, "lenient"},
}};

}  // namespace

std::string_view ToString(CampaignStatus status) { return NameOf(kStatuses, status); }
std::optional<CampaignStatus> ParseCampaignStatus(std::string_view text) { return ValueOf(kStatuses, text); }
std::string_view ToString(CampaignType type) { return NameOf(kTypes, type); }
std::optional<CampaignType> ParseCampaignType(std::string_view text) { return ValueOf(kTypes, text); }
std::string_view ToString(Channel channel) { return NameOf(kChannels, channel); }
std::optional<Channel> ParseChannel(std::string_view text) { return ValueOf(kChannels, text); }
std::string_view ToString(MissingVariablePolicy policy) { return NameOf(kPolicies, policy); }
std::optional<MissingVariablePolicy> ParseMissingVariablePolicy(std::string_view text) {
  return ValueOf(kPolicies, text);
}

}  // namespace herald::core
