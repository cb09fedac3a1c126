#include "reports/recorder.h"

#include <array>
#include <memory>
#include <mutex>
#include <vector>

#include "base/log.h"
#include "base/printable.h"
#include "core/address.h"
#include "core/verp.h"
#include "reports/report_effect.h"

namespace herald::reports {
namespace {

// Mailboxes at a return-path host that take reports naming their message by its content only.
constexpr std::array<std::string_view, 3> kReportMailboxes = {"postmaster", "abuse", "fbl"};

bool IsReportMailbox(std::string_view local) {
  const std::string lower = core::AsciiLower(local);
  for (std::string_view name : kReportMailboxes) {
    if (lower == name) return true;
  }
  return false;
}

smtp::ServerReply Reply(int code, std::string enhanced, std::string text) {
  return smtp::ServerReply{code, std::move(enhanced), std::move(text)};
}

smtp::ServerReply TryLater() { return Reply(451, "4.3.0", "Temporary failure recording the report; try again later"); }

// A message the report may be about, and whose it must be.
struct Target {
  std::string message_id;
  bool by_envelope = false;  // named by a VERP recipient (else by the returned original)
  std::string account_id;    // the return-path host's account; empty: any
};

std::vector<Target> TargetsOf(const smtp::Envelope& envelope, const bounces::Report& report,
                              const ReturnPathHosts& hosts) {
  std::vector<Target> targets;
  auto add = [&](std::string id, bool by_envelope, std::string account_id) {
    for (const Target& known : targets) {
      if (known.message_id == id) return;
    }
    targets.push_back({std::move(id), by_envelope, std::move(account_id)});
  };
  std::optional<std::string> content_account;
  for (const smtp::Path& rcpt : envelope.rcpt_to) {
    std::optional<ReturnPathOwner> owner = hosts.OwnerOf(rcpt.address.domain);
    if (!owner) continue;  // refused at RCPT
    if (std::optional<std::string> id = core::ParseVerpAddress(rcpt.address.AddrSpec(), rcpt.address.domain)) {
      add(std::move(*id), true, owner->account_id);
    } else if (!content_account) {
      content_account = owner->account_id;
    }
  }
  if (content_account && report.message_id && report.message_id_source != bounces::MessageIdSource::kVerpRecipient)
    add(*report.message_id, false, *content_account);
  return targets;
}

// The recipient a report named by its content is most likely about: its first failed one, else its first.
std::string_view LikelyRecipient(const bounces::Report& report) {
  for (const bounces::RecipientOutcome& outcome : report.recipients) {
    if (outcome.disposition == smtp::Disposition::kBounced) return outcome.recipient;
  }
  return report.recipients.empty() ? std::string_view() : std::string_view(report.recipients.front().recipient);
}

bool IsNotice(bounces::ReportKind kind) {
  return kind == bounces::ReportKind::kAutoReply || kind == bounces::ReportKind::kDelay ||
         kind == bounces::ReportKind::kDelivered;
}

// Waits for several writes; the last to finish answers once.
class Writes {
 public:
  Writes(size_t count, std::string ids, std::function<void(smtp::ServerReply)> done)
      : left_(count), ids_(std::move(ids)), done_(std::move(done)) {}

  void Finished(const std::string& message_id, const Status& status) {
    std::unique_lock lock(mutex_);
    if (!status.ok()) {
      failed_ = true;
      Logger("reports")->error("{}: cannot record the report: {}", message_id, status.ToString());
    }
    if (--left_ > 0) return;
    lock.unlock();
    done_(failed_ ? TryLater() : Reply(250, "2.0.0", "Ok: report recorded for" + ids_));
  }

 private:
  std::mutex mutex_;
  size_t left_;
  bool failed_ = false;
  const std::string ids_;
  std::function<void(smtp::ServerReply)> done_;
};

}  // namespace

ReportRecorder::ReportRecorder(storage::Store& store, const ReturnPathHosts& hosts, const Clock& clock,
                               bounces::ReadLimits limits)
    : store_(store), hosts_(hosts), clock_(clock), limits_(limits) {}

std::optional<smtp::ServerReply> ReportRecorder::CheckRecipient(const smtp::Path& recipient) const {
  const core::EmailAddress& address = recipient.address;
  std::optional<ReturnPathOwner> owner = hosts_.OwnerOf(address.domain);
  if (!owner) return Reply(550, "5.7.1", "Relay access denied: not a return-path domain of this server");
  if (IsReportMailbox(address.local)) return std::nullopt;
  std::optional<std::string> id = core::ParseVerpAddress(address.AddrSpec(), address.domain);
  if (!id) return Reply(550, "5.1.1", "No such return path");
  Result<core::MessageRecord> message = store_.FindReportedMessage(*id, "");
  if (message.status().code() == Code::kNotFound ||
      (message.ok() && !owner->account_id.empty() && message->account_id != owner->account_id)) {
    return Reply(550, "5.1.1", "No such return path: unknown message");
  }
  if (!message.ok()) {
    Logger("reports")->error("cannot look up {}: {}", *id, message.status().ToString());
    return Reply(451, "4.3.0", "Temporary failure; try again later");
  }
  return std::nullopt;
}

void ReportRecorder::Record(const smtp::Envelope& envelope, std::string raw,
                            std::function<void(smtp::ServerReply)> done) {
  auto log = Logger("reports");
  bounces::ReadOptions options;
  options.limits = limits_;
  options.is_return_path_domain = [this](std::string_view domain) { return hosts_.OwnerOf(domain).has_value(); };
  Result<bounces::Report> report = bounces::ReadReport(raw, envelope, options);
  const size_t size = raw.size();
  raw = std::string();
  if (!report.ok()) {
    log->info("refused a report of {} bytes: {}", size, Printable(report.status().message(), 200));
    if (report.status().code() == Code::kResourceExhausted)
      return done(Reply(552, "5.3.4", "The report exceeds this server's limits"));
    return done(Reply(550, "5.6.0", "The message cannot be read"));
  }
  const std::string_view kind = bounces::ToString(report->kind);
  if (report->kind == bounces::ReportKind::kNotAReport) {
    log->info("refused a message of {} bytes: not a report", size);
    return done(Reply(550, "5.6.0", "Not a delivery status notification, complaint or automatic reply"));
  }

  const TimePoint now = clock_.Now();
  std::vector<storage::ReportRecord> records;
  std::string ids;
  bool found_any = false;
  for (const Target& target : TargetsOf(envelope, *report, hosts_)) {
    std::string_view hint = target.by_envelope ? std::string_view() : LikelyRecipient(*report);
    Result<core::MessageRecord> message = store_.FindReportedMessage(target.message_id, hint);
    if (!message.ok() && message.status().code() != Code::kNotFound) {
      log->error("cannot look up {}: {}", target.message_id, message.status().ToString());
      return done(TryLater());
    }
    if (!message.ok() || (!target.account_id.empty() && message->account_id != target.account_id)) {
      log->info("a {} names {}, which is no message of the return-path host's account", kind, target.message_id);
      continue;
    }
    found_any = true;
    ReportEffect effect = EffectOf(*report, *message, target.by_envelope, now);
    if (!effect.record) {
      log->info("{}: {} received, nothing to record: {}", message->id, kind, effect.why_not);
      continue;
    }
    log->info("{}: {} received: {}", message->id, kind, effect.record->event.details.dump());
    ids += " " + message->id;
    records.push_back(std::move(*effect.record));
  }
  if (records.empty()) {
    if (!found_any && !IsNotice(report->kind)) {
      return done(Reply(550, "5.6.0", "The report names no message sent by this server"));
    }
    return done(Reply(250, "2.0.0", "Ok: " + std::string(kind) + " noted, nothing to record"));
  }
  auto writes = std::make_shared<Writes>(records.size(), std::move(ids), std::move(done));
  for (storage::ReportRecord& record : records) {
    std::string id = record.message_id;
    store_.RecordReport(std::move(record), [writes, id](Status status) { writes->Finished(id, status); });
  }
}

}  // namespace herald::reports
