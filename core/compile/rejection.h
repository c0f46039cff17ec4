// Rejection: a row the compile sets aside (RejectKind, compiler.h), held with
// its own copy of the reason and text from the merge that rejects it until
// it is reported in input order.
#pragma once

#include <cstdint>
#include <string>

#include "compiler.h"

namespace banner {

struct Rejection {
  uint64_t line;
  RejectKind kind;
  std::string reason;
  std::string text;  // the original line
};

}  // namespace banner
