#include "api/campaign_request.h"

#include <algorithm>

#include "api/request_context.h"
#include "base/time_format.h"
#include "campaigns/renderer.h"

namespace herald::api {
namespace {

using nlohmann::json;

constexpr size_t kMaxKeyBytes = 64;
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxTemplateBytes = 1 << 20;  // a campaign's HTML, text or subject template

bool IsKey(std::string_view key) {
  return !key.empty() && key.size() <= kMaxKeyBytes && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::optional<ApiError> ReadText(const json& body, const char* field, std::string& out, size_t max) {
  auto it = body.find(field);
  if (it == body.end()) return std::nullopt;
  if (!it->is_string()) return ApiError::Invalid("invalid_type", std::string(field) + " must be a string", field);
  out = it->get<std::string>();
  if (out.size() > max) return ApiError::Invalid("too_long", std::string(field) + " is too long", field);
  return std::nullopt;
}

std::optional<ApiError> ReadFlag(const json& body, const char* field, bool& out) {
  auto it = body.find(field);
  if (it == body.end()) return std::nullopt;
  if (!it->is_boolean()) return ApiError::Invalid("invalid_type", std::string(field) + " must be true or false", field);
  out = it->get<bool>();
  return std::nullopt;
}

template <typename Enum>
std::optional<ApiError> ReadEnum(const json& body, const char* field, Enum& out,
                                 std::optional<Enum> (*parse)(std::string_view), const char* allowed) {
  auto it = body.find(field);
  if (it == body.end()) return std::nullopt;
  std::optional<Enum> value = it->is_string() ? parse(it->get<std::string>()) : std::nullopt;
  if (!value) return ApiError::Invalid("invalid_value", std::string(field) + " is one of " + allowed, field);
  out = *value;
  return std::nullopt;
}

// The members a POST and a PATCH share.
std::optional<ApiError> ReadMutable(const json& body, core::Campaign& c) {
  core::CampaignContent& content = c.content;
  for (auto [field, out, max] : {std::tuple{"name", &c.name, kMaxNameBytes}, {"profile_table", &c.profile_table, kMaxKeyBytes},
                                 {"from", &content.from, size_t{1000}}, {"reply_to", &content.reply_to, size_t{1000}},
                                 {"subject", &content.subject, size_t{4000}}, {"html", &content.html, kMaxTemplateBytes},
                                 {"text", &content.text, kMaxTemplateBytes}}) {
    if (auto error = ReadText(body, field, *out, max)) return error;
  }
  if (auto error = ReadFlag(body, "track_opens", content.track_opens)) return error;
  if (auto error = ReadFlag(body, "track_clicks", content.track_clicks)) return error;
  if (auto error = ReadEnum(body, "status", c.status, core::ParseCampaignStatus, "draft, active, paused, archived"))
    return error;
  return ReadEnum(body, "missing_variables", content.missing_variables, core::ParseMissingVariablePolicy,
                  "strict, lenient");
}

// What every stored campaign must hold, whatever made it.
std::optional<ApiError> CheckComplete(const core::Campaign& c) {
  if (c.name.empty()) return ApiError::Invalid("missing_field", "name is required", "name");
  if (c.profile_table.empty()) return ApiError::Invalid("missing_field", "profile_table is required", "profile_table");
  if (c.channel == core::Channel::kEmail) {
    if (c.content.from.empty()) return ApiError::Invalid("missing_field", "from is required", "from");
    if (c.content.subject.empty()) return ApiError::Invalid("missing_field", "subject is required", "subject");
    if (c.content.html.empty() && c.content.text.empty())
      return ApiError::Invalid("missing_field", "give html, text or both", "html");
  }
  if (Status compiles = campaigns::CheckContent(c.content); !compiles.ok()) {
    const std::string& message = compiles.message();
    return ApiError::Invalid("invalid_template", message, message.substr(0, message.find(':')));
  }
  return std::nullopt;
}

}  // namespace

json CampaignJson(const core::Campaign& c) {
  return {{"id", c.id},
          {"key", c.key},
          {"name", c.name},
          {"channel", core::ToString(c.channel)},
          {"type", core::ToString(c.type)},
          {"status", core::ToString(c.status)},
          {"profile_table", c.profile_table},
          {"version", c.version},
          {"from", c.content.from},
          {"reply_to", c.content.reply_to},
          {"subject", c.content.subject},
          {"html", c.content.html},
          {"text", c.content.text},
          {"track_opens", c.content.track_opens},
          {"track_clicks", c.content.track_clicks},
          {"missing_variables", core::ToString(c.content.missing_variables)},
          {"created_at", FormatRfc3339(c.created_at)},
          {"updated_at", FormatRfc3339(c.updated_at)}};
}

std::variant<core::Campaign, ApiError> ReadCampaign(const json& body) {
  if (auto error = CheckObjectFields(body, {"key", "name", "channel", "type", "status", "profile_table", "from",
                                            "reply_to", "subject", "html", "text", "track_opens", "track_clicks",
                                            "missing_variables"})) {
    return *error;
  }
  core::Campaign c;
  if (auto error = ReadText(body, "key", c.key, kMaxKeyBytes)) return *error;
  if (!body.contains("key")) return ApiError::Invalid("missing_field", "key is required", "key");
  if (!IsKey(c.key)) return ApiError::Invalid("invalid_value", "key is 1-64 of a-z 0-9 - _", "key");
  if (auto error = ReadEnum(body, "channel", c.channel, core::ParseChannel, "email, sms")) return *error;
  if (auto error = ReadEnum(body, "type", c.type, core::ParseCampaignType, "transactional, scenario")) return *error;
  if (auto error = ReadMutable(body, c)) return *error;
  if (auto error = CheckComplete(c)) return *error;
  return c;
}

std::optional<ApiError> PatchCampaign(const json& body, core::Campaign& c) {
  if (auto error = CheckObjectFields(body, {"name", "status", "profile_table", "from", "reply_to", "subject", "html",
                                            "text", "track_opens", "track_clicks", "missing_variables"})) {
    return error;
  }
  if (auto error = ReadMutable(body, c)) return error;
  return CheckComplete(c);
}

}  // namespace herald::api
