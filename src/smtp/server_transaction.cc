// ServerSession: the mail transaction — MAIL, RCPT, DATA, the data's outcome and the stored reply.
#include <algorithm>
#include <string>
#include <utility>

#include "smtp/command.h"
#include "smtp/reply.h"
#include "smtp/server_session.h"

namespace herald::smtp {
namespace {

// Room for the text of a reply the connection decides: well within the 512-byte reply line.
constexpr size_t kMaxReplyTextBytes = 400;

// The reply to a malformed MAIL or RCPT argument; `bad_address` differs between the two.
std::string_view ArgumentErrorReply(ArgumentError error, std::string_view syntax,
                                    std::string_view bad_address) {
  switch (error) {
    case ArgumentError::kNone:
    case ArgumentError::kSyntax:
      break;
    case ArgumentError::kBadCharacter:
      return "500 5.5.2 Invalid character in command line";
    case ArgumentError::kBadAddress:
      return bad_address;
    case ArgumentError::kNeedsSmtpUtf8:
      return "553 5.6.7 SMTPUTF8 is required for a non-ASCII address";
    case ArgumentError::kBadParameter:
      return "501 5.5.4 Bad parameter syntax";
    case ArgumentError::kUnsupportedParameter:
      return "555 5.5.4 Unsupported parameter";
  }
  return syntax;
}

// Reply text the peer may see: printable ASCII only (control bytes become spaces, others '?'), cut.
std::string CleanReplyText(std::string_view text) {
  std::string clean;
  clean.reserve(std::min(text.size(), kMaxReplyTextBytes));
  for (char c : text.substr(0, kMaxReplyTextBytes)) {
    const unsigned char u = static_cast<unsigned char>(c);
    clean += u < 0x20 || u == 0x7f ? ' ' : u > 0x7f ? '?' : c;
  }
  return clean;
}

}  // namespace

ServerStep ServerSession::SayServerReply(const ServerReply& reply, bool positive_allowed) {
  const int reply_class = reply.code / 100;
  const bool valid =
      reply.code >= 200 && reply.code <= 599 && reply_class != 3 && (positive_allowed || reply_class != 2);
  if (!valid) return Say("451 4.3.0 Internal error");
  std::string line = std::to_string(reply.code) + " ";
  if (!reply.enhanced_code.empty() &&
      EnhancedCodeLength(reply.enhanced_code, reply_class) == reply.enhanced_code.size()) {
    line += reply.enhanced_code;
  } else {
    line += std::to_string(reply_class) + ".0.0";
  }
  std::string text = CleanReplyText(reply.text);
  if (!text.empty()) line += " " + text;
  return Say(line, reply.code == 421 ? Action::kClose : Action::kNone);
}

ServerStep ServerSession::OnMail(std::string_view argument) {
  if (client_name_.empty()) return Say("503 5.5.1 Send EHLO first");
  if (in_transaction_) return Say("503 5.5.1 Nested MAIL command");
  if (!authorized_ && !options_.inbound) return Say("530 5.7.0 Authentication required");
  if (require_tls_ && !tls_) return Say("530 5.7.0 Must issue a STARTTLS command first");
  MailArguments mail = ParseMailArguments(argument);
  if (mail.error != ArgumentError::kNone) {
    return Say(ArgumentErrorReply(mail.error, "501 5.5.4 Syntax: MAIL FROM:<address>",
                                  "501 5.1.7 Bad sender address syntax"));
  }
  if (mail.declared_size && *mail.declared_size > options_.max_message_bytes) {
    return Say("552 5.3.4 Message size exceeds fixed maximum message size");
  }
  if (check_sender_) {
    if (std::optional<ServerReply> refusal = check_sender_(mail.sender)) {
      return SayServerReply(*refusal, /*positive_allowed=*/false);
    }
  }
  envelope_.mail_from = std::move(mail.sender);
  envelope_.smtputf8 = mail.smtputf8;
  envelope_.eight_bit_mime = mail.eight_bit_mime;
  envelope_.declared_size = mail.declared_size;
  in_transaction_ = true;
  return Say("250 2.1.0 Sender OK");
}

ServerStep ServerSession::OnRcpt(std::string_view argument) {
  if (!in_transaction_) return Say("503 5.5.1 Need MAIL command");
  ++recipients_tried_;
  RcptArguments rcpt = ParseRcptArguments(argument, envelope_.smtputf8);
  if (rcpt.error != ArgumentError::kNone) {
    return Say(ArgumentErrorReply(rcpt.error, "501 5.5.4 Syntax: RCPT TO:<address>",
                                  "501 5.1.3 Bad recipient address syntax"));
  }
  if (envelope_.rcpt_to.size() >= options_.max_recipients) {
    ++recipients_over_;
    return Say("452 4.5.3 Too many recipients", Action::kNone,
               /*counts_as_error=*/recipients_over_ > kRecipientOvershoot);
  }
  if (check_recipient_) {
    if (std::optional<ServerReply> refusal = check_recipient_(rcpt.recipient)) {
      return SayServerReply(*refusal, /*positive_allowed=*/false);
    }
  }
  envelope_.rcpt_to.push_back(std::move(rcpt.recipient));
  return Say("250 2.1.5 Recipient OK");
}

ServerStep ServerSession::OnDataCommand(std::string_view argument) {
  if (!argument.empty()) return Say("501 5.5.4 Syntax: DATA");
  if (!in_transaction_) return Say("503 5.5.1 Need MAIL command");
  if (envelope_.rcpt_to.empty()) {
    // RFC 2920 §3.1: after pipelined RCPTs that were all refused.
    return Say(recipients_tried_ > 0 ? "554 5.5.1 No valid recipients" : "503 5.5.1 Need RCPT command");
  }
  return Say("354 End data with <CR><LF>.<CR><LF>", Action::kReadData);
}

ServerStep ServerSession::OnData(DataOutcome outcome) {
  if (waiting_ == Waiting::kClosed) return ServerStep{"", Action::kClose};
  if (waiting_ != Waiting::kData) return Misused();
  std::string_view refusal;
  switch (outcome) {
    case DataOutcome::kComplete:
      return Finish(ServerStep{"", Action::kStore});
    case DataOutcome::kTooLarge:
      refusal = "552 5.3.4 Message size exceeds fixed maximum message size";
      break;
    case DataOutcome::kBareLineEnd:
      refusal = "550 5.6.0 Message contains a bare CR or LF; lines must end with CRLF";
      break;
    case DataOutcome::kTooLongLine:
      refusal = "550 5.6.0 Message contains a line longer than 998 bytes";
      break;
  }
  ResetTransaction();
  return Finish(Say(refusal));
}

ServerStep ServerSession::OnStored(const ServerReply& reply) {
  if (waiting_ == Waiting::kClosed) return ServerStep{"", Action::kClose};
  if (waiting_ != Waiting::kStored) return Misused();
  ResetTransaction();
  if (reply.code >= 200 && reply.code <= 299) {
    // Mail delivered: the client is doing its job (Postfix resets its counts here too).
    errors_ = 0;
    junk_commands_ = 0;
  }
  return Finish(SayServerReply(reply, /*positive_allowed=*/true));
}

}  // namespace herald::smtp
