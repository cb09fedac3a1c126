// Attribute values as callers send them (JSON from the API, text from a CSV file), made canonical
// for their type (core/profile.h says each type's stored form), or refused with the reason.
//
//   string    a JSON string of at most 4,096 bytes of UTF-8 without control characters (TAB and LF allowed)
//   integer   a JSON integer (or text of one), within ±2^53 so that every JSON reader keeps it exact
//   decimal   a JSON number or text "-12.50" (at most 30 digits), kept exactly as written
//   boolean   true/false (text also "1"/"0", "yes"/"no", any case)
//   date      "YYYY-MM-DD", a real calendar day
//   datetime  RFC 3339 with a time zone, stored in UTC ("2026-12-01T10:00:00.000Z")
//   email     an addr-spec (core/address.h), its domain lowercased
//   phone     an international number (leading "+"; spaces, dots, dashes and brackets allowed),
//             valid for its country by libphonenumber, stored as E.164 ("+32475123456")
//   enum      one of the attribute's values, exactly
//
// Thread-safety: pure functions (libphonenumber's PhoneNumberUtil is a thread-safe singleton).
// Untrusted input: yes, any JSON and any text.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/profile.h"

namespace herald::profiles {

// InvalidArgument whose message says what the value should be (without repeating the value).
Result<nlohmann::json> CanonicalValue(const core::AttributeDef& def, const nlohmann::json& value);
// The same, from text (a CSV cell); an empty cell is "no value": null.
Result<nlohmann::json> CanonicalValueFromText(const core::AttributeDef& def, std::string_view text);

// Every member of `attributes` (a JSON object) made canonical; null members stay null (they remove
// the attribute). InvalidArgument "<attribute>: <why>" for the first bad one, or an unknown attribute.
Result<nlohmann::json> CanonicalAttributes(const core::ProfileTable& table, const nlohmann::json& attributes);
// The same over any typed definitions (an interaction table's columns): InvalidArgument "<name>:
// <why>", or "<name>: the table <table_name> has no such <noun>", or "<list>: an object".
Result<nlohmann::json> CanonicalValues(const std::vector<core::AttributeDef>& defs, std::string_view table_name,
                                       std::string_view list, std::string_view noun, const nlohmann::json& values);

// "+32 475 12 34 56" → "+32475123456". InvalidArgument for a number that is not international or not
// valid for its country.
Result<std::string> E164(std::string_view text);

}  // namespace herald::profiles
