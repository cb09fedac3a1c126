// The shared bounce corpus (../shared/corpora/bounces, see its README) for the tests that measure
// bounce classification against Sisimai's verdicts (smtp's ClassifyReply, bounces' ReadReport): where
// it is, its expectations, and how Sisimai's finer reasons map to ours.
//
// Thread-safety: plain functions over constant tables. Untrusted input: test data only.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "smtp/bounce_classification.h"

namespace herald::smtp::testing {

// HERALD_BOUNCE_CORPUS_DIR in the environment, else the directory the test was built with.
inline std::filesystem::path BounceCorpusDir() {
  if (const char* dir = std::getenv("HERALD_BOUNCE_CORPUS_DIR")) return dir;
  return HERALD_BOUNCE_CORPUS_DIR;
}

// The rows of expectations.json (file, index, recipient, status, reason, class, diagnosticcode, …),
// or nullopt when the corpus is not there.
inline std::optional<nlohmann::json> ReadBounceExpectations() {
  std::ifstream in(BounceCorpusDir() / "expectations.json");
  if (!in) return std::nullopt;
  return nlohmann::json::parse(in);
}

// Sisimai's reason → the reasons of ours that say the same thing (ours are coarser; Sisimai's
// "filtered" is a refusal after DATA that is most often an unknown user).
inline const std::map<std::string, std::set<BounceReason>>& SisimaiReasons() {
  using R = BounceReason;
  static const std::map<std::string, std::set<BounceReason>> kMap = {
      {"userunknown", {R::kUserUnknown, R::kBadDestination}},
      {"mailboxfull", {R::kMailboxFull}},
      {"hostunknown", {R::kDomainNotFound}},
      {"notaccept", {R::kDomainNotFound, R::kBadDestination}},
      {"hasmoved", {R::kUserUnknown}},
      {"suspend", {R::kMailboxDisabled}},
      {"filtered", {R::kUserUnknown, R::kPolicyBlocked, R::kContentRejected}},
      {"rejected", {R::kPolicyBlocked}},
      {"blocked", {R::kPolicyBlocked}},
      {"spamdetected", {R::kPolicyBlocked}},
      {"policyviolation", {R::kPolicyBlocked, R::kContentRejected}},
      {"authfailure", {R::kPolicyBlocked}},
      {"requireptr", {R::kPolicyBlocked}},
      {"securityerror", {R::kPolicyBlocked}},
      {"badreputation", {R::kPolicyBlocked, R::kRateLimited}},
      {"virusdetected", {R::kContentRejected}},
      {"contenterror", {R::kContentRejected}},
      {"notcompliantrfc", {R::kContentRejected}},
      {"mesgtoobig", {R::kMessageTooLarge}},
      {"exceedlimit", {R::kMessageTooLarge}},
      {"norelaying", {R::kRelayDenied}},
      {"toomanyconn", {R::kRateLimited}},
      {"speeding", {R::kRateLimited}},
      {"expired", {R::kTemporary}},
      {"networkerror", {R::kTemporary, R::kSystem}},
      {"systemerror", {R::kSystem, R::kTemporary}},
      {"systemfull", {R::kSystem, R::kTemporary}},
      {"mailererror", {R::kSystem}},
      {"syntaxerror", {R::kSystem}},
      {"onhold", {R::kUnknown, R::kTemporary}},
      {"undefined", {R::kUnknown}},
  };
  return kMap;
}

// Where Sisimai and we differ by design (bounce_classification.h): an unknown user refused after
// DATA is "filtered" and soft for Sisimai, user_unknown and hard here; a disabled or suspended
// mailbox is soft for Sisimai, hard here.
inline bool IsPolicyDifference(const std::string& theirs, BounceReason ours) {
  return (theirs == "filtered" && ours == BounceReason::kUserUnknown) ||
         (theirs == "suspend" && ours == BounceReason::kMailboxDisabled);
}

// Prints, for study, how Sisimai's reasons spread over ours (reason: ours×count …) and the rows on
// which the two disagree.
inline void PrintConfusionAndDisagreements(std::ostream& out,
                                           const std::map<std::string, std::map<std::string, int>>& confusion,
                                           const std::vector<std::string>& disagreements) {
  out << "confusion (sisimai reason: ours × count):\n";
  for (const auto& [theirs, counts] : confusion) {
    out << "  " << theirs << ":";
    for (const auto& [mine, count] : counts) out << " " << mine << "×" << count;
    out << "\n";
  }
  out << "disagreements:\n";
  for (const std::string& line : disagreements) out << "  " << line << "\n";
}

}  // namespace herald::smtp::testing
