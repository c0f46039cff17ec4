#include "reject_report.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace banner {
namespace {

Rejection Row(uint64_t line, RejectKind kind) {
  return {line, kind, "reason " + std::to_string(line), "text " + std::to_string(line)};
}

// Collects what a RejectReport passes to on_reject as "file:line".
struct Collector {
  std::vector<std::string> seen;
  std::function<void(const RejectedRow&)> on_reject = [this](const RejectedRow& row) {
    seen.push_back(row.file + ":" + std::to_string(row.line));
  };
};

}  // namespace

TEST_CASE("rejected rows are reported in quarter order, whatever order the quarters finish in") {
  Collector c;
  CompileResult result;
  RejectReport report(c.on_reject, &result);
  const std::string q1 = "1/clicks_1.csv", q2 = "2/clicks_2.csv", q3 = "3/clicks_3.csv",
                    q4 = "4/clicks_4.csv";

  report.Add(2, q2, {Row(5, RejectKind::kConflict)});
  CHECK(c.seen.empty());  // held until quarter 1 is finished
  report.Add(1, q1, {Row(3, RejectKind::kBad), Row(4, RejectKind::kOrphan)});
  CHECK(c.seen == std::vector<std::string>{q1 + ":3", q1 + ":4"});
  report.Add(3, q3, {Row(7, RejectKind::kOrphan)});
  report.FinishQuarter(2);
  CHECK(c.seen.size() == 2);  // quarter 1 still merging
  report.FinishQuarter(1);
  // Quarter 2's rows, and what quarter 3 holds so far, now that 1 and 2 are done.
  CHECK(c.seen == std::vector<std::string>{q1 + ":3", q1 + ":4", q2 + ":5", q3 + ":7"});
  report.Add(3, q3, {Row(9, RejectKind::kBad)});
  report.Add(4, q4, {Row(2, RejectKind::kBad)});
  CHECK(c.seen.back() == q3 + ":9");
  report.FinishQuarter(3);
  CHECK(c.seen.back() == q4 + ":2");
  CHECK(c.seen.size() == 6);

  CHECK(result.bad_rows == 3);
  CHECK(result.conflicts == 1);
  CHECK(result.orphans == 2);
  CHECK(result.bad_row_examples ==
        std::vector<std::string>{q1 + ":3: reason 3", q3 + ":9: reason 9", q4 + ":2: reason 2"});
  CHECK(result.reject_examples ==
        std::vector<std::string>{q1 + ":4: reason 4", q2 + ":5: reason 5", q3 + ":7: reason 7"});
}

TEST_CASE("a quarter without inputs, finished up front, does not hold back the next") {
  Collector c;
  CompileResult result;
  RejectReport report(c.on_reject, &result);
  report.FinishQuarter(1);
  report.Add(2, "2/conversions_2.csv", {Row(8, RejectKind::kOrphan)});
  CHECK(c.seen == std::vector<std::string>{"2/conversions_2.csv:8"});
}

TEST_CASE("every rejected row is counted but only the first ten kept as examples") {
  CompileResult result;
  const std::function<void(const RejectedRow&)> none;
  RejectReport report(none, &result);
  const std::string file = "1/clicks_1.csv";
  std::vector<Rejection> rows;
  for (uint64_t line = 2; line < 16; ++line) rows.push_back(Row(line, RejectKind::kBad));
  for (uint64_t line = 16; line < 30; ++line) {
    rows.push_back(Row(line, line % 2 ? RejectKind::kConflict : RejectKind::kOrphan));
  }
  report.Add(1, file, std::move(rows));
  CHECK(result.bad_rows == 14);
  CHECK(result.conflicts + result.orphans == 14);
  CHECK(result.bad_row_examples.size() == 10);
  CHECK(result.bad_row_examples.front() == file + ":2: reason 2");
  CHECK(result.reject_examples.size() == 10);
  CHECK(result.reject_examples.back() == file + ":25: reason 25");
}

}  // namespace banner
