#include "delivery/envelope.h"

#include "core/address.h"
#include "core/verp.h"

namespace herald::delivery {

Envelope EnvelopeOf(const core::MessageRecord& record, std::string_view return_path_domain) {
  Envelope envelope{record.mail_from, record.rcpt_to, record.smtputf8};
  const bool own_verp = core::ParseVerpAddress(record.mail_from, core::DomainOf(record.mail_from)) == record.id;
  if (!return_path_domain.empty() && !record.mail_from.empty() && !own_verp) {
    if (std::optional<std::string> verp = core::VerpAddress(record.id, return_path_domain))
      envelope.mail_from = std::move(*verp);
  }
  return envelope;
}

}  // namespace herald::delivery
