// ReadReport against Sisimai's bounce corpus (../shared/corpora/bounces, see its README): every file of
// eml/ goes through the parser as the inbound listener would hand it over, and each expected row (one
// per reported recipient) is compared with the outcome for the same recipient (else the one at the
// same position): hard/soft (`class`), reason (through smtp::testing::SisimaiReasons), status and
// recipient. eml-crlf/ must give the same reports as eml/; not-bounce/ must give no bounce.
//
// The acceptance of issue 7 is asserted: 95 % on hard/soft and 85 % on reason. Hard/soft agreement
// counts the two documented differences of policy (smtp/bounce_classification.h: an unknown user
// refused after DATA, and a disabled mailbox, are hard here and soft for Sisimai) as agreeing, as
// smtp's corpus test does; the raw figure is printed beside it and has its own floor. A delay warning
// counts as soft (Sisimai calls a delayed recipient a soft bounce; Herald does not count it as a
// bounce at all, which is the point of kDelay). Complaints, vacation replies and deliveries must all
// be recognised. Sisimai's status column holds its own pseudo codes (5.0.9xx) where a report gives
// none, so status agreement is reported with a floor, not a target.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bounces/report.h"
#include "bounces/text_scan.h"
#include "mime/corpus_test_util.h"
#include "smtp/bounce_classification_corpus.h"

namespace herald::bounces {
namespace {

using smtp::BounceType;
using smtp::Disposition;

std::filesystem::path Dir(std::string_view name) { return smtp::testing::BounceCorpusDir() / name; }

Report ReadCorpusFile(const std::filesystem::path& path) {
  Result<Report> report = ReadReport(mime::testing::ReadFile(path), smtp::Envelope{});
  EXPECT_TRUE(report.ok()) << path << ": " << report.status().ToString();
  return report.ok() ? *report : Report{};
}

// "hard", "soft" or "none", as the corpus's class column says it; "missing" when the recipient is not
// in the report at all.
std::string ClassOf(const Report& report, const RecipientOutcome* outcome) {
  if (report.kind == ReportKind::kComplaint || report.kind == ReportKind::kAutoReply) return "none";
  if (outcome == nullptr) return "missing";
  switch (outcome->disposition) {
    case Disposition::kDelivered:
      return "none";
    case Disposition::kDeferred:
      return "soft";
    case Disposition::kBounced:
      return outcome->type == BounceType::kHard ? "hard" : "soft";
  }
  return "missing";
}

// The non-bounce rows: a complaint, a vacation reply, a delivery.
bool NonBounceAgrees(const std::string& reason, const Report& report, const RecipientOutcome* outcome) {
  if (reason == "feedback") return report.kind == ReportKind::kComplaint;
  if (reason == "vacation") return report.kind == ReportKind::kAutoReply;
  if (reason == "delivered") return outcome != nullptr && outcome->disposition == Disposition::kDelivered;
  return false;
}

const RecipientOutcome* FindOutcome(const Report& report, const std::string& recipient, size_t index) {
  for (const RecipientOutcome& outcome : report.recipients) {
    if (SameAddress(outcome.recipient, recipient)) return &outcome;
  }
  if (index >= 1 && index <= report.recipients.size()) return &report.recipients[index - 1];
  return report.recipients.empty() ? nullptr : &report.recipients.front();
}

std::string Describe(const Report& report, const RecipientOutcome* outcome) {
  std::string text(ToString(report.kind));
  if (outcome == nullptr) return text + " (no recipient)";
  text += " " + outcome->recipient + " " + std::string(smtp::ToString(outcome->disposition));
  if (outcome->type) text += "/" + std::string(smtp::ToString(*outcome->type));
  text += "/" + std::string(smtp::ToString(outcome->reason)) + " [" + std::to_string(outcome->reply_code) +
          " " + outcome->status + "] " + outcome->diagnostic.substr(0, 140);
  return text;
}

double Percent(int part, int whole) { return whole == 0 ? 0 : 100.0 * part / whole; }

TEST(BounceCorpus, ReadReportAgreesWithSisimai) {
  std::optional<nlohmann::json> rows = smtp::testing::ReadBounceExpectations();
  ASSERT_TRUE(rows) << "bounce corpus not found at " << smtp::testing::BounceCorpusDir()
                    << ": check out the shared corpora beside the repository or set HERALD_BOUNCE_CORPUS_DIR";
  std::map<std::string, Report> reports;
  for (const auto& entry : std::filesystem::directory_iterator(Dir("eml")))
    reports[entry.path().filename().string()] = ReadCorpusFile(entry.path());
  ASSERT_GE(reports.size(), 580u);

  int bounce_rows = 0, class_agrees = 0, class_by_policy = 0, reason_agrees = 0, status_agrees = 0;
  int recipient_agrees = 0, delayed_as_soft = 0, other_rows = 0, other_agrees = 0, rows_total = 0;
  std::map<std::string, std::map<std::string, int>> confusion;  // Sisimai reason → ours → count
  std::vector<std::string> disagreements;
  for (const auto& row : *rows) {
    const std::string file = row.value("file", "");
    const std::string klass = row.value("class", "");
    const std::string reason = row.value("reason", "");
    const std::string recipient = row.value("recipient", "");
    auto found = reports.find(file);
    ASSERT_NE(found, reports.end()) << "no file for expectation row " << file;
    const Report& report = found->second;
    const RecipientOutcome* outcome = FindOutcome(report, recipient, row.value("index", 0));
    ++rows_total;
    bool recipient_ok = outcome != nullptr && SameAddress(outcome->recipient, recipient);
    recipient_agrees += recipient_ok;
    if (klass == "none") {
      ++other_rows;
      bool ok = NonBounceAgrees(reason, report, outcome);
      other_agrees += ok;
      if (!ok) disagreements.push_back(file + " expected " + reason + " got " + Describe(report, outcome));
      continue;
    }
    ++bounce_rows;
    std::string ours = ClassOf(report, outcome);
    bool class_ok = ours == klass;
    smtp::BounceReason our_reason = outcome != nullptr ? outcome->reason : smtp::BounceReason::kUnknown;
    bool by_policy = !class_ok && outcome != nullptr && smtp::testing::IsPolicyDifference(reason, our_reason);
    auto accepted = smtp::testing::SisimaiReasons().find(reason);
    ASSERT_NE(accepted, smtp::testing::SisimaiReasons().end()) << "no mapping for Sisimai reason " << reason;
    bool reason_ok =
        outcome != nullptr && report.kind != ReportKind::kNotAReport && accepted->second.contains(our_reason);
    bool status_ok = outcome != nullptr && outcome->status == row.value("status", "");
    class_agrees += class_ok;
    class_by_policy += by_policy;
    reason_agrees += reason_ok;
    status_agrees += status_ok;
    delayed_as_soft += class_ok && outcome != nullptr && outcome->disposition == Disposition::kDeferred;
    ++confusion[reason][outcome != nullptr ? std::string(smtp::ToString(our_reason)) : "(none)"];
    if (!class_ok || !reason_ok) {
      disagreements.push_back(file + " expected " + klass + "/" + reason + " " + recipient + " [" +
                              row.value("replycode", "") + " " + row.value("status", "") + "]" +
                              (by_policy ? " (policy)" : "") + " got " + Describe(report, outcome));
    }
  }

  double class_rate = Percent(class_agrees + class_by_policy, bounce_rows);
  double reason_rate = Percent(reason_agrees, bounce_rows);
  std::cout << "bounce corpus through ReadReport: " << reports.size() << " files, " << rows_total << " rows\n"
            << "  bounced recipients (hard or soft): " << bounce_rows << "\n"
            << "    hard/soft agreement " << class_agrees + class_by_policy << "/" << bounce_rows << " = "
            << class_rate << "% (documented policy differences counted as agreeing: " << class_by_policy
            << ")\n"
            << "    hard/soft agreement, raw " << class_agrees << "/" << bounce_rows << " = "
            << Percent(class_agrees, bounce_rows)
            << "% (of which delay warnings taken as soft: " << delayed_as_soft << ")\n"
            << "    reason agreement    " << reason_agrees << "/" << bounce_rows << " = " << reason_rate
            << "%\n"
            << "    status agreement    " << status_agrees << "/" << bounce_rows << " = "
            << Percent(status_agrees, bounce_rows) << "% (Sisimai's pseudo codes 5.0.9xx cannot match)\n"
            << "  complaints, vacation replies, deliveries: " << other_agrees << "/" << other_rows << "\n"
            << "  recipient agreement (all rows) " << recipient_agrees << "/" << rows_total << " = "
            << Percent(recipient_agrees, rows_total) << "%\n";
  smtp::testing::PrintConfusionAndDisagreements(std::cout, confusion, disagreements);

  EXPECT_GE(bounce_rows, 590);
  // The acceptance of issue 7. Measured at 96.0 % (86.7 % raw) and 88.4 % (2024 corpus, 593 rows).
  EXPECT_GE(class_rate, 95.0);
  EXPECT_GE(reason_rate, 85.0);
  // Floors against regressions in what is not the acceptance (measured 86.7 %, 97.3 %, 73.9 %, 34/34).
  EXPECT_GE(Percent(class_agrees, bounce_rows), 85.0);
  EXPECT_GE(Percent(recipient_agrees, rows_total), 95.0);
  EXPECT_GE(Percent(status_agrees, bounce_rows), 70.0);
  EXPECT_EQ(other_agrees, other_rows);
}

bool SameReport(const Report& a, const Report& b) {
  if (a.kind != b.kind || a.recipients.size() != b.recipients.size() || a.message_id != b.message_id)
    return false;
  for (size_t i = 0; i < a.recipients.size(); ++i) {
    const RecipientOutcome& x = a.recipients[i];
    const RecipientOutcome& y = b.recipients[i];
    if (x.recipient != y.recipient || x.status != y.status || x.reply_code != y.reply_code ||
        x.disposition != y.disposition || x.type != y.type || x.reason != y.reason || x.action != y.action)
      return false;
  }
  return true;
}

TEST(BounceCorpus, CrlfFilesReadLikeLfFiles) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(Dir("eml-crlf"))) {
    ++files;
    Report crlf = ReadCorpusFile(entry.path());
    Report lf = ReadCorpusFile(Dir("eml") / entry.path().filename());
    EXPECT_TRUE(SameReport(crlf, lf))
        << entry.path().filename() << ": " << ToString(crlf.kind) << " vs " << ToString(lf.kind);
  }
  EXPECT_GE(files, 50);
}

TEST(BounceCorpus, OrdinaryMailIsNoBounce) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(Dir("not-bounce"))) {
    ++files;
    Report report = ReadCorpusFile(entry.path());
    EXPECT_TRUE(report.kind == ReportKind::kNotAReport || report.kind == ReportKind::kAutoReply)
        << entry.path().filename() << " read as " << ToString(report.kind);
  }
  EXPECT_GE(files, 2);
}

// Hostile input shaped like the real thing: every corpus file, mangled a few times over (bytes
// changed, runs of MIME and address punctuation inserted, spans cut or repeated). Run under
// HERALD_SANITIZE=ON it is a small fuzzer; here it proves nothing escapes and nothing passes its limits.
TEST(BounceCorpus, MangledFilesAreReadSafely) {
  std::mt19937 random(11);
  int reports = 0;
  for (const auto& entry : std::filesystem::directory_iterator(Dir("eml"))) {
    const std::string raw = mime::testing::ReadFile(entry.path());
    for (int round = 0; round < 3; ++round) {
      std::string input = raw;
      for (int edits = 1 + random() % 40; edits > 0 && !input.empty(); --edits) {
        size_t at = random() % input.size();
        switch (random() % 4) {
          case 0:
            input[at] = static_cast<char>(random() % 256);
            break;
          case 1:
            input.insert(at, std::string(random() % 64, "\n:@<>-. 5"[random() % 9]));
            break;
          case 2:
            input.erase(at, random() % 32);
            break;
          default:
            input.insert(at, input.substr(random() % input.size(), random() % 200));
            break;
        }
      }
      Result<Report> report = ReadReport(input, smtp::Envelope{});
      if (!report.ok()) continue;
      ++reports;
      EXPECT_LE(report->recipients.size(), ReadLimits{}.max_recipients);
      for (const RecipientOutcome& outcome : report->recipients) EXPECT_LE(outcome.diagnostic.size(), 512u);
    }
  }
  EXPECT_GT(reports, 1500);
}

// HERALD_BOUNCE_DUMP="lhost-exim-01.eml rfc3464-04.eml" prints what ReadReport makes of those files
// (for studying a disagreement); skipped otherwise.
TEST(BounceCorpus, Dump) {
  const char* files = std::getenv("HERALD_BOUNCE_DUMP");
  if (files == nullptr) GTEST_SKIP() << "set HERALD_BOUNCE_DUMP to a list of eml/ file names";
  std::istringstream names(files);
  for (std::string name; names >> name;) {
    Report report = ReadCorpusFile(Dir("eml") / name);
    std::cout << name << ": " << ToString(report.kind) << " feedback_type=" << report.feedback_type
              << " message_id=" << report.message_id.value_or("-")
              << " original=" << report.original_message_id_header << " omitted=" << report.omitted_recipients
              << "\n";
    for (const RecipientOutcome& outcome : report.recipients)
      std::cout << "  action=" << outcome.action << " " << Describe(report, &outcome) << "\n";
  }
}

}  // namespace
}  // namespace herald::bounces
