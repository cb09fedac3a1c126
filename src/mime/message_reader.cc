#include "mime/message_reader.h"

#include <chrono>
#include <string>
#include <utility>

#include "base/ascii.h"
#include "mime/gmime_support.h"
#include "mime/text_checks.h"

namespace herald::mime {
namespace {

constexpr size_t kMaxGroupDepth = 1;  // RFC 5322 groups do not nest; look one level in

// `bytes` as valid UTF-8, replacing what is not (and NUL) with U+FFFD; copies only once when valid.
std::string ToValidUtf8(std::string_view bytes) {
  if (IsValidUtf8(bytes)) return std::string(bytes);
  GCharPtr fixed(g_utf8_make_valid(bytes.data(), static_cast<gssize>(bytes.size())));
  return std::string(fixed.get());
}

std::string ToValidUtf8(const char* text) {
  return text == nullptr ? std::string() : ToValidUtf8(std::string_view(text));
}

std::string AsciiLowercase(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

void AppendMailboxes(InternetAddressList* list, std::vector<ParsedMailbox>& out, size_t group_depth = 0) {
  if (list == nullptr) return;
  int count = internet_address_list_length(list);
  for (int i = 0; i < count; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
      out.push_back({ToValidUtf8(internet_address_get_name(address)),
                     ToValidUtf8(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address)))});
    } else if (INTERNET_ADDRESS_IS_GROUP(address) && group_depth < kMaxGroupDepth) {
      AppendMailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), out,
                      group_depth + 1);
    }
  }
}

std::string BytesOf(GMimeStream* memory_stream) {
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory_stream));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

// The part's content with its transfer encoding undone and, when `from_charset` is given, converted
// from it to UTF-8 (an unknown charset is left unconverted).
std::string DecodeContent(GMimePart* part, const char* from_charset) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return {};
  GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
  GObjectPtr<GMimeStream> filtered(g_mime_stream_filter_new(sink.get()));
  if (from_charset != nullptr) {
    if (GMimeFilter* convert = g_mime_filter_charset_new(from_charset, "utf-8")) {
      g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered.get()), convert);
      g_object_unref(convert);
    }
  }
  g_mime_data_wrapper_write_to_stream(content, filtered.get());
  g_mime_stream_flush(filtered.get());
  return BytesOf(sink.get());
}

bool IsUtf8OrAscii(std::string_view charset) {
  return EqualsIgnoreCase(charset, "utf-8") || EqualsIgnoreCase(charset, "utf8") ||
         EqualsIgnoreCase(charset, "us-ascii");
}

ParsedPart ReadLeaf(GMimeObject* object) {
  ParsedPart part;
  if (GMimeContentType* type = g_mime_object_get_content_type(object)) {
    GCharPtr mime_type(g_mime_content_type_get_mime_type(type));
    if (mime_type) part.content_type = AsciiLowercase(ToValidUtf8(mime_type.get()));
  }
  const char* charset = g_mime_object_get_content_type_parameter(object, "charset");
  if (charset != nullptr) part.charset = AsciiLowercase(ToValidUtf8(charset));

  if (GMIME_IS_MESSAGE_PART(object)) {
    GMimeMessage* embedded = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    if (embedded != nullptr) {
      GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
      g_mime_object_write_to_stream(GMIME_OBJECT(embedded), nullptr, sink.get());
      part.body = BytesOf(sink.get());
    }
  } else if (GMIME_IS_PART(object)) {
    GMimePart* leaf = GMIME_PART(object);
    part.filename = ToValidUtf8(g_mime_part_get_filename(leaf));
    part.is_text = GMIME_IS_TEXT_PART(object);
    bool convert = part.is_text && charset != nullptr && !IsUtf8OrAscii(charset);
    part.body = DecodeContent(leaf, convert ? charset : nullptr);
    if (part.is_text) part.body = ToValidUtf8(part.body);
  }
  return part;
}

Status ReadParts(GMimeObject* root, const ParseLimits& limits, std::vector<ParsedPart>& out) {
  struct Pending {
    GMimeObject* object;
    size_t depth;
  };
  // An explicit stack, so hostile nesting cannot exhaust the call stack.
  std::vector<Pending> pending;
  if (root != nullptr) pending.push_back({root, 0});
  size_t seen = 0;
  while (!pending.empty()) {
    Pending next = pending.back();
    pending.pop_back();
    if (++seen > limits.max_parts) {
      return Status::ResourceExhausted("message has more than " + std::to_string(limits.max_parts) +
                                       " parts");
    }
    if (!GMIME_IS_MULTIPART(next.object)) {
      out.push_back(ReadLeaf(next.object));
      continue;
    }
    if (next.depth >= limits.max_depth) {
      return Status::ResourceExhausted("multiparts nest deeper than " + std::to_string(limits.max_depth));
    }
    GMimeMultipart* multipart = GMIME_MULTIPART(next.object);
    int count = g_mime_multipart_get_count(multipart);
    if (count < 0 || seen + pending.size() + static_cast<size_t>(count) > limits.max_parts) {
      return Status::ResourceExhausted("message has more than " + std::to_string(limits.max_parts) +
                                       " parts");
    }
    for (int i = count - 1; i >= 0; --i)
      pending.push_back({g_mime_multipart_get_part(multipart, i), next.depth + 1});
  }
  return Status::Ok();
}

void AppendHeaders(GMimeObject* object, std::vector<Header>& out) {
  if (object == nullptr) return;
  GMimeHeaderList* list = g_mime_object_get_header_list(object);
  int count = g_mime_header_list_get_count(list);
  for (int i = 0; i < count; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
    out.push_back(
        {ToValidUtf8(g_mime_header_get_name(header)), ToValidUtf8(g_mime_header_get_value(header))});
  }
}

}  // namespace

Result<ParsedMessage> ParseMessage(std::string_view raw, const ParseLimits& limits) {
  if (raw.size() > limits.max_bytes) {
    return Status::ResourceExhausted("message is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  EnsureGMimeInitialized();
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!message) return Status::InvalidArgument("no MIME message could be read");

  ParsedMessage parsed;
  parsed.subject = ToValidUtf8(g_mime_message_get_subject(message.get()));
  AppendMailboxes(g_mime_message_get_from(message.get()), parsed.from);
  AppendMailboxes(g_mime_message_get_to(message.get()), parsed.to);
  parsed.message_id = ToValidUtf8(g_mime_message_get_message_id(message.get()));
  if (GDateTime* date = g_mime_message_get_date(message.get())) {
    // GLib reads years up to 9999; TimePoint (64-bit nanoseconds) ends in 2262. A date it cannot hold
    // is left unread rather than overflowing.
    constexpr int64_t kMaxSeconds =
        std::chrono::duration_cast<std::chrono::seconds>(TimePoint::duration::max()).count();
    int64_t seconds = g_date_time_to_unix(date);
    if (seconds >= -kMaxSeconds && seconds <= kMaxSeconds)
      parsed.date = TimePoint(std::chrono::seconds(seconds));
  }
  // GMime keeps the top-level Content-* fields with the body part, not the message.
  GMimeObject* body = g_mime_message_get_mime_part(message.get());
  AppendHeaders(GMIME_OBJECT(message.get()), parsed.headers);
  AppendHeaders(body, parsed.headers);
  HERALD_RETURN_IF_ERROR(ReadParts(body, limits, parsed.parts));
  return parsed;
}

}  // namespace herald::mime
