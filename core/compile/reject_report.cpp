#include "reject_report.h"

#include <utility>

namespace banner {
namespace {

constexpr size_t kMaxExamples = 10;

}  // namespace

RejectReport::RejectReport(const std::function<void(const RejectedRow&)>& on_reject,
                           CompileResult* result)
    : on_reject_(on_reject), result_(result) {}

void RejectReport::Add(int quarter, const std::string& file, std::vector<Rejection> rows) {
  MutexLock lock(&mu_);
  if (quarter == reporting_quarter_) {
    for (const Rejection& row : rows) Emit(file, row);
  } else {
    for (Rejection& row : rows) held_[quarter - 1].push_back({&file, std::move(row)});
  }
}

void RejectReport::FinishQuarter(int quarter) {
  MutexLock lock(&mu_);
  finished_[quarter - 1] = true;
  Advance();
}

void RejectReport::Emit(const std::string& file, const Rejection& row) {
  const auto where = [&] { return file + ":" + std::to_string(row.line) + ": " + row.reason; };
  if (row.kind == RejectKind::kBad) {
    if (result_->bad_rows++ < kMaxExamples) result_->bad_row_examples.push_back(where());
  } else {
    ++(row.kind == RejectKind::kConflict ? result_->conflicts : result_->orphans);
    if (result_->reject_examples.size() < kMaxExamples) result_->reject_examples.push_back(where());
  }
  if (on_reject_) on_reject_({file, row.line, row.kind, row.reason, row.text});
}

// Moves the reporting quarter past every finished quarter, emitting what
// each held, and the rows held so far by the first unfinished one.
void RejectReport::Advance() {
  while (reporting_quarter_ <= kQuarters) {
    std::vector<Held>& held = held_[reporting_quarter_ - 1];
    for (const Held& h : held) Emit(*h.file, h.row);
    held = {};
    if (!finished_[reporting_quarter_ - 1]) break;
    ++reporting_quarter_;
  }
}

}  // namespace banner
