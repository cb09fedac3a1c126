#include "smtp/data_receiver.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace herald::smtp {
namespace {

// The first allocation for the kept message: one reallocation or none for typical messages.
constexpr uint64_t kInitialReserve = 16 * 1024;

const char* Find(const char* from, const char* to, char c) {
  return static_cast<const char*>(std::memchr(from, c, static_cast<size_t>(to - from)));
}

}  // namespace

DataReceiver::DataReceiver(uint64_t max_bytes) : max_bytes_(max_bytes) {}

void DataReceiver::Fail(DataOutcome outcome) {
  if (outcome_ != DataOutcome::kComplete) return;
  outcome_ = outcome;
  std::string().swap(message_);
}

void DataReceiver::Append(std::string_view bytes) {
  size_ += bytes.size();
  if (outcome_ != DataOutcome::kComplete) return;
  if (size_ > max_bytes_) {
    Fail(DataOutcome::kTooLarge);
    return;
  }
  if (message_.capacity() < kInitialReserve) {
    message_.reserve(static_cast<size_t>(std::min(max_bytes_, kInitialReserve)));
  }
  message_.append(bytes);
}

size_t DataReceiver::Feed(std::string_view input) {
  if (done_) return 0;
  const char* const begin = input.data();
  const char* const end = begin + input.size();
  const char* p = begin;
  // The next LF at or after `p`, searched for once and reused while `p` has not passed it (so that
  // many CRs before one far LF cost one scan, not one each); `end` when there is none.
  const char* lf = nullptr;

  while (p < end) {
    switch (state_) {
      case State::kLineStart:
        if (*p == '.') {
          state_ = State::kDot;
          ++p;
        } else {
          state_ = State::kText;
        }
        break;

      case State::kDot:
        if (*p == '\r') {
          state_ = State::kDotCr;
          ++p;
        } else {
          state_ = State::kText;  // the dot was stuffing: dropped
        }
        break;

      case State::kDotCr:
        if (*p == '\n') {
          done_ = true;
          return static_cast<size_t>(p + 1 - begin);
        }
        // ".\r" and no LF: the dot was stuffing and the CR is bare.
        Fail(DataOutcome::kBareLineEnd);
        Append("\r");
        state_ = State::kText;
        break;

      case State::kCr:
        if (*p == '\n') {
          Append("\r\n");
          ++p;
          line_bytes_ = 0;
          state_ = State::kLineStart;
        } else {
          Fail(DataOutcome::kBareLineEnd);
          Append("\r");
          state_ = State::kText;
        }
        break;

      case State::kText: {
        if (lf == nullptr || lf < p) {
          lf = Find(p, end, '\n');
          if (lf == nullptr) lf = end;
        }
        const char* cr = Find(p, lf, '\r');
        const char* stop = cr != nullptr ? cr : lf;
        const size_t run = static_cast<size_t>(stop - p);
        if (outcome_ == DataOutcome::kComplete) {
          // Which limit the run crosses first, by the byte that crosses it.
          const uint64_t line_room = kMaxDataLineBytes - line_bytes_;
          const uint64_t size_room = max_bytes_ - size_;
          if (run > line_room && line_room < size_room) Fail(DataOutcome::kTooLongLine);
        }
        line_bytes_ += run;
        if (cr != nullptr && lf != end && cr + 1 == lf) {  // the usual line: its text and CRLF in one append
          Append(std::string_view(p, run + 2));
          p = lf + 1;
          line_bytes_ = 0;
          state_ = State::kLineStart;
        } else if (cr != nullptr) {  // a CR whose LF, if any, is in the next input
          Append(std::string_view(p, run));
          p = cr + 1;
          state_ = State::kCr;
        } else if (lf != end) {  // an LF without CR: a bare LF does not start a line
          Append(std::string_view(p, run));
          Fail(DataOutcome::kBareLineEnd);
          Append("\n");
          p = lf + 1;
        } else {
          Append(std::string_view(p, run));
          p = end;
        }
        break;
      }
    }
  }
  return input.size();
}

std::string DataReceiver::TakeMessage() {
  std::string message;
  if (outcome_ == DataOutcome::kComplete) message = std::move(message_);
  message_.clear();
  return message;
}

}  // namespace herald::smtp
