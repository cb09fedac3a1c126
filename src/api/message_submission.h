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

}  // namespace herald::api
