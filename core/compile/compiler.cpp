// The compile's scheduling: files are planned into tasks (chunks), each
// quarter's in merge order; worker threads parse tasks within a window ahead
// of the oldest unmerged one, and each quarter is a lane that merges its
// parsed chunks in order on one thread at a time (chunk_merge.h), reporting
// rejected rows in input order (reject_report.h). The quarters are parsed in
// groups of one per thread, their tasks in turn, so that the threads merge
// different quarters at the same time.
#include "compiler.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <thread>
#include <utility>

#include "carry_over.h"
#include "chunk_merge.h"
#include "csv_reader.h"
#include "input_files.h"
#include "mutex.h"
#include "reject_report.h"
#include "run_on_threads.h"

namespace banner {
namespace {

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

// The indices of `inputs` (which are in path order) in merge order.
std::vector<size_t> MergeOrder(const std::vector<InputFile>& inputs) {
  std::vector<size_t> order(inputs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const InputName& x = inputs[a].name;
    const InputName& y = inputs[b].name;
    if (x.quarter != y.quarter) return x.quarter < y.quarter;
    return KindOrder(x.kind) < KindOrder(y.kind);
  });
  return order;
}

// The order in which the workers take the tasks, given each quarter's tasks
// in merge order: the quarters that have tasks in groups of `group`, the
// tasks of a group's quarters in turn. Each quarter's tasks keep their order.
std::vector<size_t> ParseOrder(const std::array<std::vector<size_t>, kQuarters>& quarter_tasks, unsigned group) {
  std::vector<const std::vector<size_t>*> quarters;
  for (const std::vector<size_t>& tasks : quarter_tasks) {
    if (!tasks.empty()) quarters.push_back(&tasks);
  }
  std::vector<size_t> order;
  for (size_t first = 0; first < quarters.size(); first += group) {
    const size_t last = std::min(quarters.size(), first + group);
    for (size_t k = 0;; ++k) {
      bool any = false;
      for (size_t q = first; q < last; ++q) {
        if (k < quarters[q]->size()) {
          order.push_back((*quarters[q])[k]);
          any = true;
        }
      }
      if (!any) break;
    }
  }
  return order;
}

// The report of input `i` before any of its rows is merged.
FileReport InitialReport(const std::vector<InputFile>& inputs, size_t i) {
  const InputFile& in = inputs[i];
  FileReport report;
  report.record.path = in.relative_path;
  report.record.hash = in.hash;
  report.record.kind = in.name.kind;
  report.record.quarter = in.name.quarter;
  report.record.duplicate_file = in.duplicate_of.has_value();
  if (in.duplicate_of) report.duplicate_of = inputs[*in.duplicate_of].relative_path;
  return report;
}

// Adds a chunk's rejections (already in file line numbers) to its file's
// counts.
void CountRejections(const std::vector<Rejection>& rows, FileReport* report) {
  for (const Rejection& row : rows) {
    ++(row.kind == RejectKind::kBad        ? report->bad_rows
       : row.kind == RejectKind::kConflict ? report->conflicts
                                           : report->orphans);
  }
}

// The table memory of the quarters being merged, and the peak of its sum.
// Thread-safe.
class TableMemory {
 public:
  void Set(int quarter, size_t bytes) {
    MutexLock lock(&mu_);
    bytes_[quarter - 1] = bytes;
    size_t total = 0;
    for (size_t b : bytes_) total += b;
    peak_ = std::max(peak_, total);
  }
  size_t peak() {
    MutexLock lock(&mu_);
    return peak_;
  }

 private:
  Mutex mu_;
  std::array<size_t, kQuarters> bytes_ GUARDED_BY(mu_) = {};
  size_t peak_ GUARDED_BY(mu_) = 0;
};

struct Task {
  size_t file;
  int quarter;
  CsvChunk chunk;
};

class Build {
 public:
  Build(const CompileOptions& options, CompileResult* result)
      : options_(options), result_(result), rejects_(options.on_reject, result) {}

  Status Run() {
    Status s = DiscoverInputs(options_.input_dir, options_.outputs, &inputs_);
    if (!s.ok()) return s;
    threads_ = std::max(1u, options_.threads ? options_.threads : std::thread::hardware_concurrency());
    s = PlanTasks();
    if (!s.ok()) return s;
    RunWorkers();
    for (FileReport& f : result_->files) {
      if (f.bad_rows > 0) f.record.unparseable_rows = true;
    }
    result_->peak_table_bytes = table_memory_.peak();
    if (Status error = FirstError(); !error.ok()) return error;
    if (result_->bad_rows > 0 && !options_.reject_bad_rows) {
      return Status::Error(std::to_string(result_->bad_rows) +
                           " row(s) cannot be parsed; fix them, or pass --rejects FILE to set them"
                           " aside and build from the rest");
    }
    return Status::Ok();
  }

 private:
  // Opens every file to merge and splits it into tasks, each quarter's in
  // merge order, then puts them in parse order (tasks_); each quarter's
  // tasks are its lane. A quarter carried over from the previous index has
  // no tasks.
  Status PlanTasks() {
    CarryOverPlan carry;
    if (options_.previous != nullptr) {
      carry = PlanCarryOver(inputs_, *options_.previous, options_.seed, options_.on_reject != nullptr,
                            !options_.reject_bad_rows);
    }
    readers_.resize(inputs_.size());
    line_base_.assign(inputs_.size(), 0);
    open_tail_.resize(inputs_.size());
    for (size_t i = 0; i < inputs_.size(); ++i) {
      result_->files.push_back(InitialReport(inputs_, i));
      if (!carry.records.empty() && carry.records[i] != nullptr) result_->files.back().record = *carry.records[i];
    }
    for (int q = 1; q <= kQuarters; ++q) {
      if (!carry.quarters[q - 1]) continue;
      result_->carried_over[q - 1] = true;
      result_->lists[q - 1] = CarriedLists(*options_.previous, q);
    }
    std::vector<Task> planned;
    std::array<std::vector<size_t>, kQuarters> quarter_tasks;
    for (size_t i : MergeOrder(inputs_)) {
      const InputFile& in = inputs_[i];
      if (in.duplicate_of || carry.quarters[in.name.quarter - 1]) continue;
      Status s = CsvReader::Open(in.relative_path, in.file->bytes(), in.name.kind, &readers_[i]);
      if (!s.ok()) return s;
      line_base_[i] = readers_[i].header_lines();
      result_->input_bytes += in.file->bytes().size();
      for (const CsvChunk& chunk : readers_[i].Split(options_.chunk_bytes)) {
        quarter_tasks[in.name.quarter - 1].push_back(planned.size());
        planned.push_back({i, in.name.quarter, chunk});
      }
    }
    for (size_t p : ParseOrder(quarter_tasks, std::min<unsigned>(threads_, kQuarters))) {
      lanes_[planned[p].quarter - 1].tasks.push_back(tasks_.size());
      tasks_.push_back(planned[p]);
    }
    for (int q = 1; q <= kQuarters; ++q) {
      if (lanes_[q - 1].tasks.empty()) rejects_.FinishQuarter(q);
    }
    return Status::Ok();
  }

  void RunWorkers() EXCLUDES(mu_) {
    {
      MutexLock lock(&mu_);
      slots_.resize(tasks_.size());
      window_ = 4 * threads_;
    }
    RunOnThreads(threads_, [this] { Work(); });
  }

  Status FirstError() EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return error_;
  }

  // The oldest task not merged yet: parsing may run at most window_ ahead of
  // it, which bounds the parsed chunks held in memory.
  size_t OldestUnmerged() const REQUIRES(mu_) {
    size_t oldest = tasks_.size();
    for (const Lane& lane : lanes_) {
      if (lane.next < lane.tasks.size()) oldest = std::min(oldest, lane.tasks[lane.next]);
    }
    return oldest;
  }

  // Take the next task within the window, parse it, then merge whatever its
  // quarter has ready, in order. Quarters merge in parallel; within a quarter
  // one thread merges at a time.
  void Work() EXCLUDES(mu_) {
    mu_.Lock();
    for (;;) {
      while (error_.ok() && next_task_ < tasks_.size() && next_task_ >= OldestUnmerged() + window_) {
        merged_.Wait();
      }
      if (!error_.ok() || next_task_ == tasks_.size()) break;
      const size_t t = next_task_++;
      mu_.Unlock();
      auto parsed = std::make_unique<ParsedChunk>();
      readers_[tasks_[t].file].ParseChunk(tasks_[t].chunk, parsed.get());
      if (options_.on_progress) {
        options_.on_progress(parsed_bytes_ += tasks_[t].chunk.bytes.size(), result_->input_bytes);
      }
      mu_.Lock();
      slots_[t] = std::move(parsed);
      Lane& lane = lanes_[tasks_[t].quarter - 1];
      if (lane.merging) continue;
      lane.merging = true;
      while (error_.ok() && lane.next < lane.tasks.size() && slots_[lane.tasks[lane.next]]) {
        const size_t m = lane.tasks[lane.next];
        const bool last = lane.next + 1 == lane.tasks.size();
        std::unique_ptr<ParsedChunk> chunk = std::move(slots_[m]);
        mu_.Unlock();
        Merge(tasks_[m], *chunk, &lane);
        chunk.reset();
        inputs_[tasks_[m].file].file->DropPages(tasks_[m].chunk.bytes);
        if (last) FinishQuarter(tasks_[m].quarter, &lane);
        mu_.Lock();
        ++lane.next;
        merged_.SignalAll();
      }
      lane.merging = false;
    }
    mu_.Unlock();
  }

  struct Lane {
    std::vector<size_t> tasks;  // the quarter's, in merge order; fixed before the workers start
    // Guarded by Build::mu_ (which the analysis cannot name from here).
    size_t next = 0;       // tasks[next] is the oldest unmerged
    bool merging = false;  // a thread is merging the lane
    QuarterTables tables;       // touched only by the lane's merging thread
  };

  // Runs on the lane's merging thread, the only one that touches the file's
  // report, line base and open tail while the file's quarter merges.
  void Merge(const Task& task, ParsedChunk& parsed, Lane* lane) EXCLUDES(mu_) {
    const InputFile& in = inputs_[task.file];
    CsvChunk bytes = task.chunk;
    ParsedChunk reparsed;
    std::string_view& open_tail = open_tail_[task.file];
    const bool continues_record = !open_tail.empty();
    if (continues_record) {
      // The chunk before ended inside a quoted field, so this one was parsed
      // from the middle of a record: parse again from the record's start.
      bytes = CsvReader::Continue(open_tail, task.chunk);
      readers_[task.file].ParseChunk(bytes, &reparsed);
    }
    ParsedChunk& chunk = continues_record ? reparsed : parsed;
    open_tail = chunk.open_tail;
    const uint64_t base = line_base_[task.file];
    line_base_[task.file] += chunk.lines;
    if (!chunk.error.ok()) {
      MutexLock lock(&mu_);
      error_ = Status::Error(in.relative_path + ":" + std::to_string(base + chunk.error_line) + ": " +
                             chunk.error.message());
      return;
    }
    MergedChunk merged = MergeChunk(in.name.kind, bytes.bytes, &chunk, &lane->tables);
    table_memory_.Set(task.quarter, lane->tables.memory_bytes());

    for (Rejection& row : merged.rejections) row.line += base;
    FileReport& report = result_->files[task.file];
    CountRejections(merged.rejections, &report);
    rejects_.Add(task.quarter, in.relative_path, std::move(merged.rejections));
    InputRecord& rec = report.record;
    rec.rows_read += chunk.rows;
    rec.rows_duplicate += merged.duplicates;
    rec.rows_rejected = report.bad_rows + report.conflicts + report.orphans;
    rec.rows_kept = rec.rows_read - rec.rows_duplicate - rec.rows_rejected;
  }

  // Runs on the lane's merging thread after its last merge.
  void FinishQuarter(int quarter, Lane* lane) {
    result_->lists[quarter - 1] = lane->tables.Rank(options_.seed, quarter);
    lane->tables = QuarterTables();
    table_memory_.Set(quarter, 0);
    rejects_.FinishQuarter(quarter);
  }

  const CompileOptions& options_;
  CompileResult* result_;
  // inputs_, readers_ and tasks_ (in parse order) are fixed by PlanTasks
  // before the workers start. line_base_[i], open_tail_[i] and
  // result_->files[i] are touched only by the merging thread of file i's
  // quarter, result_->lists[q - 1] only by that of quarter q; rejects_ fills
  // the reject counts and examples.
  std::vector<InputFile> inputs_;
  std::vector<CsvReader> readers_;
  std::vector<Task> tasks_;
  std::vector<uint64_t> line_base_;  // the file's lines before the next chunk to merge
  std::vector<std::string_view> open_tail_;  // the last chunk's, still to parse

  unsigned threads_ = 1;
  Mutex mu_;
  CondVar merged_{&mu_};  // signalled when a lane moves on
  Status error_ GUARDED_BY(mu_);
  size_t next_task_ GUARDED_BY(mu_) = 0;
  size_t window_ GUARDED_BY(mu_) = 0;
  std::vector<std::unique_ptr<ParsedChunk>> slots_ GUARDED_BY(mu_);
  std::array<Lane, kQuarters> lanes_;
  std::atomic<uint64_t> parsed_bytes_{0};
  TableMemory table_memory_;
  RejectReport rejects_;
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
