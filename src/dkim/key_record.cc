// KeyRecord and ParseKeyRecord (key.h): the text of a DKIM key record.
#include <string>

#include "dkim/base64.h"
#include "dkim/key.h"
#include "dkim/tag_list.h"

namespace herald::dkim {

std::string KeyRecord(Algorithm algorithm, std::string_view public_key) {
  std::string record = "v=DKIM1; k=";
  record += KeyType(algorithm);
  record += "; p=";
  record += public_key;
  return record;
}

Result<KeyRecordFields> ParseKeyRecord(std::string_view txt) {
  Result<std::vector<Tag>> tags = ParseTagList(txt);
  if (!tags.ok()) return Status::InvalidArgument("not a DKIM key record: " + tags.status().message());
  KeyRecordFields fields;
  if (std::optional<std::string_view> version = FindTag(*tags, "v")) {
    if (tags->front().name != "v" || *version != "DKIM1") {
      return Status::InvalidArgument("not a DKIM key record: v= must come first and be DKIM1");
    }
    fields.version = *version;
  }
  fields.key_type = FindTag(*tags, "k").value_or("rsa");
  std::optional<std::string_view> public_key = FindTag(*tags, "p");
  if (!public_key) return Status::InvalidArgument("not a DKIM key record: no p= tag");
  fields.public_key = WithoutWhitespace(*public_key);
  if (!Base64Decode(fields.public_key))
    return Status::InvalidArgument("not a DKIM key record: p= is not base64");
  return fields;
}

}  // namespace herald::dkim
