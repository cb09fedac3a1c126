#include "bounces/report.h"

#include <array>
#include <exception>
#include <utility>

#include "base/ascii.h"
#include "base/printable.h"
#include "bounces/delivery_status.h"
#include "bounces/feedback_report.h"
#include "bounces/message_id.h"
#include "bounces/outcome.h"
#include "bounces/plain_bounce.h"
#include "bounces/ses_notification.h"
#include "bounces/signals.h"
#include "bounces/text_scan.h"
#include "mime/message_reader.h"
#include "mime/text_checks.h"

namespace herald::bounces {
namespace {

constexpr size_t kMaxMessageIdHeaderBytes = 256;

constexpr std::array<std::pair<ReportKind, std::string_view>, 6> kKindNames = {{
    {ReportKind::kBounce, "bounce"},
    {ReportKind::kDelay, "delay"},
    {ReportKind::kDelivered, "delivered"},
    {ReportKind::kComplaint, "complaint"},
    {ReportKind::kAutoReply, "auto_reply"},
    {ReportKind::kNotAReport, "not_a_report"},
}};

// The parts of a report, sorted by what they are for.
struct ReportParts {
  std::vector<const mime::ParsedPart*> delivery_status;
  std::vector<const mime::ParsedPart*> feedback;
  std::vector<const mime::ParsedPart*> originals;  // returned messages or their headers
  std::string text;                                // the readable text, at most max_text_bytes
};

void AppendText(std::string& text, std::string_view more, size_t max_bytes) {
  if (text.size() >= max_bytes) return;
  if (!text.empty()) text += "\n\n";
  text.append(more.substr(0, max_bytes - std::min(max_bytes, text.size())));
}

// The raw bytes after the message's header (empty when it has no body).
std::string_view RawBody(std::string_view raw) {
  for (size_t at = raw.find('\n'); at != std::string_view::npos; at = raw.find('\n', at + 1)) {
    size_t next = at + 1;
    if (next < raw.size() && raw[next] == '\r') ++next;
    if (next < raw.size() && raw[next] == '\n') return raw.substr(next + 1);
  }
  return {};
}

// Body text without what only MIME needs: boundary lines ("--boundary") and the part headers'
// Content-* fields, so that a notification read from a broken multipart reads like text.
std::string WithoutMimeStructure(std::string_view body) {
  std::string text;
  bool in_part_header = false;
  for (std::string_view line : Lines(body)) {
    bool boundary = line.starts_with("--") && line.size() > 2 && line.find(' ') == std::string_view::npos;
    bool content_field = IsFieldLine(line) && StartsWithIgnoreCase(line, "Content-");
    bool continuation = in_part_header && !line.empty() && (line[0] == ' ' || line[0] == '\t');
    in_part_header = boundary || ((content_field || continuation) && in_part_header);
    if (boundary || (in_part_header && (content_field || continuation))) continue;
    text.append(line);
    text += '\n';
  }
  return text;
}

ReportParts SortParts(const mime::ParsedMessage& message, std::string_view raw, const ReadLimits& limits) {
  ReportParts parts;
  std::vector<const mime::ParsedPart*> html;
  for (const mime::ParsedPart& part : message.parts) {
    const std::string& type = part.content_type;
    if (EqualsAnyIgnoreCase(type, {"message/delivery-status", "message/global-delivery-status"})) {
      parts.delivery_status.push_back(&part);
    } else if (type == "message/feedback-report") {
      parts.feedback.push_back(&part);
    } else if (EqualsAnyIgnoreCase(type, {"message/rfc822", "message/global", "text/rfc822-headers",
                                          "message/global-headers", "message/partial"})) {
      parts.originals.push_back(&part);
    } else if (type == "text/html") {
      html.push_back(&part);
    } else if (type.starts_with("text/") || type.empty()) {
      AppendText(parts.text, part.body, limits.max_text_bytes);
    }
  }
  if (parts.text.empty()) {
    for (const mime::ParsedPart* part : html)
      AppendText(parts.text, HtmlToText(part->body, limits.max_text_bytes), limits.max_text_bytes);
  }
  // A multipart whose boundary never appears (or is misspelt) has no parts to speak of: its report is
  // in the raw body, MIME part headers and all, and is read as text.
  if (parts.text.empty() && parts.delivery_status.empty() && parts.feedback.empty() &&
      parts.originals.empty())
    AppendText(parts.text, WithoutMimeStructure(RawBody(raw).substr(0, limits.max_text_bytes)),
               limits.max_text_bytes);
  return parts;
}

// The addresses in the values of the fields named `name`.
std::vector<std::string> AddressesIn(const std::vector<Field>& header, std::string_view name,
                                     size_t max_count) {
  std::vector<std::string> addresses;
  for (std::string_view value : FindFields(header, name)) {
    for (const FoundAddress& found : FindAddresses(value, max_count - addresses.size()))
      addresses.emplace_back(found.address);
  }
  return addresses;
}

void Append(std::vector<std::string>& to, std::vector<std::string> more) {
  for (std::string& item : more) to.push_back(std::move(item));
}

class ReportReader {
 public:
  ReportReader(const mime::ParsedMessage& message, std::string_view raw, const smtp::Envelope& envelope,
               const ReadOptions& options)
      : message_(message),
        envelope_(envelope),
        options_(options),
        limits_(options.limits),
        field_limits_{limits_.max_fields, limits_.max_field_bytes},
        parts_(SortParts(message, raw, limits_)),
        split_(SplitAtReturnedMessage(parts_.text)) {
    std::string_view original = split_.original;
    if (!parts_.originals.empty()) original = parts_.originals.front()->body;
    original_header_ = ReadHeaderBlock(original, field_limits_);
  }

  Report Read() {
    Report report;
    std::optional<SesNotification> ses =
        ReadSesNotification(parts_.text, limits_.max_recipients, report.omitted_recipients);
    if (ses) original_header_ = std::move(ses->original_header);
    NamedMessage named = MessageFromEnvelope(envelope_, options_);
    if (!named.id) named = MessageFromOriginal(original_header_, options_);
    report.message_id = std::move(named.id);
    report.message_id_source = named.source;
    if (const std::string* id = FindField(original_header_, "Message-ID"))
      report.original_message_id_header = Printable(Trim(*id), kMaxMessageIdHeaderBytes);

    if (ses) {
      ReadSes(*ses, report);
      return report;
    }
    if (ReadComplaint(report)) return report;
    std::vector<RecipientEvidence> evidence = DeliveryStatusEvidence(report.omitted_recipients);
    if (evidence.empty()) {
      if (IsAutoReplyMessage()) {
        report.kind = ReportKind::kAutoReply;
        if (std::optional<std::string> sender = FirstSender()) AddDelivered(report, *sender);
        return report;
      }
      evidence = PlainBounceEvidence(report.omitted_recipients);
    }
    for (const RecipientEvidence& recipient : evidence) report.recipients.push_back(Classify(recipient));
    report.kind = KindOf(report.recipients);
    return report;
  }

 private:
  std::string_view Subject() const { return message_.subject; }
  std::string_view HeaderValue(std::string_view name) const {
    const std::string* value = FindField(message_.headers, name);
    return value != nullptr ? std::string_view(*value) : std::string_view();
  }

  // The report's From address, when it is a well-formed one.
  std::optional<std::string> FirstSender() const {
    if (message_.from.empty()) return std::nullopt;
    return FirstAddress(message_.from.front().addr_spec);
  }

  void AddDelivered(Report& report, std::string_view recipient) const {
    if (report.recipients.size() >= limits_.max_recipients) {
      ++report.omitted_recipients;
      return;
    }
    RecipientOutcome outcome;
    outcome.recipient = std::string(recipient);
    outcome.disposition = smtp::Disposition::kDelivered;
    report.recipients.push_back(std::move(outcome));
  }

  void ReadSes(const SesNotification& ses, Report& report) const {
    for (const RecipientEvidence& recipient : ses.bounced) report.recipients.push_back(Classify(recipient));
    for (const std::string& recipient : ses.recipients) AddDelivered(report, recipient);
    report.feedback_type = ses.feedback_type;
    report.kind = ses.kind == ReportKind::kBounce ? KindOf(report.recipients) : ses.kind;
  }

  // ARF reports, and the look-alikes of providers that do not send them.
  bool ReadComplaint(Report& report) const {
    std::vector<std::string> recipients;
    if (!parts_.feedback.empty()) {
      for (const mime::ParsedPart* part : parts_.feedback) {
        FeedbackReport feedback = ReadFeedbackReport(part->body, field_limits_);
        if (report.feedback_type.empty()) report.feedback_type = feedback.feedback_type;
        Append(recipients, std::move(feedback.recipients));
      }
    } else if (IsProviderComplaint(Subject(), original_header_)) {
      report.feedback_type = "abuse";
      recipients = AddressesIn(original_header_, "X-HmXmrOriginalRecipient", limits_.max_recipients);
    } else if (ContainsIgnoreCase(HeaderValue("X-Apple-Unsubscribe"), "true")) {
      // Apple Mail's "unsubscribe" button mails the List-Unsubscribe address from the recipient.
      report.feedback_type = "opt-out";
      if (std::optional<std::string> sender = FirstSender()) recipients.push_back(*sender);
    } else {
      return false;
    }
    if (recipients.empty()) recipients = AddressesIn(original_header_, "To", limits_.max_recipients);
    report.kind = ReportKind::kComplaint;
    for (const std::string& recipient : recipients) AddDelivered(report, recipient);
    return true;
  }

  // RFC 3464 fields: in delivery-status parts, or pasted into the notification's text.
  std::vector<RecipientEvidence> DeliveryStatusEvidence(size_t& omitted) const {
    std::vector<RecipientEvidence> evidence;
    for (const mime::ParsedPart* part : parts_.delivery_status) {
      std::vector<RecipientEvidence> more =
          ReadDeliveryStatus(part->body, field_limits_, limits_.max_recipients - evidence.size(), omitted);
      for (RecipientEvidence& recipient : more) evidence.push_back(std::move(recipient));
    }
    if (evidence.empty() && ContainsIgnoreCase(split_.notice, "Final-Recipient:"))
      evidence = ReadDeliveryStatus(split_.notice, field_limits_, limits_.max_recipients, omitted);
    AddTextAbout(evidence);
    return evidence;
  }

  // Gives the recipients a DSN names without a Diagnostic-Code what the notification's text says about
  // them: its human-readable part, before any delivery-status fields pasted into it, read once for all.
  void AddTextAbout(std::vector<RecipientEvidence>& evidence) const {
    PlainBounceContext context = Context();
    context.failed_recipients.clear();
    for (const RecipientEvidence& recipient : evidence) {
      if (recipient.diagnostic.empty()) context.failed_recipients.push_back(recipient.recipient);
    }
    if (context.failed_recipients.empty()) return;
    std::string_view prose = split_.notice;
    for (std::string_view start :
         {"Reporting-MTA:", "Final-Recipient:", "Original-Recipient:", "Arrival-Date:"})
      prose = prose.substr(0, FindIgnoreCase(prose, start));
    size_t ignored = 0;
    std::vector<RecipientEvidence> found =
        ReadPlainBounce(prose, context, context.failed_recipients.size(), ignored);
    for (RecipientEvidence& recipient : evidence) {
      if (!recipient.diagnostic.empty()) continue;
      for (RecipientEvidence& text : found) {
        if (SameAddress(text.recipient, recipient.recipient) && IsInformative(text.diagnostic)) {
          recipient.diagnostic = std::move(text.diagnostic);
          break;
        }
      }
    }
  }

  bool IsAutoReplyMessage() const {
    if (IsBounceSender(HeaderValue("From")) || !HeaderValue("X-Failed-Recipients").empty()) return false;
    return IsAutoReply(message_.headers, Subject());
  }

  PlainBounceContext Context() const {
    PlainBounceContext context;
    context.subject = Subject();
    for (const mime::ParsedMailbox& mailbox : message_.from)
      context.sending_side.push_back(mailbox.addr_spec);
    for (const mime::ParsedMailbox& mailbox : message_.to) context.sending_side.push_back(mailbox.addr_spec);
    if (!envelope_.mail_from.null()) context.sending_side.push_back(envelope_.mail_from.address.AddrSpec());
    for (const smtp::Path& path : envelope_.rcpt_to) context.sending_side.push_back(path.address.AddrSpec());
    for (std::string_view name : {"From", "Sender", "Reply-To", "Return-Path"})
      Append(context.sending_side, AddressesIn(original_header_, name, limits_.max_recipients));
    context.failed_recipients = AddressesIn(message_.headers, "X-Failed-Recipients", limits_.max_recipients);
    for (std::string_view name : {"To", "Cc", "X-Envelope-To", "X-Original-To"})
      Append(context.original_recipients, AddressesIn(original_header_, name, limits_.max_recipients));
    return context;
  }

  // A notification in words: believed when its sender or subject says it is one, or when its text
  // says so and gives a code or a known reason.
  std::vector<RecipientEvidence> PlainBounceEvidence(size_t& omitted) const {
    bool announced = IsBounceSender(HeaderValue("From")) || IsBounceSubject(Subject()) ||
                     !HeaderValue("X-Failed-Recipients").empty();
    if (!announced && !HasBouncePhrase(split_.notice)) return {};
    std::vector<RecipientEvidence> evidence =
        ReadPlainBounce(split_.notice, Context(), limits_.max_recipients, omitted);
    if (!announced) {
      std::erase_if(evidence,
                    [](const RecipientEvidence& recipient) { return !IsInformative(recipient.diagnostic); });
    }
    return evidence;
  }

  static ReportKind KindOf(const std::vector<RecipientOutcome>& recipients) {
    auto any = [&](smtp::Disposition disposition) {
      return std::any_of(recipients.begin(), recipients.end(),
                         [&](const RecipientOutcome& outcome) { return outcome.disposition == disposition; });
    };
    if (any(smtp::Disposition::kBounced)) return ReportKind::kBounce;
    if (any(smtp::Disposition::kDeferred)) return ReportKind::kDelay;
    if (any(smtp::Disposition::kDelivered)) return ReportKind::kDelivered;
    return ReportKind::kNotAReport;
  }

  const mime::ParsedMessage& message_;
  const smtp::Envelope& envelope_;
  const ReadOptions& options_;
  const ReadLimits& limits_;
  const FieldLimits field_limits_;
  const ReportParts parts_;
  const SplitNotification split_;  // views into parts_.text
  std::vector<Field> original_header_;
};

}  // namespace

std::string_view ToString(ReportKind kind) { return kKindNames[static_cast<size_t>(kind)].second; }

Result<Report> ReadReport(std::string_view raw, const smtp::Envelope& envelope, const ReadOptions& options) {
  const ReadLimits& limits = options.limits;
  if (raw.size() > limits.max_bytes) {
    return Status::ResourceExhausted("report is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  try {
    Result<mime::ParsedMessage> message = mime::ParseMessage(
        raw, {.max_bytes = limits.max_bytes, .max_parts = limits.max_parts, .max_depth = limits.max_depth});
    if (!message.ok()) return message.status();
    return ReportReader(*message, raw, envelope, options).Read();
  } catch (const std::exception& error) {  // std::bad_alloc: nothing else throws here
    return Status::ResourceExhausted(std::string("report could not be read: ") + error.what());
  }
}

}  // namespace herald::bounces
