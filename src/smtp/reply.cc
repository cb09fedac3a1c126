#include "smtp/reply.h"

#include <cstring>

namespace herald::smtp {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Number of digits (1..3) at `text[pos]`, or 0.
size_t DigitRun(std::string_view text, size_t pos) {
  size_t n = 0;
  while (pos + n < text.size() && n < 4 && IsDigit(text[pos + n])) ++n;
  return n >= 1 && n <= 3 ? n : 0;
}

}  // namespace

std::string Reply::Text() const {
  std::string text;
  for (const std::string& line : lines) {
    if (!text.empty() && !line.empty()) text += ' ';
    text += line;
  }
  return text;
}

Result<ReplyLine> ParseReplyLine(std::string_view line) {
  if (line.size() < 3 || !IsDigit(line[0]) || !IsDigit(line[1]) || !IsDigit(line[2]) || line[0] < '2' ||
      line[0] > '5') {
    return Status::InvalidArgument("reply line does not start with a reply code");
  }
  ReplyLine parsed;
  parsed.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (line.size() == 3) {
    parsed.last = true;
    return parsed;
  }
  if (line[3] != ' ' && line[3] != '-') {
    return Status::InvalidArgument("reply code not followed by a space or a hyphen");
  }
  parsed.last = line[3] == ' ';
  parsed.text = line.substr(4);
  return parsed;
}

size_t EnhancedCodeLength(std::string_view text, int reply_class) {
  if (text.size() < 5 || text[0] != static_cast<char>('0' + reply_class) || text[1] != '.') return 0;
  size_t subject = DigitRun(text, 2);
  if (subject == 0 || 2 + subject >= text.size() || text[2 + subject] != '.') return 0;
  size_t detail_at = 3 + subject;
  size_t detail = DigitRun(text, detail_at);
  if (detail == 0) return 0;
  size_t end = detail_at + detail;
  if (end < text.size() && text[end] != ' ') return 0;
  return end;
}

Status ReplyParser::Feed(std::string_view bytes) {
  while (status_.ok() && !bytes.empty()) {
    const void* newline = std::memchr(bytes.data(), '\n', bytes.size());
    size_t take =
        newline ? static_cast<size_t>(static_cast<const char*>(newline) - bytes.data()) : bytes.size();
    // The line so far plus its terminator must fit in the limit.
    if (line_.size() + take + 1 > kMaxReplyLineBytes) {
      status_ =
          Status::InvalidArgument("reply line longer than " + std::to_string(kMaxReplyLineBytes) + " bytes");
      break;
    }
    line_.append(bytes.data(), take);
    if (!newline) break;
    bytes.remove_prefix(take + 1);
    std::string_view line = line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    status_ = OnLine(line);
    line_.clear();
  }
  return status_;
}

Status ReplyParser::OnLine(std::string_view line) {
  Result<ReplyLine> parsed = ParseReplyLine(line);
  if (!parsed.ok()) return parsed.status();
  if (pending_.lines.empty()) {
    pending_.code = parsed->code;
    std::string_view text = parsed->text;
    if (size_t n = EnhancedCodeLength(text, pending_.Class())) {
      pending_.enhanced_code = std::string(text.substr(0, n));
      text.remove_prefix(n < text.size() ? n + 1 : n);
    }
    pending_.lines.emplace_back(text);
  } else {
    if (parsed->code != pending_.code) {
      return Status::InvalidArgument("reply line with code " + std::to_string(parsed->code) +
                                     " continues a reply with code " + std::to_string(pending_.code));
    }
    if (pending_.lines.size() >= kMaxReplyLines) {
      return Status::InvalidArgument("reply longer than " + std::to_string(kMaxReplyLines) + " lines");
    }
    std::string_view text = parsed->text;
    const std::string& enhanced = pending_.enhanced_code;
    if (!enhanced.empty() && text.starts_with(enhanced) &&
        EnhancedCodeLength(text, pending_.Class()) == enhanced.size()) {
      text.remove_prefix(enhanced.size() < text.size() ? enhanced.size() + 1 : enhanced.size());
    }
    pending_.lines.emplace_back(text);
  }
  if (parsed->last) {
    complete_.push_back(std::move(pending_));
    pending_ = Reply();
  }
  return Status::Ok();
}

std::optional<Reply> ReplyParser::Next() {
  if (complete_.empty()) return std::nullopt;
  Reply reply = std::move(complete_.front());
  complete_.pop_front();
  return reply;
}

Result<Reply> ParseReply(std::string_view text) {
  ReplyParser parser;
  HERALD_RETURN_IF_ERROR(parser.Feed(text));
  std::optional<Reply> reply = parser.Next();
  if (!reply) return Status::InvalidArgument("incomplete reply");
  if (parser.Next() || parser.HasPartialReply()) return Status::InvalidArgument("more than one reply");
  return std::move(*reply);
}

}  // namespace herald::smtp
