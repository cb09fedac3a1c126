#include "bounces/fields.h"

#include <utility>

#include "base/ascii.h"
#include "bounces/text_scan.h"
#include "mime/text_checks.h"

namespace herald::bounces {
namespace {

constexpr size_t kMaxFieldNameBytes = 76;

bool IsBlank(std::string_view line) { return Trim(line).empty(); }
bool IsContinuation(std::string_view line) { return !line.empty() && (line[0] == ' ' || line[0] == '\t'); }

// Appends `more` to `value` without passing `max_bytes`, cutting at a UTF-8 character boundary.
void AppendCut(std::string& value, std::string_view more, size_t max_bytes) {
  if (value.size() >= max_bytes) return;
  size_t room = max_bytes - value.size();
  if (more.size() > room) {
    while (room > 0 && (static_cast<unsigned char>(more[room]) & 0xc0) == 0x80) --room;
    more = more.substr(0, room);
  }
  value.append(more);
}

// Builds the fields of one block from its lines; `stop_at_non_field` ends the block at a line that is
// neither a field nor a continuation (a header), otherwise such lines are skipped (a DSN group).
class BlockReader {
 public:
  BlockReader(const FieldLimits& limits, size_t& budget) : limits_(limits), budget_(budget) {}

  // False when the line ends the block.
  bool Add(std::string_view line, bool stop_at_non_field) {
    if (IsContinuation(line) && extending_) {
      std::string_view more = Trim(line);
      std::string& value = fields_.back().value;
      if (!more.empty()) {
        if (!value.empty()) AppendCut(value, " ", limits_.max_field_bytes);
        AppendCut(value, more, limits_.max_field_bytes);
      }
      return true;
    }
    extending_ = false;
    if (!IsFieldLine(line)) return !stop_at_non_field;
    if (budget_ == 0) return true;
    --budget_;
    size_t colon = line.find(':');
    Field field{std::string(Trim(line.substr(0, colon))), {}};
    AppendCut(field.value, Trim(line.substr(colon + 1)), limits_.max_field_bytes);
    fields_.push_back(std::move(field));
    extending_ = true;
    return true;
  }

  std::vector<Field> Take() {
    extending_ = false;
    return std::exchange(fields_, {});
  }

 private:
  const FieldLimits& limits_;
  size_t& budget_;
  std::vector<Field> fields_;
  bool extending_ = false;  // continuation lines extend fields_.back()
};

}  // namespace

bool IsFieldLine(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  std::string_view name = line.substr(0, colon);
  // "Name :" (a space before the colon) is tolerated, as old MTAs wrote it.
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxFieldNameBytes) return false;
  for (char c : name) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return true;
}

std::vector<Field> ReadHeaderBlock(std::string_view text, const FieldLimits& limits) {
  size_t budget = limits.max_fields;
  BlockReader reader(limits, budget);
  for (std::string_view line : Lines(text)) {
    if (line.empty() || !reader.Add(line, /*stop_at_non_field=*/true)) break;
  }
  return reader.Take();
}

std::vector<std::vector<Field>> ReadFieldGroups(std::string_view text, const FieldLimits& limits) {
  std::vector<std::vector<Field>> groups;
  size_t budget = limits.max_fields;
  BlockReader reader(limits, budget);
  auto close_group = [&] {
    std::vector<Field> group = reader.Take();
    if (!group.empty()) groups.push_back(std::move(group));
  };
  for (std::string_view line : Lines(text)) {
    if (IsBlank(line)) {
      close_group();
      continue;
    }
    (void)reader.Add(line, /*stop_at_non_field=*/false);
  }
  close_group();
  return groups;
}

const std::string* FindField(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& field : fields) {
    if (EqualsIgnoreCase(field.name, name)) return &field.value;
  }
  return nullptr;
}

std::vector<std::string_view> FindFields(const std::vector<Field>& fields, std::string_view name) {
  std::vector<std::string_view> values;
  for (const Field& field : fields) {
    if (EqualsIgnoreCase(field.name, name)) values.push_back(field.value);
  }
  return values;
}

}  // namespace herald::bounces
