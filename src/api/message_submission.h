// Handing a parsed POST /v1/messages request (inline content or a campaign trigger) to intake, and
// what intake's refusals become for the caller. Shared by POST /v1/messages and its batch.
//
// Intake's errors for a trigger name the field at fault first ("<field>: <why>", see intake.h):
//   PermissionDenied    422 domain_not_verified (from)      ResourceExhausted  413 payload_too_large
//   NotFound            422 unknown_campaign (campaign)     AlreadyExists      409 duplicate_value
//   FailedPrecondition  409 campaign_not_active (campaign)  InvalidArgument    422 missing_variable (the
//                                                           variable), unknown_attribute or
//                                                           invalid_value (the field)
//
// A message to a suppressed recipient is accepted but recorded with status `suppressed` and not sent:
// it is answered 200 (not 202: nothing is left to happen) with {"id", "status": "suppressed",
// "code": "recipient_suppressed", "message"}; any other 202 {"id", "status"}.
//
// Thread-safety: as intake's.
#pragma once

#include <functional>

#include "api/api.h"
#include "api/api_error.h"
#include "api/message_request.h"

namespace herald::api {

// `request` must hold a SendRequest or a TriggerRequest; `pool` is the caller's account's pool.
void SubmitToIntake(intake::Intake& intake, MessageRequest request, const std::string& pool,
                    std::function<void(Result<intake::Accepted>)> done);

ApiError IntakeError(const Status& refused);

// The answer's HTTP status and body for an accepted message (see above); the body alone is what a
// batch lists for it.
boost::beast::http::status AcceptedStatus(const intake::Accepted& accepted);
nlohmann::json AcceptedJson(const intake::Accepted& accepted);

}  // namespace herald::api
