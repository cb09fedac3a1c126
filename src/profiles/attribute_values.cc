#include "profiles/attribute_values.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "base/time_format.h"
#include "core/address.h"

namespace herald::profiles {
namespace {

using core::AttributeType;
using nlohmann::json;

constexpr size_t kMaxStringBytes = 4096;
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53);
constexpr size_t kMaxDecimalDigits = 30;
constexpr size_t kMaxPhoneBytes = 64;

Status Invalid(std::string why) { return Status::InvalidArgument(std::move(why)); }

bool ValidUtf8WithoutControls(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) return false;
      ++i;
      continue;
    }
    const size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (length == 0 || c > 0xf4 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

bool IsDecimalText(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  auto digits = [](std::string_view s) { return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  if (whole.empty() || !digits(whole) || !digits(fraction)) return false;
  if (dot != std::string_view::npos && fraction.empty()) return false;
  return whole.size() + fraction.size() <= kMaxDecimalDigits;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool IsDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  auto number = [&](size_t at, size_t n, int& out) {
    return std::from_chars(text.data() + at, text.data() + at + n, out).ptr == text.data() + at + n;
  };
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && IsLeapYear(y) ? 1 : 0);
}

Result<json> FromString(const core::AttributeDef& def, const std::string& text) {
  switch (def.type) {
    case AttributeType::kString:
      if (text.size() > kMaxStringBytes || !ValidUtf8WithoutControls(text))
        return Invalid("a string of at most 4096 bytes of UTF-8 without control characters");
      return json(text);
    case AttributeType::kDecimal:
      if (!IsDecimalText(text)) return Invalid("a decimal number such as 12.50 (at most 30 digits)");
      return json(text.front() == '+' ? text.substr(1) : text);
    case AttributeType::kDate:
      if (!IsDate(text)) return Invalid("a date YYYY-MM-DD");
      return json(text);
    case AttributeType::kDatetime: {
      std::optional<TimePoint> at = ParseRfc3339(text);
      if (!at) return Invalid("an RFC 3339 date and time with a time zone, e.g. 2026-12-01T10:00:00Z");
      return json(FormatRfc3339(*at));
    }
    case AttributeType::kEmail: {
      Result<core::EmailAddress> address = core::ParseAddrSpec(text);
      if (!address.ok()) return Invalid("an e-mail address such as jane@example.com");
      return json(address->local + "@" + core::AsciiLower(address->domain));
    }
    case AttributeType::kPhone: {
      Result<std::string> number = E164(text);
      if (!number.ok()) return number.status();
      return json(*number);
    }
    case AttributeType::kEnum:
      if (std::find(def.values.begin(), def.values.end(), text) == def.values.end())
        return Invalid("one of the attribute's values");
      return json(text);
    case AttributeType::kInteger:
    case AttributeType::kBoolean:
      break;
  }
  return Invalid("a value of type " + std::string(core::ToString(def.type)));
}

}  // namespace

Result<std::string> E164(std::string_view text) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const char* kWhat = "an international phone number such as +32 475 12 34 56";
  if (text.size() > kMaxPhoneBytes || text.empty() || text.front() != '+') return Invalid(kWhat);
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(text), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR || !util.IsValidNumber(number))
    return Invalid(kWhat);
  std::string formatted;
  util.Format(number, PhoneNumberUtil::E164, &formatted);
  return formatted;
}

Result<json> CanonicalValue(const core::AttributeDef& def, const json& value) {
  switch (def.type) {
    case AttributeType::kInteger:
      if (!value.is_number_integer()) return Invalid("an integer");
      if (value.is_number_unsigned() ? value.get<uint64_t>() > uint64_t(kMaxSafeInteger)
                                     : std::abs(value.get<int64_t>()) > kMaxSafeInteger) {
        return Invalid("an integer within ±2^53");
      }
      return json(value.get<int64_t>());
    case AttributeType::kBoolean:
      if (value.is_boolean()) return value;
      return Invalid("true or false");
    case AttributeType::kDecimal:
      if (value.is_number()) {
        const double d = value.get<double>();
        if (!std::isfinite(d)) return Invalid("a decimal number");
        return FromString(def, value.dump());
      }
      if (value.is_string()) return FromString(def, value.get<std::string>());
      return Invalid("a decimal number such as 12.50");
    default:
      if (!value.is_string()) return Invalid("a string: " + std::string(core::ToString(def.type)));
      return FromString(def, value.get<std::string>());
  }
}

Result<json> CanonicalValueFromText(const core::AttributeDef& def, std::string_view text) {
  if (text.empty()) return json(nullptr);
  switch (def.type) {
    case AttributeType::kInteger: {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || end != text.data() + text.size()) return Invalid("an integer");
      return CanonicalValue(def, json(n));
    }
    case AttributeType::kBoolean: {
      std::string lower = core::AsciiLower(text);
      if (lower == "true" || lower == "1" || lower == "yes") return json(true);
      if (lower == "false" || lower == "0" || lower == "no") return json(false);
      return Invalid("true or false");
    }
    default:
      return CanonicalValue(def, json(std::string(text)));
  }
}

Result<json> CanonicalAttributes(const core::ProfileTable& table, const json& attributes) {
  return CanonicalValues(table.attributes, table.name, "attributes", "attribute", attributes);
}

Result<json> CanonicalValues(const std::vector<core::AttributeDef>& defs, std::string_view table_name,
                             std::string_view list, std::string_view noun, const json& values) {
  if (!values.is_object()) return Invalid(std::string(list) + ": an object");
  json out = json::object();
  for (const auto& [name, value] : values.items()) {
    const core::AttributeDef* def = core::FindAttributeDef(defs, name);
    if (def == nullptr) return Invalid(name + ": the table " + std::string(table_name) + " has no such " + std::string(noun));
    if (value.is_null()) {
      out[name] = nullptr;
      continue;
    }
    Result<json> canonical = CanonicalValue(*def, value);
    if (!canonical.ok()) return Invalid(name + ": " + canonical.status().message());
    out[name] = std::move(*canonical);
  }
  return out;
}

}  // namespace herald::profiles
