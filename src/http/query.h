// Request targets: splitting "/path?query", percent-decoding, and parsing a query string into
// name → value pairs.
//
// Thread-safety: pure functions and plain values. Untrusted input: targets come from peers; every
// function here accepts any bytes, and ParseQuery bounds the work by QueryLimits. Decoded text may
// hold any byte (even NUL or invalid UTF-8): callers validate what they use and clean it with
// herald::Printable before logging.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace herald::http {

// "/v1/messages?limit=5" → "/v1/messages".
std::string_view TargetPath(std::string_view target);
// "/v1/messages?limit=5" → "limit=5"; "" when there is no '?'. A stray "#fragment" is dropped.
std::string_view TargetQuery(std::string_view target);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in query strings). Nullopt when
// a '%' is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

struct QueryLimits {
  size_t max_params = 64;
  size_t max_bytes = 8 * 1024;  // of the raw query string
};

// The parameters of a query string, in their order; a name may repeat.
class QueryParams {
 public:
  using Entry = std::pair<std::string, std::string>;

  // The first value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Every value of `name`, in order ("tag=a&tag=b").
  std::vector<std::string_view> GetAll(std::string_view name) const;

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  friend Result<QueryParams> ParseQuery(std::string_view query, const QueryLimits& limits);
  std::vector<Entry> entries_;
};

// Parses "a=1&b=two+words&flag" (as in application/x-www-form-urlencoded): names and values are
// percent-decoded with '+' as a space, a name without '=' has the value "", empty pieces are skipped.
// InvalidArgument on malformed escapes or when a limit is passed.
Result<QueryParams> ParseQuery(std::string_view query, const QueryLimits& limits = {});

}  // namespace herald::http
