// Status and Result<T>: expected failures as values (STYLE habit 2).
//
// A Status is either OK or carries a Code and a human-readable message. Result<T> holds a T or a
// non-OK Status. Exceptions never cross a module boundary; functions whose failure is part of
// normal operation (bad input, I/O, a peer's refusal) return one of these instead.
//
// Thread-safety: plain values; distinct objects may be used from distinct threads.
// Untrusted input: the message text is for logs and operators; callers choose what a peer sees.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace herald {

enum class Code {
  kOk = 0,
  kInvalidArgument,   // the caller's input is wrong; retrying the same input fails again
  kNotFound,
  kAlreadyExists,
  kUnauthenticated,
  kPermissionDenied,
  kResourceExhausted,  // a limit was reached
  kFailedPrecondition,
  kUnavailable,  // a peer or resource is temporarily unavailable; retrying may succeed
  kIoError,
  kCorruption,
  kInternal,
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status IoError(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "not_found: no such message" — for logs.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T>: a value, or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok() && "Result built from an OK Status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace herald

// Returns early from the enclosing function with the Status of a failed expression.
#define HERALD_RETURN_IF_ERROR(expr)        \
  do {                                      \
    ::herald::Status herald_status_ = (expr); \
    if (!herald_status_.ok()) return herald_status_; \
  } while (0)
