// RejectReport: rejected rows reported in input order although quarters
// merge concurrently. The lowest unfinished quarter reports at once; a later
// quarter holds its rows until every quarter before it is finished. Each row
// reported is counted and, among the first few, kept as an example in the
// CompileResult, then passed to on_reject.
//
// Thread-safe: Add and FinishQuarter may be called from any thread, but the
// rows of one quarter must be added in input order (one merging thread per
// quarter does). on_reject runs under the report's lock, so from one thread
// at a time. The file names passed to Add must outlive the report.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "compiler.h"
#include "index_format.h"
#include "mutex.h"
#include "rejection.h"

namespace banner {

class RejectReport {
 public:
  // *result receives the counts and examples; on_reject may be empty.
  RejectReport(const std::function<void(const RejectedRow&)>& on_reject, CompileResult* result);

  // Rows of `file`, a file of `quarter`, sorted by line (the file's own
  // line numbers).
  void Add(int quarter, const std::string& file, std::vector<Rejection> rows);
  // After the quarter's last Add: reports what later quarters have held.
  void FinishQuarter(int quarter);

 private:
  struct Held {
    const std::string* file;
    Rejection row;
  };

  void Emit(const std::string& file, const Rejection& row) REQUIRES(mu_);
  void Advance() REQUIRES(mu_);

  const std::function<void(const RejectedRow&)>& on_reject_;
  Mutex mu_;
  CompileResult* const result_ PT_GUARDED_BY(mu_);  // the counts and examples
  std::array<bool, kQuarters> finished_ GUARDED_BY(mu_) = {};
  int reporting_quarter_ GUARDED_BY(mu_) = 1;
  std::array<std::vector<Held>, kQuarters> held_ GUARDED_BY(mu_);
};

}  // namespace banner
