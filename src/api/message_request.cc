#include "api/message_request.h"

#include <nlohmann/json.hpp>

#include <set>

#include "api/request_context.h"
#include "core/message_labels.h"

namespace herald::api {
namespace {

using nlohmann::json;

constexpr size_t kMaxSubjectBytes = 998;
constexpr size_t kMaxHeaders = 50;
constexpr size_t kMaxIdempotencyKeyBytes = 255;

const std::set<std::string, std::less<>> kKnownFields = {
    "from", "to", "reply_to", "subject", "html", "text", "headers", "tags", "metadata", "idempotency_key"};

bool HasControlCharacters(std::string_view text, bool allow_tab) {
  for (unsigned char c : text) {
    if ((c < 0x20 && !(allow_tab && c == '\t')) || c == 0x7f) return true;
  }
  return false;
}

ApiError WrongType(const std::string& field, const char* expected) {
  return ApiError::Invalid("invalid_type", field + " must be " + expected, field);
}

// Reads "a@b.c", "Name <a@b.c>" or {"email", "name"}.
std::variant<core::EmailAddress, ApiError> ReadAddress(const json& value, const std::string& field) {
  std::string email;
  std::string name;
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    size_t open = text.rfind('<');
    if (open != std::string::npos && !text.empty() && text.back() == '>') {
      email = text.substr(open + 1, text.size() - open - 2);
      name = text.substr(0, open);
      while (!name.empty() && name.back() == ' ') name.pop_back();
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    } else {
      email = std::move(text);
    }
  } else if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (key != "email" && key != "name")
        return ApiError::Invalid("unknown_field", "unknown field " + field + "." + key, field + "." + key);
      if (!member.is_string()) return WrongType(field + "." + key, "a string");
    }
    if (!value.contains("email"))
      return ApiError::Invalid("missing_field", field + ".email is required", field + ".email");
    email = value["email"].get<std::string>();
    if (value.contains("name")) name = value["name"].get<std::string>();
  } else {
    return WrongType(field, "an address string or an object {\"email\", \"name\"}");
  }

  auto address = core::ParseAddrSpec(email);
  if (!address.ok()) return ApiError::Invalid("invalid_address", field + ": " + address.status().message(), field);
  if (Status s = core::ValidateDisplayName(name); !s.ok())
    return ApiError::Invalid("invalid_address", field + " name: " + s.message(), field);
  address->display_name = std::move(name);
  return std::move(*address);
}

std::optional<ApiError> ReadString(const json& body, const char* field, std::string& out) {
  auto it = body.find(field);
  if (it == body.end()) return std::nullopt;
  if (!it->is_string()) return WrongType(field, "a string");
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<ApiError> ReadHeaders(const json& body, std::vector<mime::Header>& out) {
  auto it = body.find("headers");
  if (it == body.end()) return std::nullopt;
  if (!it->is_object()) return WrongType("headers", "an object of header names to values");
  if (it->size() > kMaxHeaders)
    return ApiError::Invalid("too_many", "at most " + std::to_string(kMaxHeaders) + " headers", "headers");
  for (const auto& [name, value] : it->items()) {
    std::string field = "headers." + name;
    if (!value.is_string()) return WrongType(field, "a string");
    mime::Header header{name, value.get<std::string>()};
    if (Status s = mime::ValidateHeader(header); !s.ok()) return ApiError::Invalid("invalid_header", s.message(), field);
    out.push_back(std::move(header));
  }
  return std::nullopt;
}

std::optional<ApiError> ReadTags(const json& body, std::vector<std::string>& out) {
  auto it = body.find("tags");
  if (it == body.end()) return std::nullopt;
  if (!it->is_array()) return WrongType("tags", "an array of strings");
  if (it->size() > core::kMaxTags)
    return ApiError::Invalid("too_many", "at most " + std::to_string(core::kMaxTags) + " tags", "tags");
  for (const json& tag : *it) {
    if (!tag.is_string()) return WrongType("tags", "an array of strings");
    std::string text = tag.get<std::string>();
    if (!core::ValidateTag(text).ok())
      return ApiError::Invalid("invalid_value", "a tag has 1 to 128 bytes and no control characters", "tags");
    out.push_back(std::move(text));
  }
  return std::nullopt;
}

std::optional<ApiError> ReadMetadata(const json& body, json& out) {
  auto it = body.find("metadata");
  if (it == body.end()) return std::nullopt;
  if (!it->is_object()) return WrongType("metadata", "an object of strings");
  if (it->size() > core::kMaxMetadataKeys)
    return ApiError::Invalid("too_many", "at most " + std::to_string(core::kMaxMetadataKeys) + " metadata keys",
                             "metadata");
  for (const auto& [key, value] : it->items()) {
    std::string field = "metadata." + key;
    if (!value.is_string()) return WrongType(field, "a string");
    if (!core::ValidateMetadataKey(key).ok())
      return ApiError::Invalid("invalid_value", "metadata keys have 1 to 64 bytes", field);
    if (!core::ValidateMetadataValue(value.get_ref<const std::string&>()).ok())
      return ApiError::Invalid("too_long", field + " is longer than 1024 bytes", field);
  }
  out = *it;
  return std::nullopt;
}

constexpr size_t kMaxAttachments = 100;

// Moves each attachment's text out of `body`: an attachment is the bulk of a request, and its base64 goes
// on the wire as it came (mime::Attachment), checked but neither copied nor decoded.
std::optional<ApiError> ReadAttachments(json& body, std::vector<mime::Attachment>& out) {
  auto it = body.find("attachments");
  if (it == body.end()) return std::nullopt;
  if (!it->is_array()) return ApiError::Invalid("invalid_type", "attachments must be an array", "attachments");
  if (it->size() > kMaxAttachments) return ApiError::Invalid("too_many", "at most 100 attachments", "attachments");
  for (size_t i = 0; i < it->size(); ++i) {
    json& item = (*it)[i];
    const std::string field = "attachments[" + std::to_string(i) + "]";
    if (!item.is_object()) return ApiError::Invalid("invalid_type", field + " must be an object", field);
    mime::Attachment attachment;
    std::string content;
    for (auto [name, dest] : {std::pair{"filename", &attachment.filename}, {"content_type", &attachment.content_type},
                              {"content", &content}}) {
      auto member = item.find(name);
      if (member == item.end()) return ApiError::Invalid("missing_field", std::string(name) + " is required", field + "." + name);
      if (!member->is_string()) return ApiError::Invalid("invalid_type", std::string(name) + " must be a string", field + "." + name);
      *dest = std::move(member->get_ref<std::string&>());
    }
    for (const auto& [key, value] : item.items()) {
      if (key != "filename" && key != "content_type" && key != "content")
        return ApiError::Invalid("unknown_field", "unknown field " + key, field + "." + key);
    }
    attachment.content_type = core::AsciiLower(attachment.content_type);
    if (Status valid = mime::ValidateAttachment(attachment); !valid.ok()) {
      const std::string& why = valid.message();  // "<field>: <why>"
      return ApiError::Invalid("invalid_value", why, field + "." + why.substr(0, why.find(':')));
    }
    std::optional<CanonicalBase64> base64 = CanonicalBase64::Check(std::move(content));
    if (!base64) return ApiError::Invalid("invalid_value", "content: not canonical base64", field + ".content");
    attachment.base64 = std::move(*base64);
    out.push_back(std::move(attachment));
  }
  return std::nullopt;
}

std::variant<intake::SendRequest, ApiError> ParseSend(json& body, std::string account_id);

}  // namespace

std::variant<intake::TriggerRequest, ApiError> ParseTriggerRequest(json body, std::string account_id) {
  static const std::set<std::string, std::less<>> kTriggerFields = {
      "campaign", "to", "data", "attachments", "headers", "tags", "metadata", "idempotency_key"};
  for (const auto& [key, value] : body.items()) {
    if (!kTriggerFields.contains(key)) return ApiError::Invalid("unknown_field", "unknown field " + key, key);
  }
  intake::TriggerRequest request;
  request.account_id = std::move(account_id);
  if (auto error = ReadString(body, "campaign", request.campaign)) return std::move(*error);
  if (request.campaign.empty()) return ApiError::Invalid("missing_field", "campaign is required", "campaign");
  auto to = body.find("to");
  if (to == body.end()) return ApiError::Invalid("missing_field", "to is required", "to");
  if (to->is_string()) {
    request.email = to->get<std::string>();
  } else if (to->is_object()) {
    for (const auto& [key, value] : to->items()) {
      if (key != "email" && key != "name" && key != "gsm" && key != "attributes")
        return ApiError::Invalid("unknown_field", "unknown field to." + key, "to." + key);
    }
    for (auto [field, out] : {std::pair{"email", &request.email}, {"name", &request.name}, {"gsm", &request.gsm}}) {
      if (auto error = ReadString(*to, field, *out)) {
        error->field = "to." + error->field;
        return std::move(*error);
      }
    }
    if (auto attributes = to->find("attributes"); attributes != to->end()) {
      if (!attributes->is_object())
        return ApiError::Invalid("invalid_type", "to.attributes must be an object", "to.attributes");
      request.attributes = *attributes;
    }
  } else {
    return ApiError::Invalid("invalid_type", "to must be an address or {\"email\", \"name\", \"gsm\", \"attributes\"}", "to");
  }
  if (request.email.empty()) return ApiError::Invalid("missing_field", "to.email is required", "to.email");
  if (!core::ValidateDisplayName(request.name).ok())
    return ApiError::Invalid("invalid_value", "to.name: at most 256 bytes, no control characters", "to.name");
  if (auto data = body.find("data"); data != body.end()) {
    if (!data->is_object()) return ApiError::Invalid("invalid_type", "data must be an object", "data");
    request.data = *data;
  }
  if (auto error = ReadString(body, "idempotency_key", request.idempotency_key)) return std::move(*error);
  if (request.idempotency_key.size() > kMaxIdempotencyKeyBytes || HasControlCharacters(request.idempotency_key, false))
    return ApiError::Invalid("invalid_value", "idempotency_key has at most 255 bytes and no control characters",
                             "idempotency_key");
  if (auto error = ReadAttachments(body, request.attachments)) return std::move(*error);
  if (auto error = ReadHeaders(body, request.headers)) return std::move(*error);
  if (auto error = ReadTags(body, request.tags)) return std::move(*error);
  if (auto error = ReadMetadata(body, request.metadata)) return std::move(*error);
  return request;
}

MessageRequest ParseMessageRequest(const std::string& text, std::string account_id) {
  auto body = ParseJsonObject(text);
  if (auto* error = std::get_if<ApiError>(&body)) return std::move(*error);
  return ParseMessageValue(std::get<json>(std::move(body)), std::move(account_id));
}

MessageRequest ParseMessageValue(json body, std::string account_id) {
  if (!body.is_object())
    return ApiError{boost::beast::http::status::bad_request, "invalid_json", "a message must be a JSON object", ""};
  if (body.contains("campaign")) {
    auto trigger = ParseTriggerRequest(std::move(body), std::move(account_id));
    if (auto* failed = std::get_if<ApiError>(&trigger)) return std::move(*failed);
    return std::get<intake::TriggerRequest>(std::move(trigger));
  }
  auto send = ParseSend(body, std::move(account_id));
  if (auto* failed = std::get_if<ApiError>(&send)) return std::move(*failed);
  return std::get<intake::SendRequest>(std::move(send));
}

std::variant<intake::SendRequest, ApiError> ParseSendRequest(const std::string& text, std::string account_id) {
  auto body = ParseJsonObject(text);
  if (auto* error = std::get_if<ApiError>(&body)) return std::move(*error);
  return ParseSend(std::get<json>(body), std::move(account_id));
}

namespace {

std::variant<intake::SendRequest, ApiError> ParseSend(json& body, std::string account_id) {
  for (const auto& [key, value] : body.items()) {
    if (!kKnownFields.contains(key)) return ApiError::Invalid("unknown_field", "unknown field " + key, key);
  }

  intake::SendRequest request;
  request.account_id = std::move(account_id);
  for (const char* required : {"from", "to", "subject"}) {
    if (!body.contains(required))
      return ApiError::Invalid("missing_field", std::string(required) + " is required", required);
  }

  auto from = ReadAddress(body["from"], "from");
  if (auto* error = std::get_if<ApiError>(&from)) return std::move(*error);
  request.from = std::move(std::get<core::EmailAddress>(from));
  auto to = ReadAddress(body["to"], "to");
  if (auto* error = std::get_if<ApiError>(&to)) return std::move(*error);
  request.to = std::move(std::get<core::EmailAddress>(to));
  if (body.contains("reply_to")) {
    auto reply_to = ReadAddress(body["reply_to"], "reply_to");
    if (auto* error = std::get_if<ApiError>(&reply_to)) return std::move(*error);
    request.reply_to = std::move(std::get<core::EmailAddress>(reply_to));
  }

  for (auto [field, out] : {std::pair{"subject", &request.subject}, std::pair{"html", &request.html},
                            std::pair{"text", &request.text}, std::pair{"idempotency_key", &request.idempotency_key}}) {
    if (auto error = ReadString(body, field, *out)) return std::move(*error);
  }
  if (request.subject.size() > kMaxSubjectBytes)
    return ApiError::Invalid("too_long", "subject is longer than 998 bytes", "subject");
  if (HasControlCharacters(request.subject, true))
    return ApiError::Invalid("invalid_value", "subject has control characters", "subject");
  if (request.html.empty() && request.text.empty())
    return ApiError::Invalid("missing_field", "give html, text or both", "html");
  if (request.idempotency_key.size() > kMaxIdempotencyKeyBytes ||
      HasControlCharacters(request.idempotency_key, false))
    return ApiError::Invalid("invalid_value", "idempotency_key has at most 255 bytes and no control characters",
                             "idempotency_key");
  if (body.contains("idempotency_key") && request.idempotency_key.empty())
    return ApiError::Invalid("invalid_value", "idempotency_key is empty", "idempotency_key");

  if (auto error = ReadHeaders(body, request.headers)) return std::move(*error);
  if (auto error = ReadTags(body, request.tags)) return std::move(*error);
  if (auto error = ReadMetadata(body, request.metadata)) return std::move(*error);
  return request;
}

}  // namespace

}  // namespace herald::api
