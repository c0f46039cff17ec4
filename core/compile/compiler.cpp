#include "compiler.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "csv_reader.h"
#include "input_files.h"

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
    Status s = DiscoverInputs(options_.input_dir, &inputs_);
    if (!s.ok()) return s;
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
    for (size_t t = 0; t < tasks_.size(); ++t) {
      Lane& lane = lanes_[tasks_[t].quarter - 1];
      if (lane.next == lane.end) lane.next = t;
      lane.end = t + 1;
    }
    for (int q = 0; q < kQuarters; ++q) done_[q] = lanes_[q].next == lanes_[q].end;
    AdvanceReporting();
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
  }

  // The oldest task not merged yet: parsing may run at most window_ ahead of
  // it, which bounds the parsed chunks held in memory.
  size_t OldestUnmerged() const {
    size_t oldest = tasks_.size();
    for (const Lane& lane : lanes_) {
      if (lane.next < lane.end) oldest = std::min(oldest, lane.next);
    }
    return oldest;
  }

  // Take the next task within the window, parse it, then merge whatever its
  // quarter has ready, in order. Quarters merge in parallel; within a quarter
  // one thread merges at a time.
  void Work() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] {
        return !error_.ok() || next_task_ == tasks_.size() || next_task_ < OldestUnmerged() + window_;
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
      Lane& lane = lanes_[tasks_[t].quarter - 1];
      if (lane.merging) continue;
      lane.merging = true;
      while (error_.ok() && lane.next < lane.end && slots_[lane.next]) {
        std::unique_ptr<ParsedChunk> chunk = std::move(slots_[lane.next]);
        const size_t m = lane.next;
        lock.unlock();
        Merge(tasks_[m], *chunk, &lane);
        chunk.reset();
        inputs_[tasks_[m].file].file->DropPages(tasks_[m].chunk.bytes);
        if (m + 1 == lane.end) FinishQuarter(tasks_[m].quarter, &lane);
        lock.lock();
        ++lane.next;
        cv_.notify_all();
      }
      lane.merging = false;
    }
  }

  struct Lane {
    size_t next = 0, end = 0;  // this quarter's tasks: [first, end); guarded by mu_
    bool merging = false;      // guarded by mu_
    QuarterTables tables;      // touched only by the lane's merging thread
  };

  void Merge(const Task& task, ParsedChunk& chunk, Lane* lane) {
    const InputFile& in = inputs_[task.file];
    FileReport& report = result_->files[task.file];
    const uint64_t base = line_base_[task.file];
    line_base_[task.file] += chunk.lines;
    if (!chunk.error.ok()) {
      std::lock_guard lock(mu_);
      error_ = Status::Error(in.relative_path + ":" + std::to_string(base + chunk.error_line) + ": " +
                             chunk.error.message());
      return;
    }
    QuarterTables& tables = lane->tables;
    constexpr size_t kPrefetchDistance = 16;

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
        tables.AddImpressions(chunk.impressions);
        break;
      case FileKind::kClicks:
        for (size_t r = 0; r < chunk.clicks.size(); ++r) {
          if (r + kPrefetchDistance < chunk.clicks.size()) tables.PrefetchClick(chunk.clicks[r + kPrefetchDistance]);
          const ClickRow& row = chunk.clicks[r];
          switch (tables.AddClick(row, &reason)) {
            case RowOutcome::kKept: break;
            case RowOutcome::kDuplicate: ++rec.rows_duplicate; break;
            default: reject(row.line, RejectKind::kConflict); break;
          }
        }
        break;
      case FileKind::kConversions:
        for (size_t r = 0; r < chunk.conversions.size(); ++r) {
          if (r + kPrefetchDistance < chunk.conversions.size()) {
            tables.PrefetchConversion(chunk.conversions[r + kPrefetchDistance]);
          }
          const ConversionRow& row = chunk.conversions[r];
          switch (tables.AddConversion(row, &reason)) {
            case RowOutcome::kKept: break;
            case RowOutcome::kDuplicate: ++rec.rows_duplicate; break;
            case RowOutcome::kConflict: reject(row.line, RejectKind::kConflict); break;
            case RowOutcome::kOrphan: reject(row.line, RejectKind::kOrphan); break;
          }
        }
        break;
    }
    {
      std::lock_guard lock(report_mu_);
      table_bytes_[task.quarter - 1] = tables.memory_bytes();
      size_t total = 0;
      for (size_t b : table_bytes_) total += b;
      result_->peak_table_bytes = std::max(result_->peak_table_bytes, total);
    }

    size_t i = 0, j = 0;
    while (i < chunk.bad.size() || j < rejected.size()) {
      const bool take_bad = j == rejected.size() || (i < chunk.bad.size() && chunk.bad[i].line < rejected[j].line);
      BadRow& row = take_bad ? chunk.bad[i++] : rejected[j];
      const RejectKind kind = take_bad ? RejectKind::kBad : rejected_kind[j++];
      ++(kind == RejectKind::kBad ? report.bad_rows : kind == RejectKind::kConflict ? report.conflicts : report.orphans);
      Report(task.quarter, {task.file, base + row.line, kind, std::move(row.reason), std::move(row.text)});
    }
    rec.rows_rejected = report.bad_rows + report.conflicts + report.orphans;
    rec.rows_kept = rec.rows_read - rec.rows_duplicate - rec.rows_rejected;
  }

  struct Rejection {
    size_t file;
    uint64_t line;
    RejectKind kind;
    std::string reason, text;
  };

  // Lanes merge concurrently, but rejected rows are reported in input order:
  // the lowest unfinished quarter reports at once, later quarters hold their
  // rows until every quarter before them is done.
  void Report(int quarter, Rejection r) {
    std::lock_guard lock(report_mu_);
    if (quarter == reporting_quarter_) {
      Emit(r);
    } else {
      held_[quarter - 1].push_back(std::move(r));
    }
  }

  void Emit(const Rejection& r) {  // REQUIRES: report_mu_ held
    const std::string& file = inputs_[r.file].relative_path;
    const auto where = [&] { return file + ":" + std::to_string(r.line) + ": " + r.reason; };
    if (r.kind == RejectKind::kBad) {
      if (result_->bad_rows++ < kMaxExamples) result_->bad_row_examples.push_back(where());
    } else {
      ++(r.kind == RejectKind::kConflict ? result_->conflicts : result_->orphans);
      if (result_->reject_examples.size() < kMaxExamples) result_->reject_examples.push_back(where());
    }
    if (options_.on_reject) options_.on_reject({file, r.line, r.kind, r.reason, r.text});
  }

  void FinishQuarter(int quarter, Lane* lane) {
    result_->lists[quarter - 1] = lane->tables.Rank(options_.seed, quarter);
    lane->tables = QuarterTables();
    std::lock_guard lock(report_mu_);
    table_bytes_[quarter - 1] = 0;
    done_[quarter - 1] = true;
    AdvanceReporting();
  }

  // Moves the reporting quarter past every finished quarter, emitting what
  // each held, and the rows held so far by the first unfinished one.
  void AdvanceReporting() {  // REQUIRES: report_mu_ held, or no worker running
    while (reporting_quarter_ <= kQuarters) {
      std::vector<Rejection>& held = held_[reporting_quarter_ - 1];
      for (const Rejection& r : held) Emit(r);
      held = {};
      if (!done_[reporting_quarter_ - 1]) break;
      ++reporting_quarter_;
    }
  }

  const CompileOptions& options_;
  CompileResult* result_;
  std::vector<InputFile> inputs_;
  std::vector<CsvReader> readers_;
  std::vector<Task> tasks_;
  std::vector<uint64_t> line_base_;

  std::mutex mu_;
  std::condition_variable cv_;
  Status error_;                                     // guarded by mu_
  size_t next_task_ = 0, window_ = 0;                // guarded by mu_
  std::vector<std::unique_ptr<ParsedChunk>> slots_;  // guarded by mu_
  std::array<Lane, kQuarters> lanes_;
  std::atomic<uint64_t> parsed_bytes_{0};

  std::mutex report_mu_;
  std::array<size_t, kQuarters> table_bytes_{};  // guarded by report_mu_
  std::array<bool, kQuarters> done_{};           // guarded by report_mu_
  int reporting_quarter_ = 1;                    // guarded by report_mu_
  std::array<std::vector<Rejection>, kQuarters> held_;  // guarded by report_mu_
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
