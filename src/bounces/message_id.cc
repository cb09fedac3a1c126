#include "bounces/message_id.h"

#include "bounces/text_scan.h"
#include "core/address.h"
#include "core/verp.h"

namespace herald::bounces {
namespace {

// The VERP address `address` names a message when its domain is a return-path domain.
std::optional<std::string> FromVerpAddress(std::string_view address, const ReadOptions& options) {
  if (!options.is_return_path_domain) return std::nullopt;
  std::string domain = core::DomainOf(address);
  if (domain.empty() || !options.is_return_path_domain(domain)) return std::nullopt;
  return core::ParseVerpAddress(address, domain);
}

std::string_view WithoutAngles(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() == '<') text.remove_prefix(1);
  size_t close = text.find('>');
  if (close != std::string_view::npos) text = text.substr(0, close);
  return Trim(text);
}

}  // namespace

std::optional<std::string> AsMessageId(std::string_view text) {
  text = WithoutAngles(text);
  // core::VerpAddress accepts exactly the message ids (and lowercases the token): reuse its check.
  std::string lowered = core::AsciiLower(text);
  if (!core::VerpAddress(lowered, "invalid").has_value()) return std::nullopt;
  return lowered;
}

NamedMessage MessageFromEnvelope(const smtp::Envelope& envelope, const ReadOptions& options) {
  for (const smtp::Path& recipient : envelope.rcpt_to) {
    if (std::optional<std::string> id = FromVerpAddress(recipient.address.AddrSpec(), options))
      return {std::move(id), MessageIdSource::kVerpRecipient};
  }
  return {};
}

NamedMessage MessageFromOriginal(const std::vector<Field>& header, const ReadOptions& options) {
  if (const std::string* message_id = FindField(header, "Message-ID")) {
    std::string_view value = WithoutAngles(*message_id);
    if (std::optional<std::string> id = AsMessageId(value.substr(0, value.find('@'))))
      return {std::move(id), MessageIdSource::kOriginalMessageId};
  }
  if (const std::string* herald_id = FindField(header, "X-Herald-Message-Id")) {
    if (std::optional<std::string> id = AsMessageId(*herald_id))
      return {std::move(id), MessageIdSource::kOriginalHeraldHeader};
  }
  for (std::string_view return_path : FindFields(header, "Return-Path")) {
    if (std::optional<std::string> address = FirstAddress(return_path)) {
      if (std::optional<std::string> id = FromVerpAddress(*address, options))
        return {std::move(id), MessageIdSource::kOriginalReturnPath};
    }
  }
  return {};
}

}  // namespace herald::bounces
