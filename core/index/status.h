// A success-or-error value with a message meant for a person
// ("index.bin: checksum mismatch"). Errors travel as values on every path
// that handles untrusted input, so a bad file never becomes an exception
// thrown across the request path.
#pragma once

#include <string>
#include <utility>

namespace banner {

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return message_.empty(); }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : message_(std::move(message)) {
    if (message_.empty()) message_ = "unknown error";
  }
  std::string message_;
};

}  // namespace banner
