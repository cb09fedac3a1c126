#include "mime/message_builder.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

#include "base/random.h"
#include "mime/body_encoding.h"
#include "mime/gmime_support.h"
#include "mime/text_checks.h"
#include "mime/wire_format.h"

namespace herald::mime {
namespace {

constexpr const char* kCharset = "utf-8";
constexpr size_t kBoundaryRandomBytes = 16;
// Far above any configured message size; keeps GLib's 32-bit buffer sizes from overflowing.
constexpr size_t kMaxBodyBytes = 256u << 20;

Status ValidateMailbox(const core::EmailAddress& address, std::string_view field) {
  Result<core::EmailAddress> parsed = core::ParseAddrSpec(address.AddrSpec());
  if (!parsed.ok()) {
    return Status::InvalidArgument(std::string(field) + " address: " + parsed.status().message());
  }
  Status name = core::ValidateDisplayName(address.display_name);
  if (!name.ok()) return Status::InvalidArgument(std::string(field) + " display " + name.message());
  return Status::Ok();
}

bool IsDotAtomText(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '.' ? text[i - 1] == '.' : !IsAtext(c)) return false;
  }
  return true;
}

// RFC 5322 msg-id without its brackets, restricted to the dot-atom form Herald generates.
Status ValidateMessageId(std::string_view id) {
  size_t at = id.find('@');
  if (id.size() > kMaxMessageIdBytes || at == std::string_view::npos || !IsDotAtomText(id.substr(0, at)) ||
      !IsDotAtomText(id.substr(at + 1))) {
    return Status::InvalidArgument("message_id must be \"left@right\" of at most 250 ASCII atext characters");
  }
  return Status::Ok();
}

Status ValidateContent(const MessageContent& content) {
  HERALD_RETURN_IF_ERROR(ValidateMailbox(content.from, "from"));
  HERALD_RETURN_IF_ERROR(ValidateMailbox(content.to, "to"));
  if (content.reply_to) HERALD_RETURN_IF_ERROR(ValidateMailbox(*content.reply_to, "reply_to"));
  if (content.subject.size() > kMaxSubjectBytes) {
    return Status::InvalidArgument("subject is longer than 998 bytes");
  }
  if (!IsValidUtf8(content.subject)) return Status::InvalidArgument("subject is not valid UTF-8");
  if (HasControlCharacter(content.subject)) {
    return Status::InvalidArgument("subject contains a line break or control character");
  }
  if (content.html.empty() && content.text.empty()) {
    return Status::InvalidArgument("both html and text are empty");
  }
  if (content.html.size() > kMaxBodyBytes || content.text.size() > kMaxBodyBytes) {
    return Status::InvalidArgument("html or text is larger than 256 MiB");
  }
  // The bodies' UTF-8 is checked while they are prepared (MakeTextPart), in the same pass.
  for (const Header& header : content.headers) HERALD_RETURN_IF_ERROR(ValidateHeader(header));
  for (const Attachment& attachment : content.attachments) HERALD_RETURN_IF_ERROR(ValidateAttachment(attachment));
  return ValidateMessageId(content.message_id);
}

bool IsToken(std::string_view text) {
  // RFC 2045 token: printable ASCII but space and tspecials.
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c > 0x20 && c < 0x7f && std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
  });
}

// An attachment part whose body is, for now, `placeholder` alone: Splice puts the encoded bytes in its
// place once GMime has written the message, so that neither GMime's filters nor ToWire go over them.
GObjectPtr<GMimeObject> MakeAttachmentPart(const Attachment& attachment, const std::string& placeholder) {
  const size_t slash = attachment.content_type.find('/');
  const std::string type = attachment.content_type.substr(0, slash);
  const std::string subtype = attachment.content_type.substr(slash + 1);
  GObjectPtr<GMimePart> part(g_mime_part_new_with_type(type.c_str(), subtype.c_str()));
  const std::string line = placeholder + "\n";
  ByteArrayPtr bytes(g_byte_array_sized_new(static_cast<guint>(line.size())));
  g_byte_array_append(bytes.get(), reinterpret_cast<const guint8*>(line.data()), static_cast<guint>(line.size()));
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_byte_array(bytes.release()));
  // Encoded already, as the part says: GMime writes the line as it is.
  GObjectPtr<GMimeDataWrapper> content(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_BASE64));
  g_mime_part_set_content(part.get(), content.get());
  g_mime_part_set_content_encoding(part.get(), GMIME_CONTENT_ENCODING_BASE64);
  g_mime_object_set_disposition(GMIME_OBJECT(part.get()), "attachment");
  g_mime_part_set_filename(part.get(), attachment.filename.c_str());
  return GObjectPtr<GMimeObject>(GMIME_OBJECT(part.release()));
}

// A line of base64 characters no text part can hold by chance (24 random base32 characters after a
// fixed prefix), one per attachment.
std::string NewPlaceholder() {
  unsigned char random[15];
  RandomBytes(random, sizeof random);
  return "HeraldAttachment" + Base32(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
}

// `wire` with each attachment's placeholder line replaced by its base64 lines, in order.
Result<BuiltMessage> Splice(std::string_view wire, const std::vector<Attachment>& attachments,
                            const std::vector<std::string>& placeholders) {
  size_t size = wire.size();
  for (const Attachment& attachment : attachments) size += Base64LinesSize(attachment.content.size());
  BuiltMessage built;
  std::string& out = built.wire;
  out.reserve(size);
  size_t copied = 0;
  for (size_t i = 0; i < attachments.size(); ++i) {
    const std::string line = placeholders[i] + "\r\n";
    const size_t at = wire.find(line, copied);
    if (at == std::string_view::npos) return Status::Internal("an attachment's place was lost in the message");
    out.append(wire.substr(copied, at - copied));
    const size_t start = out.size();
    AppendBase64Lines(attachments[i].content, out);
    built.attachment_bodies.push_back({start, out.size() - start});
    copied = at + line.size();
  }
  out.append(wire.substr(copied));
  return built;
}

void AddMailbox(GMimeMessage* message, GMimeAddressType type, const core::EmailAddress& address) {
  std::string addr_spec = address.AddrSpec();
  InternetAddress* mailbox = internet_address_mailbox_new(address.display_name.c_str(), addr_spec.c_str());
  // Without this GMime picks ISO-8859-1 for names it can hold; UTF-8 everywhere is simpler to read back.
  internet_address_set_charset(mailbox, kCharset);
  internet_address_list_add(g_mime_message_get_addresses(message, type), mailbox);
  g_object_unref(mailbox);
}

GMimeContentEncoding ToGMime(TransferEncoding encoding) {
  switch (encoding) {
    case TransferEncoding::k7Bit:
      return GMIME_CONTENT_ENCODING_7BIT;
    case TransferEncoding::kQuotedPrintable:
      return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
    case TransferEncoding::kBase64:
      return GMIME_CONTENT_ENCODING_BASE64;
  }
  return GMIME_CONTENT_ENCODING_BASE64;
}

// A text/<subtype>; charset=utf-8 part holding `body` (line ends made uniform) with the transfer
// encoding it calls for. InvalidArgument, naming `field`, when `body` is not valid UTF-8 or holds NUL.
Result<GObjectPtr<GMimeObject>> MakeTextPart(const char* subtype, std::string_view body,
                                             std::string_view field) {
  // NormalizeBody never lengthens the text, so this buffer is never reallocated.
  ByteArrayPtr bytes(g_byte_array_sized_new(static_cast<guint>(body.size() + 1)));
  auto append_to = [](GByteArray* array) {
    return [array](const char* data, size_t size) {
      g_byte_array_append(array, reinterpret_cast<const guint8*>(data), static_cast<guint>(size));
    };
  };
  std::optional<BodyStats> stats = NormalizeBody(body, append_to(bytes.get()));
  if (!stats) return Status::InvalidArgument(std::string(field) + " is not valid UTF-8 or contains NUL");
  TransferEncoding encoding = ChooseTransferEncoding(*stats);
  if (encoding == TransferEncoding::kBase64) {
    ByteArrayPtr canonical(g_byte_array_sized_new(bytes->len + bytes->len / 16 + 2));
    AppendWithCrlf(std::string_view(reinterpret_cast<const char*>(bytes->data), bytes->len),
                   append_to(canonical.get()));
    bytes = std::move(canonical);
  }
  // The stream takes ownership of the bytes.
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_byte_array(bytes.release()));
  GObjectPtr<GMimeDataWrapper> content(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));

  GObjectPtr<GMimeTextPart> part(g_mime_text_part_new_with_subtype(subtype));
  g_mime_text_part_set_charset(part.get(), kCharset);
  g_mime_part_set_content(GMIME_PART(part.get()), content.get());
  g_mime_part_set_content_encoding(GMIME_PART(part.get()), ToGMime(encoding));
  return GObjectPtr<GMimeObject>(GMIME_OBJECT(part.release()));
}

// Writes the caller's field without letting GMime treat it as a structured field it knows (its address
// and message-id formatters drop what they cannot parse) or turn long ASCII words into encoded words
// (which would break a List-Unsubscribe URL). Only non-ASCII values take GMime's RFC 2047 encoding.
void AppendCallerHeader(GMimeObject* object, GMimeFormatOptions* options, const Header& header) {
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);
  g_mime_header_list_append(headers, header.name.c_str(), "", nullptr);
  GMimeHeader* appended =
      g_mime_header_list_get_header_at(headers, g_mime_header_list_get_count(headers) - 1);
  if (IsAscii(header.value)) {
    g_mime_header_set_raw_value(appended, FoldAsciiValue(header.name, header.value).c_str());
  } else {
    GCharPtr raw(g_mime_header_format_default(appended, options, header.value.c_str(), kCharset));
    g_mime_header_set_raw_value(appended, raw.get());
  }
}

std::string NewBoundary() {
  unsigned char random[kBoundaryRandomBytes];
  RandomBytes(random, sizeof random);
  // "=_" can occur neither in quoted-printable nor in base64 output; the random part keeps it out of
  // 7bit text too.
  return "=_" + Base32(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
}

Result<GObjectPtr<GMimeObject>> MakeBody(const MessageContent& content) {
  if (content.html.empty()) return MakeTextPart("plain", content.text, "text");
  if (content.text.empty()) return MakeTextPart("html", content.html, "html");
  Result<GObjectPtr<GMimeObject>> text = MakeTextPart("plain", content.text, "text");
  if (!text.ok()) return text.status();
  Result<GObjectPtr<GMimeObject>> html = MakeTextPart("html", content.html, "html");
  if (!html.ok()) return html.status();
  GObjectPtr<GMimeMultipart> alternative(g_mime_multipart_new_with_subtype("alternative"));
  g_mime_multipart_set_boundary(alternative.get(), NewBoundary().c_str());
  // Least preferred first (RFC 2046 §5.1.4): clients show the last part they can render.
  g_mime_multipart_add(alternative.get(), text->get());
  g_mime_multipart_add(alternative.get(), html->get());
  return GObjectPtr<GMimeObject>(GMIME_OBJECT(alternative.release()));
}

}  // namespace

Status ValidateAttachment(const Attachment& attachment) {
  const std::string& name = attachment.filename;
  if (name.empty() || name.size() > 255 || !IsValidUtf8(name) || HasControlCharacter(name) ||
      name.find_first_of("/\\") != std::string::npos) {
    return Status::InvalidArgument("attachment filename: 1-255 bytes of UTF-8 without control characters or / \\");
  }
  const std::string& type = attachment.content_type;
  const size_t slash = type.find('/');
  if (slash == std::string::npos || !IsToken(type.substr(0, slash)) || !IsToken(type.substr(slash + 1)) ||
      type.size() > 255) {
    return Status::InvalidArgument("attachment content_type: type/subtype such as application/pdf");
  }
  return Status::Ok();
}

Result<BuiltMessage> BuildMessage(const MessageContent& content) {
  HERALD_RETURN_IF_ERROR(ValidateContent(content));
  auto seconds = std::chrono::floor<std::chrono::seconds>(content.date.time_since_epoch()).count();
  EnsureGMimeInitialized();
  DateTimePtr date(g_date_time_new_from_unix_utc(seconds));
  if (!date) return Status::InvalidArgument("date is outside the years 1 to 9999");

  Result<GObjectPtr<GMimeObject>> body = MakeBody(content);
  if (!body.ok()) return body.status();
  std::vector<std::string> placeholders;
  if (!content.attachments.empty()) {
    GObjectPtr<GMimeMultipart> mixed(g_mime_multipart_new_with_subtype("mixed"));
    g_mime_multipart_set_boundary(mixed.get(), NewBoundary().c_str());
    g_mime_multipart_add(mixed.get(), body->get());
    for (const Attachment& attachment : content.attachments) {
      placeholders.push_back(NewPlaceholder());
      GObjectPtr<GMimeObject> part = MakeAttachmentPart(attachment, placeholders.back());
      g_mime_multipart_add(mixed.get(), part.get());
    }
    *body = GObjectPtr<GMimeObject>(GMIME_OBJECT(mixed.release()));
  }

  // Headers appear in the order they are first set; FALSE leaves out GMime's own placeholders.
  GObjectPtr<GMimeMessage> message(g_mime_message_new(FALSE));
  GMimeObject* object = GMIME_OBJECT(message.get());
  AddMailbox(message.get(), GMIME_ADDRESS_TYPE_FROM, content.from);
  AddMailbox(message.get(), GMIME_ADDRESS_TYPE_TO, content.to);
  if (content.reply_to) AddMailbox(message.get(), GMIME_ADDRESS_TYPE_REPLY_TO, *content.reply_to);
  g_mime_message_set_subject(message.get(), content.subject.c_str(), kCharset);
  g_mime_message_set_date(message.get(), date.get());
  std::string message_id = "<" + content.message_id + ">";
  g_mime_object_append_header(object, "Message-ID", message_id.c_str(), nullptr);
  g_mime_object_append_header(object, "MIME-Version", "1.0", nullptr);
  // LF line ends (GMime's default): ToWire makes them CRLF while it checks the result, which is much
  // cheaper than GMime's own CRLF filter over every encoded byte.
  FormatOptionsPtr options(g_mime_format_options_new());
  g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_UNIX);
  for (const Header& header : content.headers) AppendCallerHeader(object, options.get(), header);
  g_mime_message_set_mime_part(message.get(), body->get());

  // Encoded bodies grow by up to about 40%; the headers need a little more.
  size_t estimate = (content.html.size() + content.text.size()) * 7 / 5 + 2048 + 512 * content.attachments.size();
  GByteArray* bytes = g_byte_array_sized_new(static_cast<guint>(estimate));
  // The stream takes ownership of `bytes`; they stay valid until it is released, after ToWire.
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_byte_array(bytes));
  if (g_mime_object_write_to_stream(object, options.get(), stream.get()) < 0) {
    return Status::Internal("GMime could not write the message");
  }
  bool utf8_headers = content.from.needs_smtputf8 || content.to.needs_smtputf8 ||
                      (content.reply_to && content.reply_to->needs_smtputf8);
  Result<std::string> wire =
      ToWire(std::string_view(reinterpret_cast<const char*>(bytes->data), bytes->len), utf8_headers);
  if (!wire.ok()) return wire.status();
  if (content.attachments.empty()) return BuiltMessage{std::move(*wire), {}};
  return Splice(*wire, content.attachments, placeholders);
}

}  // namespace herald::mime
