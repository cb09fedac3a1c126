#include "mime/message_builder.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <string_view>
#include <vector>

#include "base/base64.h"
#include "base/random.h"
#include "mime/body_encoding.h"
#include "mime/header_writer.h"
#include "mime/quoted_printable.h"
#include "mime/text_checks.h"

namespace herald::mime {
namespace {

constexpr std::string_view kCharset = "utf-8";
constexpr size_t kBoundaryRandomBytes = 16;
// Far above any configured message size: the size of what is written stays far from overflowing.
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
  // The bodies' UTF-8 is checked while they are measured (PrepareText), in the same pass.
  for (const Header& header : content.headers) HERALD_RETURN_IF_ERROR(ValidateHeader(header));
  for (const Attachment& attachment : content.attachments) {
    if (Status valid = ValidateAttachment(attachment); !valid.ok())
      return Status::InvalidArgument("attachment " + valid.message());
  }
  return ValidateMessageId(content.message_id);
}

// A text body, checked and measured, with the transfer encoding it calls for.
struct TextBody {
  std::string_view subtype;  // "plain", "html"
  std::string_view text;     // as the caller gave it: any line ends
  BodyStats stats;
  TransferEncoding encoding;
};

// InvalidArgument, naming `field`, when `text` is not valid UTF-8 or holds NUL.
Result<TextBody> PrepareText(std::string_view subtype, std::string_view text, std::string_view field) {
  std::optional<BodyStats> stats = NormalizeBody(text, [](const char*, size_t) {});
  if (!stats) return Status::InvalidArgument(std::string(field) + " is not valid UTF-8 or contains NUL");
  return TextBody{subtype, text, *stats, ChooseTransferEncoding(*stats)};
}

// About what the body takes on the wire, a little more rather than less, so that the message is
// written into one allocation.
size_t EncodedSizeEstimate(const TextBody& body) {
  const size_t bytes = body.stats.bytes;
  switch (body.encoding) {
    case TransferEncoding::k7Bit:
      return bytes + bytes / 16 + 64;  // a CR for every LF
    case TransferEncoding::kQuotedPrintable: {
      const size_t escaped = bytes + 2 * body.stats.eight_bit;
      return escaped + escaped / 8 + 64;  // soft breaks, line ends, '=' and other escapes
    }
    case TransferEncoding::kBase64:
      return Base64LinesSize(bytes + bytes / 16 + 64);
  }
  return bytes;
}

std::string_view EncodingName(TransferEncoding encoding) {
  switch (encoding) {
    case TransferEncoding::k7Bit:
      return "7bit";
    case TransferEncoding::kQuotedPrintable:
      return "quoted-printable";
    case TransferEncoding::kBase64:
      return "base64";
  }
  return "base64";
}

// The part's header fields and the empty line after them, then its content, which ends with CRLF.
void AppendTextPart(std::string& out, const TextBody& body) {
  out.append("Content-Type: text/");
  out.append(body.subtype);
  out.append("; charset=");
  out.append(kCharset);
  out.append("\r\nContent-Transfer-Encoding: ");
  out.append(EncodingName(body.encoding));
  out.append("\r\n\r\n");
  auto append_to = [](std::string& to) {
    return [&to](const char* data, size_t size) { to.append(data, size); };
  };
  switch (body.encoding) {
    case TransferEncoding::k7Bit:
      AppendWithCrlf(body.text, append_to(out));
      // Every line on the wire ends, the last too; the reader gets the text with a final line end.
      if (!body.text.empty() && body.text.back() != '\n' && body.text.back() != '\r') out.append("\r\n");
      break;
    case TransferEncoding::kQuotedPrintable:
      AppendQuotedPrintable(body.text, out);
      break;
    case TransferEncoding::kBase64: {
      std::string canonical;
      canonical.reserve(body.stats.bytes + body.stats.bytes / 16 + 64);
      AppendWithCrlf(body.text, append_to(canonical));
      AppendBase64Lines(canonical, out);
      break;
    }
  }
}

std::string NewBoundary() {
  unsigned char random[kBoundaryRandomBytes];
  RandomBytes(random, sizeof random);
  // "=_" can occur neither in quoted-printable nor in base64 output; the random part keeps it out of
  // 7bit text too.
  return "=_" + Base32(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
}

// "Content-Type: multipart/<subtype>; boundary=…" and the empty line that ends the part's header.
void AppendMultipartHeader(std::string& out, std::string_view subtype, std::string_view boundary) {
  FieldWriter field(out, "Content-Type");
  field.Append("", "multipart/" + std::string(subtype));
  AppendParameter(field, "boundary", boundary);
  field.Finish();
  out.append("\r\n");
}

void AppendDelimiter(std::string& out, std::string_view boundary, bool last = false) {
  out.append("--");
  out.append(boundary);
  out.append(last ? "--\r\n" : "\r\n");
}

// The body: the one text part, or multipart/alternative with the text part first (RFC 2046 §5.1.4:
// clients show the last part they can render). Its header fields, the empty line, the content.
void AppendBody(std::string& out, const std::vector<TextBody>& bodies) {
  if (bodies.size() == 1) {
    AppendTextPart(out, bodies.front());
    return;
  }
  const std::string boundary = NewBoundary();
  AppendMultipartHeader(out, "alternative", boundary);
  for (const TextBody& body : bodies) {
    AppendDelimiter(out, boundary);
    AppendTextPart(out, body);
    out.append("\r\n");  // the CRLF before the next delimiter belongs to it, not to the part
  }
  AppendDelimiter(out, boundary, /*last=*/true);
}

// An attachment part; says in `body` where its base64 lines went.
void AppendAttachment(std::string& out, const Attachment& attachment, ByteRange& body) {
  {
    FieldWriter field(out, "Content-Type");
    field.Append("", attachment.content_type);
    // Older clients read the name from here rather than from Content-Disposition.
    AppendParameter(field, "name", attachment.filename);
    field.Finish();
  }
  out.append("Content-Transfer-Encoding: base64\r\n");
  {
    FieldWriter field(out, "Content-Disposition");
    field.Append("", "attachment");
    AppendParameter(field, "filename", attachment.filename);
    field.Finish();
  }
  out.append("\r\n");
  body.offset = out.size();
  AppendBase64TextLines(attachment.base64.text(), out);
  body.size = out.size() - body.offset;
}

// "Date: Tue, 25 Nov 2025 11:36:13 +0000" (RFC 5322 §3.3), in UTC, whole seconds.
void AppendDate(std::string& out, TimePoint date) {
  using namespace std::chrono;
  static constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_seconds seconds = floor<std::chrono::seconds>(date);
  const sys_days day = floor<days>(seconds);
  const year_month_day ymd(day);
  const hh_mm_ss time(seconds - day);
  char line[64];
  const int size =
      std::snprintf(line, sizeof line, "Date: %s, %02u %s %04d %02d:%02d:%02d +0000\r\n",
                    kWeekdays[weekday(day).c_encoding()], static_cast<unsigned>(ymd.day()),
                    kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                    static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                    static_cast<int>(time.seconds().count()));
  out.append(line, static_cast<size_t>(size));
}

void AppendMailboxField(std::string& out, std::string_view name, const core::EmailAddress& address) {
  FieldWriter field(out, name);
  AppendMailbox(field, address);
  field.Finish();
}

// The caller's field as given: an ASCII value as it is (folded, never as encoded words, which would break
// a List-Unsubscribe URL); a value that is not ASCII as unstructured text with encoded words.
void AppendCallerHeader(std::string& out, const Header& header) {
  if (IsAscii(header.value)) {
    out.append(header.name);
    out += ':';
    out.append(FoldAsciiValue(header.name, header.value));
    return;
  }
  FieldWriter field(out, header.name);
  AppendUnstructured(field, header.value);
  field.Finish();
}

size_t HeaderSizeEstimate(const MessageContent& content) {
  size_t size = 512 + 2 * content.subject.size() + 2 * content.from.display_name.size() +
                2 * content.to.display_name.size();
  if (content.reply_to) size += 2 * content.reply_to->display_name.size() + 300;
  for (const Header& header : content.headers) size += header.name.size() + 2 * header.value.size() + 8;
  return size;
}

}  // namespace

Status ValidateAttachment(const Attachment& attachment) {
  const std::string& name = attachment.filename;
  if (name.empty() || name.size() > 255 || !IsValidUtf8(name) || HasControlCharacter(name) ||
      name.find_first_of("/\\") != std::string::npos) {
    return Status::InvalidArgument("filename: 1-255 bytes of UTF-8 without control characters or / \\");
  }
  const std::string& type = attachment.content_type;
  const size_t slash = type.find('/');
  if (slash == std::string::npos || !IsMimeToken(type.substr(0, slash)) ||
      !IsMimeToken(type.substr(slash + 1)) || type.size() > 255) {
    return Status::InvalidArgument("content_type: type/subtype such as application/pdf");
  }
  return Status::Ok();
}

Result<BuiltMessage> BuildMessage(const MessageContent& content) {
  HERALD_RETURN_IF_ERROR(ValidateContent(content));
  std::vector<TextBody> bodies;
  if (!content.text.empty()) {
    Result<TextBody> text = PrepareText("plain", content.text, "text");
    if (!text.ok()) return text.status();
    bodies.push_back(*text);
  }
  if (!content.html.empty()) {
    Result<TextBody> html = PrepareText("html", content.html, "html");
    if (!html.ok()) return html.status();
    bodies.push_back(*html);
  }

  size_t estimate = HeaderSizeEstimate(content);
  for (const TextBody& body : bodies) estimate += EncodedSizeEstimate(body) + 256;
  for (const Attachment& attachment : content.attachments) {
    estimate += Base64TextLinesSize(attachment.base64.text().size()) + 512 + 6 * attachment.filename.size();
  }
  BuiltMessage built;
  std::string& out = built.wire;
  out.reserve(estimate);

  AppendMailboxField(out, "From", content.from);
  AppendMailboxField(out, "To", content.to);
  if (content.reply_to) AppendMailboxField(out, "Reply-To", *content.reply_to);
  {
    FieldWriter subject(out, "Subject");
    AppendUnstructured(subject, content.subject);
    subject.Finish();
  }
  AppendDate(out, content.date);
  out.append("Message-ID: <");
  out.append(content.message_id);
  out.append(">\r\nMIME-Version: 1.0\r\n");
  for (const Header& header : content.headers) AppendCallerHeader(out, header);

  if (content.attachments.empty()) {
    AppendBody(out, bodies);
    return built;
  }
  const std::string boundary = NewBoundary();
  AppendMultipartHeader(out, "mixed", boundary);
  AppendDelimiter(out, boundary);
  AppendBody(out, bodies);
  built.attachment_bodies.resize(content.attachments.size());
  for (size_t i = 0; i < content.attachments.size(); ++i) {
    out.append("\r\n");
    AppendDelimiter(out, boundary);
    AppendAttachment(out, content.attachments[i], built.attachment_bodies[i]);
  }
  out.append("\r\n");
  AppendDelimiter(out, boundary, /*last=*/true);
  return built;
}

}  // namespace herald::mime
