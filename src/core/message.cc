#include "core/message.h"

#include "core/enum_names.h"

namespace herald::core {
namespace {

constexpr EnumNames<MessageStatus, 9> kStatusNames = {{
    {MessageStatus::kQueued, "queued"},
    {MessageStatus::kDeferred, "deferred"},
    {MessageStatus::kSent, "sent"},
    {MessageStatus::kDelivered, "delivered"},
    {MessageStatus::kBounced, "bounced"},
    {MessageStatus::kFailed, "failed"},
    {MessageStatus::kSuppressed, "suppressed"},
    {MessageStatus::kRejected, "rejected"},
    {MessageStatus::kCancelled, "cancelled"},
}};

constexpr EnumNames<EventType, 12> kEventNames = {{
    {EventType::kQueued, "queued"},
    {EventType::kSent, "sent"},
    {EventType::kDelivered, "delivered"},
    {EventType::kDeferred, "deferred"},
    {EventType::kBounced, "bounced"},
    {EventType::kFailed, "failed"},
    {EventType::kOpened, "opened"},
    {EventType::kClicked, "clicked"},
    {EventType::kComplained, "complained"},
    {EventType::kSuppressed, "suppressed"},
    {EventType::kRejected, "rejected"},
    {EventType::kCancelled, "cancelled"},
}};

}  // namespace

std::string_view ToString(MessageStatus status) { return NameOf(kStatusNames, status); }
std::optional<MessageStatus> ParseMessageStatus(std::string_view text) { return ValueOf(kStatusNames, text); }

bool IsFinal(MessageStatus status) {
  return status != MessageStatus::kQueued && status != MessageStatus::kDeferred;
}

std::string_view ToString(EventType type) { return NameOf(kEventNames, type); }
std::optional<EventType> ParseEventType(std::string_view text) { return ValueOf(kEventNames, text); }

nlohmann::json RemoteReply::ToJson() const {
  nlohmann::json j = {{"host", host}, {"code", code}, {"text", text}};
  j["enhanced_code"] = enhanced_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(enhanced_code);
  return j;
}

}  // namespace herald::core
