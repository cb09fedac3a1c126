#include "api/message_submission.h"

namespace herald::api {

using boost::beast::http::status;

void SubmitToIntake(intake::Intake& intake, MessageRequest request, const std::string& pool,
                    std::function<void(Result<intake::Accepted>)> done) {
  if (auto* trigger = std::get_if<intake::TriggerRequest>(&request)) {
    trigger->pool = pool;
    return intake.Trigger(std::move(*trigger), std::move(done));
  }
  auto& send = std::get<intake::SendRequest>(request);
  send.pool = pool;
  intake.Submit(std::move(send), std::move(done));
}

status AcceptedStatus(const intake::Accepted& accepted) {
  return accepted.status == core::MessageStatus::kSuppressed ? status::ok : status::accepted;
}

nlohmann::json AcceptedJson(const intake::Accepted& accepted) {
  nlohmann::json body = {{"id", accepted.id}, {"status", core::ToString(accepted.status)}};
  if (accepted.status == core::MessageStatus::kSuppressed) {
    body["code"] = "recipient_suppressed";
    body["message"] = "the recipient is on this account's suppression list: the message is recorded, not sent";
  }
  return body;
}

ApiError IntakeError(const Status& refused) {
  const std::string& message = refused.message();
  const size_t colon = message.find(": ");
  const std::string field = colon == std::string::npos ? "" : message.substr(0, colon);
  switch (refused.code()) {
    case Code::kPermissionDenied:
      return ApiError::Invalid("domain_not_verified", message, "from");
    case Code::kNotFound:
      return ApiError::Invalid("unknown_campaign", message, "campaign");
    case Code::kFailedPrecondition:
      return {status::conflict, "campaign_not_active", message, "campaign"};
    case Code::kResourceExhausted:
      return {status::payload_too_large, "payload_too_large", message, "attachments"};
    case Code::kAlreadyExists:
      return {status::conflict, "duplicate_value", message, field};
    case Code::kInvalidArgument:
      if (message.ends_with(": missing variable")) return ApiError::Invalid("missing_variable", message, field);
      if (message.ends_with("no such attribute")) return ApiError::Invalid("unknown_attribute", message, field);
      if (field.empty()) return FromStatus(refused);
      return ApiError::Invalid("invalid_value", message, field);
    default:
      return FromStatus(refused);
  }
}

}  // namespace herald::api
