#include "core/sending_domain.h"

#include "core/enum_names.h"

namespace herald::core {
namespace {

constexpr EnumNames<DomainPurpose, 2> kPurposes = {{
    {DomainPurpose::kTransactional, "transactional"},
    {DomainPurpose::kMarketing, "marketing"},
}};

constexpr EnumNames<DomainStatus, 2> kStatuses = {{
    {DomainStatus::kPending, "pending"},
    {DomainStatus::kVerified, "verified"},
}};

constexpr EnumNames<RecordPurpose, 5> kRecordPurposes = {{
    {RecordPurpose::kDkim, "dkim"},
    {RecordPurpose::kSpf, "spf"},
    {RecordPurpose::kReturnPath, "return_path"},
    {RecordPurpose::kTracking, "tracking"},
    {RecordPurpose::kDmarc, "dmarc"},
}};

constexpr EnumNames<RecordStatus, 5> kRecordStatuses = {{
    {RecordStatus::kUnchecked, "unchecked"},
    {RecordStatus::kOk, "ok"},
    {RecordStatus::kMissing, "missing"},
    {RecordStatus::kWrong, "wrong"},
    {RecordStatus::kError, "error"},
}};

constexpr EnumNames<DkimKeyState, 3> kKeyStates = {{
    {DkimKeyState::kActive, "active"},
    {DkimKeyState::kPending, "pending"},
    {DkimKeyState::kRetired, "retired"},
}};

}  // namespace

std::string_view ToString(DomainPurpose purpose) { return NameOf(kPurposes, purpose); }
std::optional<DomainPurpose> ParseDomainPurpose(std::string_view text) { return ValueOf(kPurposes, text); }
std::string_view ToString(DomainStatus status) { return NameOf(kStatuses, status); }
std::optional<DomainStatus> ParseDomainStatus(std::string_view text) { return ValueOf(kStatuses, text); }
std::string_view ToString(RecordPurpose purpose) { return NameOf(kRecordPurposes, purpose); }
std::optional<RecordPurpose> ParseRecordPurpose(std::string_view text) { return ValueOf(kRecordPurposes, text); }
std::string_view ToString(RecordStatus status) { return NameOf(kRecordStatuses, status); }
std::optional<RecordStatus> ParseRecordStatus(std::string_view text) { return ValueOf(kRecordStatuses, text); }
std::string_view ToString(DkimKeyState state) { return NameOf(kKeyStates, state); }
std::optional<DkimKeyState> ParseDkimKeyState(std::string_view text) { return ValueOf(kKeyStates, text); }

}  // namespace herald::core
