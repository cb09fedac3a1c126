// Naming the Herald message a report is about (report.h): from the VERP token of an envelope recipient
// at a return-path domain, else from the header of the returned original — its Message-ID
// ("<msg_…@domain>", as intake writes it), an X-Herald-Message-Id field, or a VERP Return-Path.
//
// Thread-safety: pure functions. Untrusted input: yes; only well-formed ids ("msg_" and 26 Crockford
// base32 characters, in any case, returned lowercase) are ever returned.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounces/fields.h"
#include "bounces/report.h"

namespace herald::bounces {

struct NamedMessage {
  std::optional<std::string> id;
  MessageIdSource source = MessageIdSource::kNone;
};

// The message named by the first envelope recipient that is a VERP address at a domain
// `is_return_path_domain` accepts; nothing when the predicate is unset.
NamedMessage MessageFromEnvelope(const smtp::Envelope& envelope, const ReadOptions& options);

// The message named by a returned original's header fields (Message-ID, X-Herald-Message-Id, then a
// VERP Return-Path at an accepted domain).
NamedMessage MessageFromOriginal(const std::vector<Field>& header, const ReadOptions& options);

// "msg_01jdz…" when `text` (trimmed, without angle brackets) is a message id in any case.
std::optional<std::string> AsMessageId(std::string_view text);

}  // namespace herald::bounces
