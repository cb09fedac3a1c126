#include "intake/sending_identity.h"

#include "core/verp.h"

namespace herald::intake {

Status Sign(const domains::SendingIdentity& identity, std::string& raw, TimePoint now) {
  if (identity.signer == nullptr) return Status::Ok();
  Result<std::string> signatures = identity.signer->Sign(raw, now);
  if (!signatures.ok()) return Status::Internal("cannot DKIM-sign the message: " + signatures.status().message());
  raw.insert(0, *signatures);
  return Status::Ok();
}

void ApplyEnvelope(const domains::SendingIdentity& identity, core::MessageRecord& record) {
  if (!identity.return_path_host.empty() && !record.mail_from.empty()) {
    if (std::optional<std::string> verp = core::VerpAddress(record.id, identity.return_path_host))
      record.mail_from = std::move(*verp);
  }
  if (!identity.pool.empty()) record.pool = identity.pool;
}

}  // namespace herald::intake
