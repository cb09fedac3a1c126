#include "bounces/ses_notification.h"

#include <nlohmann/json.hpp>

#include "base/printable.h"
#include "bounces/text_scan.h"
#include "core/address.h"

namespace herald::bounces {
namespace {

using nlohmann::json;

constexpr size_t kMaxValueBytes = 1024;
constexpr size_t kMaxHeaders = 100;

// A string member of `object`, cut and cleaned of control characters and invalid UTF-8; "" when absent
// or not a string.
std::string StringAt(const json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return {};
  return Printable(found->get_ref<const std::string&>(), kMaxValueBytes);
}

const json& ArrayAt(const json& object, std::string_view key) {
  static const json kEmpty = json::array();
  if (!object.is_object()) return kEmpty;
  auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : kEmpty;
}

const json& ObjectAt(const json& object, std::string_view key) {
  static const json kEmpty = json::object();
  if (!object.is_object()) return kEmpty;
  auto found = object.find(key);
  return found != object.end() && found->is_object() ? *found : kEmpty;
}

// The address in a recipient entry: {"emailAddress": "…"} or a bare string.
std::optional<std::string> AddressOf(const json& entry) {
  std::string text = entry.is_string() ? Printable(entry.get_ref<const std::string&>(), kMaxValueBytes)
                                       : StringAt(entry, "emailAddress");
  return FirstAddress(text);
}

// SNS writes the JSON on one long line; a mail system on the way may wrap it past 990 bytes the
// Sendmail way, "!" and a line end and a space in the middle of a token. Undone here.
std::string Unwrapped(std::string_view text) {
  std::string joined;
  joined.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '!') {
      size_t next = i + 1;
      if (next < text.size() && text[next] == '\r') ++next;
      if (next + 1 < text.size() && text[next] == '\n' && text[next + 1] == ' ') {
        i = next + 1;
        continue;
      }
    }
    joined += text[i];
  }
  return joined;
}

}  // namespace

std::optional<SesNotification> ReadSesNotification(std::string_view text, size_t max_recipients,
                                                   size_t& omitted) {
  size_t open = text.find('{');
  size_t close = text.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  std::string_view object_text = text.substr(open, close - open + 1);
  if (object_text.find("notificationType") == std::string_view::npos) return std::nullopt;
  json root = json::parse(Unwrapped(object_text), nullptr, /*allow_exceptions=*/false);
  // Raw message delivery off: the notification is a string in SNS's own envelope.
  if (root.is_object() && !root.contains("notificationType")) {
    auto message = root.find("Message");
    json inner;  // null unless the envelope carries a string (nlohmann has checked its UTF-8)
    if (message != root.end() && message->is_string())
      inner = json::parse(message->get_ref<const std::string&>(), nullptr, /*allow_exceptions=*/false);
    root = std::move(inner);
  }
  if (!root.is_object()) return std::nullopt;

  SesNotification notification;
  const std::string type = StringAt(root, "notificationType");
  auto add_recipient = [&](const json& entry) -> std::optional<std::string> {
    std::optional<std::string> address = AddressOf(entry);
    if (!address) return std::nullopt;
    if (notification.bounced.size() + notification.recipients.size() >= max_recipients) {
      ++omitted;
      return std::nullopt;
    }
    return address;
  };
  if (type == "Bounce") {
    notification.kind = ReportKind::kBounce;
    for (const json& entry : ArrayAt(ObjectAt(root, "bounce"), "bouncedRecipients")) {
      if (std::optional<std::string> address = add_recipient(entry)) {
        std::string action = core::AsciiLower(StringAt(entry, "action"));
        notification.bounced.push_back({std::move(*address), action.empty() ? "failed" : action,
                                        FindCodes(StringAt(entry, "status"), "245").status,
                                        StringAt(entry, "diagnosticCode")});
      }
    }
    // "smtp; 550 5.1.1 user unknown": the diagnostic without its type, as in a DSN.
    for (RecipientEvidence& evidence : notification.bounced) {
      size_t semicolon = evidence.diagnostic.find(';');
      if (semicolon != std::string::npos && semicolon < 16) evidence.diagnostic.erase(0, semicolon + 1);
    }
  } else if (type == "Complaint") {
    notification.kind = ReportKind::kComplaint;
    const json& complaint = ObjectAt(root, "complaint");
    for (const json& entry : ArrayAt(complaint, "complainedRecipients")) {
      if (std::optional<std::string> address = add_recipient(entry))
        notification.recipients.push_back(*address);
    }
    notification.feedback_type = core::AsciiLower(StringAt(complaint, "complaintFeedbackType"));
    if (notification.feedback_type.empty()) notification.feedback_type = "abuse";
  } else if (type == "Delivery") {
    notification.kind = ReportKind::kDelivered;
    for (const json& entry : ArrayAt(ObjectAt(root, "delivery"), "recipients")) {
      if (std::optional<std::string> address = add_recipient(entry))
        notification.recipients.push_back(*address);
    }
  } else {
    return std::nullopt;
  }
  for (const json& header : ArrayAt(ObjectAt(root, "mail"), "headers")) {
    if (notification.original_header.size() >= kMaxHeaders) break;
    std::string name = StringAt(header, "name");
    if (!name.empty()) notification.original_header.push_back({std::move(name), StringAt(header, "value")});
  }
  return notification;
}

}  // namespace herald::bounces
