// Compile: from a folder of CSVs to every campaign's ranked list, per quarter.
//
// Files are mapped and hashed, byte-identical duplicates skipped, bodies
// split into chunks that all cores parse in parallel, and each quarter's
// parsed chunks merged strictly in input order (clicks, conversions,
// impressions, each in path order), so the result never depends on thread
// timing. As many quarters as threads (at most all four) are parsed and
// merged at a time, and a quarter's tables are freed as soon as its lists
// are ranked: memory follows the distinct ids of that many quarters, not the
// input size. Given the previous index, a quarter whose inputs it was built
// from unchanged is carried over from it instead (carry_over.h).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "index_format.h"
#include "quarter_tables.h"
#include "status.h"

namespace banner {

class IndexReader;

enum class RejectKind { kBad, kConflict, kOrphan };
std::string_view RejectKindName(RejectKind kind);

struct RejectedRow {
  const std::string& file;  // relative path
  uint64_t line;
  RejectKind kind;
  const std::string& reason;
  std::string_view text;  // the original line
};

// The most parser threads a compile may be asked for. Up to four parsed
// chunks per thread are held at once, so this bounds memory too.
inline constexpr unsigned kMaxThreads = 256;

struct CompileOptions {
  std::string input_dir;
  // The files the caller will write (index, rejects file): never read as
  // inputs. REQUIRES: CheckOutputPaths(input_dir, outputs) passed.
  std::vector<std::string> outputs;
  uint64_t seed = 1;
  // false: an unparseable row fails the compile. true: it is only rejected.
  bool reject_bad_rows = false;
  unsigned threads = 0;  // 0: one per core. REQUIRES: <= kMaxThreads
  size_t chunk_bytes = 4 << 20;
  // Called for every rejected row, in input order, from one thread at a time.
  std::function<void(const RejectedRow&)> on_reject;
  // Called from worker threads as bytes are parsed: (parsed, total).
  std::function<void(uint64_t, uint64_t)> on_progress;
  // Incremental: the index this build replaces (may be null). Its quarters
  // whose inputs are unchanged are carried over, not recompiled; the result
  // is the same as without it. Must outlive Compile().
  const IndexReader* previous = nullptr;
};

struct FileReport {
  InputRecord record;  // path relative to the input directory, with row counts
  uint64_t bad_rows = 0, conflicts = 0, orphans = 0;
  std::string duplicate_of;  // for a skipped duplicate file: the file it repeats
};

struct CompileResult {
  std::vector<FileReport> files;
  std::array<std::vector<CampaignResult>, kQuarters> lists;
  // Quarter q was carried over from options.previous: [q - 1]. Its files'
  // reports hold the previous row counts, without the kind of each rejected
  // row or examples; input_bytes counts the bytes parsed, so not its files.
  std::array<bool, kQuarters> carried_over{};
  uint64_t input_bytes = 0;
  uint64_t bad_rows = 0, conflicts = 0, orphans = 0;
  std::vector<std::string> bad_row_examples;  // "file:line: reason", the first few
  std::vector<std::string> reject_examples;   // conflicts and orphans, the first few
  size_t peak_table_bytes = 0;
};

// Errors: unreadable input, bad file names, bad headers, and (unless
// reject_bad_rows) unparseable rows. *result is filled as far as possible
// either way, so the caller can report the counts.
Status Compile(const CompileOptions& options, CompileResult* result);

}  // namespace banner
