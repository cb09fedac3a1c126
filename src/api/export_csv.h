// The records of the CSV exports (GET /v1/exports/…, docs/api.md "Exports"): each export's header
// line, and one CSV record (base/csv_writer.h) per message or suppression.
//
// Thread-safety: pure functions. Untrusted input: the stored text (subjects, remote servers' replies),
// written so that a CSV reader reads each field back as it was.
#pragma once

#include <string>
#include <string_view>

#include "core/message.h"
#include "storage/store.h"

namespace herald::api {

inline constexpr std::string_view kMessagesCsvHeader =
    "id,created_at,campaign,campaign_version,from,sender_domain,recipient,subject,status,status_at,attempts,"
    "tags\r\n";

// smtp_code, enhanced_code and diagnostic are what the recipient's side said when it refused the
// message (a reply at delivery, or a delivery status notification): empty when nothing was said or
// kept (a complaint, a manual entry).
inline constexpr std::string_view kSuppressionsCsvHeader =
    "address,created_at,source,reason,smtp_code,enhanced_code,diagnostic,message_id\r\n";

void AppendMessageRecord(std::string& out, const core::MessageRecord& message);
void AppendSuppressionRecord(std::string& out, const storage::SuppressionExportRow& row);

}  // namespace herald::api
