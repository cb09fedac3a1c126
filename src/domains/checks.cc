#include "domains/checks.h"

#include <algorithm>
#include <set>

#include "base/printable.h"
#include "dkim/key.h"

namespace herald::domains {
namespace {

using core::RecordStatus;

constexpr size_t kFoundShown = 10;         // records kept in `found`
constexpr size_t kFoundBytes = 512;        // bytes kept of each

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The words of `text`, lowercased, split at runs of spaces and tabs.
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  size_t at = 0;
  while (at < text.size()) {
    size_t start = text.find_first_not_of(" \t", at);
    if (start == std::string_view::npos) break;
    size_t end = std::min(text.find_first_of(" \t", start), text.size());
    words.push_back(Lower(text.substr(start, end - start)));
    at = end;
  }
  return words;
}

// The tags of a tag=value list ("v=DMARC1; p=none"), each trimmed and lowercased.
std::vector<std::string> Tags(std::string_view text) {
  std::vector<std::string> tags;
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = std::min(text.find(';', at), text.size());
    std::string_view tag = text.substr(at, end - at);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (!tag.empty()) tags.push_back(Lower(tag));
    at = end + 1;
  }
  return tags;
}

// Whether `text` begins with `tag` ("v=spf1", "v=DMARC1"; any case) as a whole word.
bool StartsWithTag(std::string_view text, std::string_view tag) {
  if (text.size() < tag.size() || Lower(text.substr(0, tag.size())) != Lower(tag)) return false;
  return text.size() == tag.size() || text[tag.size()] == ' ' || text[tag.size()] == '\t' || text[tag.size()] == ';';
}

// The check of a failed lookup, or nullopt when there is an answer to look at.
template <typename Answer>
std::optional<Check> Failed(const Result<Answer>& answer) {
  if (answer.ok()) return std::nullopt;
  return Check{RecordStatus::kError, {Printable(answer.status().message(), kFoundBytes)}};
}

template <typename Answer>
bool NothingThere(const Answer& answer) {
  return answer.kind == dns::AnswerKind::kNoData || answer.kind == dns::AnswerKind::kNxDomain;
}

std::vector<std::string> Shown(const std::vector<std::string>& texts) {
  std::vector<std::string> shown;
  for (size_t i = 0; i < texts.size() && i < kFoundShown; ++i) shown.push_back(Printable(texts[i], kFoundBytes));
  return shown;
}

// The TXT records of the answer that start with `tag` ("v=spf1", "v=DMARC1"); `check` gets the
// whole answer's texts as found.
std::vector<std::string> Tagged(const dns::TxtAnswer& answer, std::string_view tag) {
  std::vector<std::string> tagged;
  for (const std::string& text : answer.texts) {
    if (StartsWithTag(text, tag)) tagged.push_back(text);
  }
  return tagged;
}

}  // namespace

Check CheckDkim(const core::DnsRecord& expected, const Result<dns::TxtAnswer>& answer) {
  if (auto failed = Failed(answer)) return *failed;
  if (NothingThere(*answer)) return {RecordStatus::kMissing, {}};
  Result<dkim::KeyRecordFields> want = dkim::ParseKeyRecord(expected.value);
  for (const std::string& text : answer->texts) {
    Result<dkim::KeyRecordFields> have = dkim::ParseKeyRecord(text);
    if (want.ok() && have.ok() && Lower(have->key_type) == Lower(want->key_type) &&
        have->public_key == want->public_key) {
      return {RecordStatus::kOk, Shown({text})};
    }
  }
  return {RecordStatus::kWrong, Shown(answer->texts)};
}

Check CheckSpf(const core::DnsRecord& expected, const Result<dns::TxtAnswer>& answer) {
  if (auto failed = Failed(answer)) return *failed;
  if (NothingThere(*answer)) return {RecordStatus::kMissing, {}};
  std::vector<std::string> spf = Tagged(*answer, "v=spf1");
  if (spf.empty()) return {RecordStatus::kMissing, Shown(answer->texts)};
  if (spf.size() > 1) return {RecordStatus::kWrong, Shown(spf)};
  std::vector<std::string> have = Words(spf.front());
  std::set<std::string> present(have.begin(), have.end());
  for (const std::string& mechanism : Words(expected.value)) {
    if (mechanism == "v=spf1" || mechanism.ends_with("all")) continue;
    if (!present.contains(mechanism)) return {RecordStatus::kWrong, Shown(spf)};
  }
  return {RecordStatus::kOk, Shown(spf)};
}

Check CheckReturnPath(const core::DnsRecord& expected, const Result<dns::MxAnswer>& answer) {
  if (auto failed = Failed(answer)) return *failed;
  if (NothingThere(*answer)) return {RecordStatus::kMissing, {}};
  if (answer->kind == dns::AnswerKind::kNullMx) return {RecordStatus::kWrong, {"0 ."}};
  const std::vector<std::string> want = Words(expected.value);  // {"10", "<host>"}
  std::vector<std::string> found;
  bool ok = false;
  for (const dns::MxRecord& mx : answer->records) {
    found.push_back(std::to_string(mx.preference) + " " + mx.host);
    ok = ok || (want.size() == 2 && dns::EqualNames(mx.host, want[1]));
  }
  return {ok ? RecordStatus::kOk : RecordStatus::kWrong, Shown(found)};
}

Check CheckTracking(const core::DnsRecord& expected, const Result<dns::CnameAnswer>& answer) {
  if (auto failed = Failed(answer)) return *failed;
  if (answer->kind == dns::AnswerKind::kNxDomain) return {RecordStatus::kMissing, {}};
  if (answer->kind == dns::AnswerKind::kNoData) return {RecordStatus::kWrong, {"no CNAME record"}};
  const bool ok = dns::EqualNames(answer->target, expected.value);
  return {ok ? RecordStatus::kOk : RecordStatus::kWrong, Shown({answer->target})};
}

Check CheckDmarc(const core::DnsRecord&, const Result<dns::TxtAnswer>& answer) {
  if (auto failed = Failed(answer)) return *failed;
  if (NothingThere(*answer)) return {RecordStatus::kMissing, {}};
  std::vector<std::string> dmarc = Tagged(*answer, "v=DMARC1");
  if (dmarc.empty()) return {RecordStatus::kMissing, Shown(answer->texts)};
  if (dmarc.size() > 1) return {RecordStatus::kWrong, Shown(dmarc)};
  bool has_policy = false;
  for (const std::string& tag : Tags(dmarc.front())) has_policy = has_policy || tag.starts_with("p=");
  return {has_policy ? RecordStatus::kOk : RecordStatus::kWrong, Shown(dmarc)};
}

}  // namespace herald::domains
