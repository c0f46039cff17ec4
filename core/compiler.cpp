#include "core/compiler.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/csv_reader.h"
#include "core/input_files.h"

namespace banner {
namespace {

constexpr size_t kMaxExamples = 10;

struct Task {
  size_t file;
  int quarter;
  CsvChunk chunk;
};

// Merge order: quarter, then kind (clicks before conversions so orphans are
// known at once, impressions last), then path order.
int KindOrder(FileKind kind) {
  switch (kind) {
    case FileKind::kClicks: return 0;
    case FileKind::kConversions: return 1;
    case FileKind::kImpressions: return 2;
  }
  return 3;
}

class Build {
 public:
  Build(const CompileOptions& options, CompileResult* result) : options_(options), result_(result) {}

  Status Run() {
    std::vector<InputFile> inputs;
    Status s = DiscoverInputs(options_.input_dir, &inputs);
    if (!s.ok()) return s;
    inputs_ = std::move(inputs);
    s = PlanTasks();
    if (!s.ok()) return s;
    RunWorkers();
    if (!error_.ok()) return error_;
    if (result_->bad_rows > 0 && !options_.reject_bad_rows) {
      return Status::Error(std::to_string(result_->bad_rows) +
                           " row(s) cannot be parsed; fix them, or pass --rejects FILE to set them"
                           " aside and build from the rest");
    }
    return Status::Ok();
  }

 private:
  Status PlanTasks() {
    std::vector<size_t> order(inputs_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const InputName& x = inputs_[a].name;
      const InputName& y = inputs_[b].name;
      if (x.quarter != y.quarter) return x.quarter < y.quarter;
      return KindOrder(x.kind) < KindOrder(y.kind);
    });
    readers_.resize(inputs_.size());
    result_->files.resize(inputs_.size());
    line_base_.assign(inputs_.size(), 1);  // line 1 is the header
    for (size_t i = 0; i < inputs_.size(); ++i) {
      const InputFile& in = inputs_[i];
      FileReport& report = result_->files[i];
      report.record.path = in.relative_path;
      report.record.hash = in.hash;
      report.record.kind = in.name.kind;
      report.record.quarter = in.name.quarter;
      report.record.duplicate_file = in.duplicate_of.has_value();
      if (in.duplicate_of) report.duplicate_of = inputs_[*in.duplicate_of].relative_path;
    }
    for (size_t i : order) {
      const InputFile& in = inputs_[i];
      if (in.duplicate_of) continue;
      Status s = CsvReader::Open(in.relative_path, in.file->bytes(), in.name.kind, &readers_[i]);
      if (!s.ok()) return s;
      result_->input_bytes += in.file->bytes().size();
      for (const CsvChunk& chunk : readers_[i].Split(options_.chunk_bytes)) {
        tasks_.push_back({i, in.name.quarter, chunk});
      }
    }
    slots_.resize(tasks_.size());
    return Status::Ok();
  }

  void RunWorkers() {
    unsigned n = options_.threads ? options_.threads : std::thread::hardware_concurrency();
    n = std::max(1u, n);
    window_ = 4 * n;
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < n; ++i) threads.emplace_back([this] { Work(); });
    Work();
    for (auto& t : threads) t.join();
    if (error_.ok()) FinishQuarter();
  }

  // Take the next task within the window, parse it, then merge whatever is
  // ready in order. Only one thread merges at a time.
  void Work() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] {
        return !error_.ok() || next_task_ == tasks_.size() || next_task_ < next_merge_ + window_;
      });
      if (!error_.ok() || next_task_ == tasks_.size()) return;
      const size_t t = next_task_++;
      lock.unlock();
      auto parsed = std::make_unique<ParsedChunk>();
      readers_[tasks_[t].file].ParseChunk(tasks_[t].chunk, parsed.get());
      if (options_.on_progress) {
        options_.on_progress(parsed_bytes_ += tasks_[t].chunk.bytes.size(), result_->input_bytes);
      }
      lock.lock();
      slots_[t] = std::move(parsed);
      if (merging_) continue;
      merging_ = true;
      while (error_.ok() && next_merge_ < tasks_.size() && slots_[next_merge_]) {
        std::unique_ptr<ParsedChunk> chunk = std::move(slots_[next_merge_]);
        lock.unlock();
        Merge(tasks_[next_merge_], *chunk);
        chunk.reset();
        lock.lock();
        ++next_merge_;
        cv_.notify_all();
      }
      merging_ = false;
    }
  }

  void Merge(const Task& task, ParsedChunk& chunk) {
    const InputFile& in = inputs_[task.file];
    FileReport& report = result_->files[task.file];
    const uint64_t base = line_base_[task.file];
    line_base_[task.file] += chunk.lines;
    if (!chunk.error.ok()) {
      std::lock_guard lock(mu_);
      error_ = Status::Error(in.relative_path + ": " + chunk.error.message());
      return;
    }
    if (task.quarter != quarter_) {
      FinishQuarter();
      quarter_ = task.quarter;
    }

    // Rows rejected here and while parsing, merged by line for the report.
    std::vector<BadRow> rejected;
    std::vector<RejectKind> rejected_kind;
    ChunkLines raw(task.chunk.bytes);
    std::string reason;
    auto reject = [&](uint64_t line, RejectKind kind) {
      rejected.push_back({line, std::move(reason), std::string(raw.Get(line))});
      rejected_kind.push_back(kind);
      reason.clear();
    };

    InputRecord& rec = report.record;
    rec.rows_read += chunk.rows;
    switch (in.name.kind) {
      case FileKind::kImpressions:
        tables_.AddImpressions(chunk.impressions);
        break;
      case FileKind::kClicks:
        for (const ClickRow& row : chunk.clicks) {
          switch (tables_.AddClick(row, &reason)) {
            case RowOutcome::kKept: break;
            case RowOutcome::kDuplicate: ++rec.rows_duplicate; break;
            default: reject(row.line, RejectKind::kConflict); break;
          }
        }
        break;
      case FileKind::kConversions:
        for (const ConversionRow& row : chunk.conversions) {
          switch (tables_.AddConversion(row, &reason)) {
            case RowOutcome::kKept: break;
            case RowOutcome::kDuplicate: ++rec.rows_duplicate; break;
            case RowOutcome::kConflict: reject(row.line, RejectKind::kConflict); break;
            case RowOutcome::kOrphan: reject(row.line, RejectKind::kOrphan); break;
          }
        }
        break;
    }
    result_->peak_table_bytes = std::max(result_->peak_table_bytes, tables_.memory_bytes());

    size_t i = 0, j = 0;
    while (i < chunk.bad.size() || j < rejected.size()) {
      const bool take_bad = j == rejected.size() || (i < chunk.bad.size() && chunk.bad[i].line < rejected[j].line);
      const BadRow& row = take_bad ? chunk.bad[i++] : rejected[j];
      const RejectKind kind = take_bad ? RejectKind::kBad : rejected_kind[j++];
      Report(in.relative_path, base + row.line, kind, row, &report);
    }
    rec.rows_rejected = report.bad_rows + report.conflicts + report.orphans;
    rec.rows_kept = rec.rows_read - rec.rows_duplicate - rec.rows_rejected;
  }

  void Report(const std::string& file, uint64_t line, RejectKind kind, const BadRow& row,
              FileReport* report) {
    const std::string where = file + ":" + std::to_string(line) + ": " + row.reason;
    switch (kind) {
      case RejectKind::kBad:
        ++report->bad_rows;
        if (result_->bad_rows++ < kMaxExamples) result_->bad_row_examples.push_back(where);
        break;
      case RejectKind::kConflict:
      case RejectKind::kOrphan:
        ++(kind == RejectKind::kConflict ? report->conflicts : report->orphans);
        ++(kind == RejectKind::kConflict ? result_->conflicts : result_->orphans);
        if (result_->reject_examples.size() < kMaxExamples) result_->reject_examples.push_back(where);
        break;
    }
    if (options_.on_reject) options_.on_reject({file, line, kind, row.reason, row.text});
  }

  void FinishQuarter() {
    if (quarter_ == 0) return;
    result_->lists[quarter_ - 1] = tables_.Rank(options_.seed, quarter_);
    tables_ = QuarterTables();
    quarter_ = 0;
  }

  const CompileOptions& options_;
  CompileResult* result_;
  std::vector<InputFile> inputs_;
  std::vector<CsvReader> readers_;
  std::vector<Task> tasks_;
  std::vector<uint64_t> line_base_;

  std::mutex mu_;
  std::condition_variable cv_;
  Status error_;                                    // guarded by mu_
  size_t next_task_ = 0, next_merge_ = 0, window_ = 0;  // guarded by mu_
  bool merging_ = false;                            // guarded by mu_
  std::vector<std::unique_ptr<ParsedChunk>> slots_;  // guarded by mu_
  std::atomic<uint64_t> parsed_bytes_{0};

  // Touched only by the merging thread.
  QuarterTables tables_;
  int quarter_ = 0;
};

}  // namespace

std::string_view RejectKindName(RejectKind kind) {
  switch (kind) {
    case RejectKind::kBad: return "bad";
    case RejectKind::kConflict: return "conflict";
    case RejectKind::kOrphan: return "orphan";
  }
  return "unknown";
}

Status Compile(const CompileOptions& options, CompileResult* result) {
  *result = CompileResult{};
  return Build(options, result).Run();
}

}  // namespace banner
