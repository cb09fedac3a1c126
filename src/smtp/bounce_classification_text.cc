#include "smtp/bounce_classification_text.h"

#include <string>
#include <vector>

namespace herald::smtp {
namespace {

struct PhraseGroup {
  BounceReason reason;
  bool overrides_status_code;
  std::vector<std::string_view> phrases;
};

// Checked top to bottom; the first group with a match decides. Groups about the sender, the
// connection or the volume come before the groups about the recipient, whose words they reuse
// ("Sender address rejected: Domain not found", "Blocked IP … connection frequency limited").
// Recipient groups come before the general policy words, so a refusal that names the recipient
// ("Mailbox not found or access denied") is taken as being about the recipient.
const std::vector<PhraseGroup>& Groups() {
  // clang-format off
  static const std::vector<PhraseGroup> kGroups = {
      // Volume: checked first, as throttling notices also name the sender ("your IP address"). A
      // server that says it is throttling is believed over its status code: some send 5.1.1 with
      // "has sent to too many recipients this hour", and suppressing the address for it would be wrong.
      {BounceReason::kRateLimited, true,
       {"relay quota", "sending quota", "daily quota", "hourly quota", "sending limit", "daily limit",
        "hourly limit", "too many connections", "too many concurrent", "concurrent connections",
        "too many sessions", "connection limit", "connections limit", "connection rate", "too many messages",
        "too many emails", "too many mails", "too many recipients", "too much mail", "rate limit*",
        "ratelimit*", "rate exceeded", "exceeded the rate", "sending rate", "message rate", "unusual rate",
        "receiving mail at a rate", "throttl*", "frequency limited", "connection frequency", "too fast",
        "slow down", "unexpected volume", "high volume", "volume of mail", "busy"}},
      // Blocklists: about the sending host, whatever the status code says ("553 5.1.3 http://www.spamhaus
      // .org/query/bl?ip=…", or a DSN that maps the remote's 5.7.1 to 5.1.1); suppressing the address
      // would be wrong.
      {BounceReason::kPolicyBlocked, true,
       {"blacklisted", "blocklisted", "blacklist*", "blocklist*", "black list*", "block list", "dnsbl",
        "spamhaus", "spamcop", "uribl", "surbl"}},
      // A name server that failed to answer, as MTAs report it in DSNs ("Host not found, try again",
      // Postfix's words for a DNS timeout, beside its "Host or domain name not found" for NXDOMAIN): the
      // domain may well exist.
      {BounceReason::kTemporary, true,
       {"host not found try again", "name server reply", "temporary failure in name resolution"}},
      // Content named precisely (before the sender group: "Duplicate header 'DKIM-Signature'").
      {BounceReason::kContentRejected, false,
       {"virus*", "malware", "infected", "trojan", "dangerous attachment", "forbidden attachment",
        "banned attachment", "executable", "duplicate header", "headers too large", "header too large",
        "too many headers", "invalid header", "malformed header", "header syntax", "rfc 5322 compliant",
        "multiple addresses in from", "multiple subject", "multiple from"}},
      // Who is sending: the envelope sender, the client host, its name or its authentication.
      {BounceReason::kPolicyBlocked, false,
       {"from domain", "client ip", "invalid ip", "my name was rejected", "sender address rejected",
        "sender rejected", "sender domain", "sender verify", "sender verification", "unroutable sender",
        "sender is not", "invalid sender", "bad sender", "sender denied", "sender blocked",
        "client host rejected", "helo command rejected", "unauthenticated", "not authenticated",
        "smtp authentication", "authentication required", "spf", "dkim", "dmarc", "reverse dns", "ptr record",
        "rdns", "reverse lookup", "cannot find your hostname", "cannot resolve your", "your ip", "your host",
        "your server", "your network", "sender does not exist", "sender address does not exist",
        "sender unknown", "unknown sender", "sender address has"}},
      {BounceReason::kRelayDenied, false,
       {"relay access denied", "relaying denied", "relay denied", "relay not permitted",
        "relaying not permitted", "relay not allowed", "relaying not allowed", "relay prohibited",
        "relaying prohibited", "unable to relay", "cannot relay", "can not relay", "not permitted to relay",
        "not allowed to relay", "we do not relay", "does not relay", "not configured to relay", "no relaying",
        "relaying to", "rcpthosts", "not a gateway", "not local and not a gateway",
        "not in my list of allowed"}},
      // A full mailbox is believed over a firm code: qmail and others send "over quota (#5.1.1)", and a
      // full mailbox must not read as a dead address.
      {BounceReason::kMailboxFull, true,
       {"mailbox full", "mailbox is full", "mail box full", "mailbox has exceeded", "mailbox exceeds",
        "mailbox size limit", "mailbox quota", "quota*", "over quota", "overquota", "exceeded storage",
        "exceeded its storage", "storage allocation", "out of storage", "storage space", "inbox is full",
        "inbox full", "box full", "box is full", "mailfolder is full", "account is full", "full mailbox",
        "mailbox is over", "user is over", "insufficient space", "not enough space", "mailbox exceeded"}},
      {BounceReason::kMessageTooLarge, false,
       {"too large", "too big", "message size", "mail size", "size limit", "size exceeds", "exceeds size",
        "exceeds the size", "exceeds the maximum size", "exceeds maximum size", "exceeds the maximum message",
        "exceeds the maximum allowed", "maximum message size", "maximum size", "message length exceeds",
        "message is larger", "message larger", "larger than", "size of the message", "message exceeds",
        "size exceeded"}},
      {BounceReason::kMailboxDisabled, false,
       {"account disabled", "account is disabled", "account has been disabled", "mailbox disabled",
        "mailbox is disabled", "mailbox has been disabled", "user disabled", "disableduser",
        "reach is disabled", "is inactive", "inactive account", "inactive mailbox", "account inactive",
        "mailbox inactive", "account suspended", "account is suspended", "account has been suspended",
        "mailbox suspended", "mailbox is suspended", "mailbox has been suspended", "user suspended",
        "suspended account", "suspended mailbox", "deactivated", "account expired", "account closed",
        "account has been closed", "mailbox closed", "no longer active", "account is locked",
        "mailbox is locked", "account is frozen", "mailbox is frozen", "discontinued", "disabled recipient"}},
      {BounceReason::kDomainNotFound, false,
       {"domain not found", "domain does not exist", "domain doesn't exist", "no such domain",
        "unknown domain", "domain unknown", "domain name not found", "invalid domain", "domain is invalid",
        "not a valid domain", "host not found", "host unknown", "unknown host",
        "host or domain name not found", "name or service not known", "nxdomain", "no mx", "null mx",
        "unrouteable address", "unroutable address", "couldn't find a mail exchanger",
        "could not find a mail exchanger", "no mail exchanger", "does not accept mail", "accepts no mail",
        "no mail server", "no smtp service"}},
      {BounceReason::kUserUnknown, false,
       {"user unknown", "unknown user", "unknown recipient", "recipient unknown", "unknown address",
        "address unknown", "unknown mailbox", "mailbox unknown", "unknown local part",
        "unknown or illegal alias", "addressee unknown", "user not known", "no such user*", "no such mailbox",
        "no such recipient", "no such account", "no such address", "no such person", "no mailbox",
        "mailbox not found", "recipient not found", "user not found", "address not found",
        "account not found", "recipnotfound", "recipientnotfound", "recipient address rejected access denied",
        "mailbox unavailable", "does not exist", "doesn't exist", "do not exist", "not exist",
        "invalid recipient", "recipient invalid", "invalid mailbox", "invalid user", "invalid address",
        "bad destination mailbox", "not a valid mailbox", "not a valid recipient", "is not a known user",
        "not our customer", "user doesn't have", "doesn't have an account", "no valid recipient*",
        "no longer with", "not listed in", "mailbox name not allowed", "undeliverable address"}},
      // The network (before the policy words: "connection refused" is not a refusal by policy).
      {BounceReason::kTemporary, false,
       {"timed out", "timeout", "connection refused", "connection reset", "unreachable", "no route to host",
        "socket error", "not responding", "did not accept our requests", "failing for a long time"}},
      // What is sent, or who sent it, in general terms.
      {BounceReason::kPolicyBlocked, false,
       {"spam*", "filtered", "unwanted", "blocked", "blocking", "denylist*", "deny list", "rbl", "sbl",
        "xbl", "pbl", "barracuda", "sorbs", "listed", "reputation", "policy", "policies", "unsolicited",
        "bulk", "ube", "uce", "junk", "abuse", "complaint*", "not authorized", "unauthorized", "not allowed",
        "access denied", "prohibit*", "banned", "suspicious", "phishing", "fraud*", "refused", "denied",
        "security", "not accepted", "not permitted"}},
      {BounceReason::kContentRejected, false,
       {"content", "attachment*", "mime", "malformed", "not rfc", "rfc 5322", "rfc5322", "rfc 2822",
        "rfc2822", "rfc 822", "rfc822", "header*", "line too long", "bare lf", "8bit", "message body",
        "encoding", "character set", "charset"}},
      {BounceReason::kSystem, false,
       {"loop*", "too many hops", "hop count", "mailer error", "local error", "configuration error",
        "misconfigured", "internal error", "server error", "system error", "syntax error",
        "command unrecognized", "unrecognized command", "command not recognized", "protocol error",
        "bad sequence", "insufficient system", "system storage", "disk full", "disk space", "no space left",
        "insufficient permission", "permission denied", "procmail", "not implemented", "improper sequence",
        "command parameter", "no such file or directory"}},
      // Greylisting, or a message that waited too long (as a DSN reports it).
      {BounceReason::kTemporary, false,
       {"greylist*", "graylist*", "grey listed", "gray listed", "grey listing", "gray listing",
        "retry timeout", "giving up", "gave up", "expired", "too long", "delivery time",
        "not delivered within", "aborted after"}},
  };
  // clang-format on
  return kGroups;
}

bool IsWordByte(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Lower-case words separated by single spaces, with a space at both ends: " user unknown ".
std::string Fold(std::string_view text) {
  std::string folded = " ";
  for (unsigned char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    if (IsWordByte(c)) {
      folded += static_cast<char>(c);
    } else if (folded.back() != ' ') {
      folded += ' ';
    }
  }
  if (folded.back() != ' ') folded += ' ';
  return folded;
}

struct FoldedGroup {
  TextReason verdict;
  std::vector<std::string> needles;  // " user unknown " or, for a prefix, " throttl"
};

const std::vector<FoldedGroup>& FoldedGroups() {
  static const std::vector<FoldedGroup> kFolded = [] {
    std::vector<FoldedGroup> groups;
    for (const PhraseGroup& group : Groups()) {
      FoldedGroup folded{{group.reason, group.overrides_status_code}, {}};
      for (std::string_view phrase : group.phrases) {
        bool prefix = phrase.ends_with('*');
        if (prefix) phrase.remove_suffix(1);
        std::string needle = Fold(phrase);
        if (prefix) needle.pop_back();
        folded.needles.push_back(std::move(needle));
      }
      groups.push_back(std::move(folded));
    }
    return groups;
  }();
  return kFolded;
}

}  // namespace

std::optional<TextReason> ReasonFromText(std::string_view text) {
  std::string folded = Fold(text.substr(0, kMaxClassifiedTextBytes));
  for (const FoldedGroup& group : FoldedGroups()) {
    for (const std::string& needle : group.needles) {
      if (folded.find(needle) != std::string::npos) return group.verdict;
    }
  }
  return std::nullopt;
}

}  // namespace herald::smtp
