// bannerc: compiles a folder of impression, click and conversion CSVs into
// one immutable, checksummed index for bannerd (SPEC sections 2-4).
//
// Exit status: 0 success, 1 data or I/O error, 2 usage error.
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>

#include "atomic_file.h"
#include "build_summary.h"
#include "compiler.h"
#include "decimal_option.h"
#include "id.h"
#include "index_dump.h"
#include "index_image.h"
#include "input_files.h"
#include "log.h"
#include "rejects_file.h"
#include "version.h"
#include "watch.h"

namespace banner {
namespace {

constexpr int kExitData = 1;
constexpr int kExitUsage = 2;

struct Args {
  std::string input_dir, output, rejects, index;
  uint64_t seed = 1;
  unsigned threads = 0;
  bool quiet = false, json = false, incremental = false;
  std::optional<int> quarter;
  std::optional<uint64_t> campaign;
  double settle_seconds = 2;
  std::string log_format = "logfmt";
};

// Progress on a terminal only: "reading 120/500 MB (24%)", redrawn in place.
std::function<void(uint64_t, uint64_t)> TerminalProgress(bool quiet) {
  if (quiet || !::isatty(STDERR_FILENO)) return nullptr;
  auto last = std::make_shared<std::atomic<int>>(-1);
  return [last](uint64_t done, uint64_t total) {
    const int percent = total ? static_cast<int>(done * 100 / total) : 100;
    if (last->exchange(percent) == percent) return;
    std::fprintf(stderr, "\rreading %llu/%llu MB (%d%%)", static_cast<unsigned long long>(done >> 20),
                 static_cast<unsigned long long>(total >> 20), percent);
    if (done == total) std::fputs("\r\033[K", stderr);
  };
}

// The files a build writes: never inputs (CheckOutputPaths).
std::vector<std::string> Outputs(const Args& args) {
  std::vector<std::string> outputs;
  if (!args.output.empty()) outputs.push_back(args.output);
  if (!args.rejects.empty()) outputs.push_back(args.rejects);
  return outputs;
}

// build (write == true) and check (write == false) share everything but the output.
int RunCompile(const Args& args, bool write) {
  const auto start = std::chrono::steady_clock::now();
  CompileOptions options;
  options.input_dir = args.input_dir;
  options.outputs = Outputs(args);
  Status status = CheckOutputPaths(options.input_dir, options.outputs);
  if (!status.ok()) {
    std::fprintf(stderr, "bannerc: error: %s\nbannerc: nothing was written\n", status.message().c_str());
    return kExitUsage;
  }
  options.seed = args.seed;
  options.threads = args.threads;
  options.on_progress = TerminalProgress(args.quiet);
  std::unique_ptr<IndexReader> previous;
  if (args.incremental) {
    std::string note;
    previous = OpenPreviousIndex(args.output, &note);
    if (!note.empty() && !args.quiet) std::fprintf(stderr, "bannerc: note: %s\n", note.c_str());
    options.previous = previous.get();
  }
  std::unique_ptr<RejectsFile> rejects;
  if (!args.rejects.empty()) {
    rejects = RejectsFile::Create(args.rejects, &status);
    if (!rejects) {
      std::fprintf(stderr, "bannerc: %s\n", status.message().c_str());
      return kExitData;
    }
    options.reject_bad_rows = true;
    options.on_reject = [&rejects](const RejectedRow& row) { rejects->Add(row); };
  }

  CompileResult result;
  status = Compile(options, &result);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result.files.empty() && !args.quiet) {
    std::fputs(FormatBuildSummary(result, seconds).c_str(), stdout);
  }
  // The diagnosis, even with -q: which rows were rejected, and where.
  const std::string rejected = FormatRejectedRows(result);
  if (!rejected.empty()) {
    std::fflush(stdout);
    std::fputs(rejected.c_str(), stderr);
  }
  if (status.ok() && rejects) {
    status = rejects->Commit();
    if (status.ok() && !args.quiet) {
      std::printf("  rejected rows written to %s\n", args.rejects.c_str());
    }
  }
  if (!status.ok()) {
    std::fprintf(stderr, "bannerc: error: %s\n", status.message().c_str());
    if (write) std::fprintf(stderr, "bannerc: %s was not changed\n", args.output.c_str());
    return kExitData;
  }
  if (!write) {
    if (!args.quiet) std::puts("  check passed: a build would succeed (nothing written)");
    return 0;
  }

  const std::string bytes = EncodeIndex(result, args.seed);
  status = WriteFileAtomically(args.output, bytes);
  if (!status.ok()) {
    std::fprintf(stderr, "bannerc: error: %s\nbannerc: %s was not changed\n", status.message().c_str(),
                 args.output.c_str());
    return kExitData;
  }
  if (!args.quiet) {
    std::printf("  wrote %s: %zu bytes; inspect it with: bannerc inspect %s\n", args.output.c_str(),
                bytes.size(), args.output.c_str());
  }
  return 0;
}

int Watch(const Args& args) {
  const Status status = CheckOutputPaths(args.input_dir, Outputs(args));
  if (!status.ok()) {
    std::fprintf(stderr, "bannerc: error: %s\n", status.message().c_str());
    return kExitUsage;
  }
  LogFormat format = LogFormat::kLogfmt;
  ParseLogFormat(args.log_format, &format);  // checked by IsMember
  SetLogFormat(format);
  WatchOptions options;
  options.input_dir = args.input_dir;
  options.output = args.output;
  options.rejects = args.rejects;
  options.seed = args.seed;
  options.threads = args.threads;
  options.settle = std::chrono::milliseconds(static_cast<int64_t>(args.settle_seconds * 1000));
  return RunWatch(options);
}

int Inspect(const Args& args) {
  Status s;
  std::unique_ptr<IndexReader> index = IndexReader::Open(args.index, &s);
  if (!index) {
    std::fprintf(stderr, "bannerc: error: %s\n", s.message().c_str());
    return kExitData;
  }
  const ListFilter filter{args.quarter, args.campaign};
  const std::string out = args.json ? DumpIndexJson(*index, filter) : DumpIndexText(*index, filter);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace
}  // namespace banner

int main(int argc, char** argv) {
  // A build allocates and frees large blocks all along (the rows of each
  // parsed chunk, the tables as they grow); above glibc's mmap threshold each
  // would be fresh pages, faulted in and zeroed every time. Serve them from
  // the heap and keep it, so they reuse warm memory (500 MB interleaved:
  // 119,000 -> 82,000 page faults, 0.42 -> 0.33 s of system time).
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  using banner::Args;
  Args args;
  using banner::DecimalRange;
  const std::string exit_status =
      "Exit status: 0 success, 1 data or I/O error (the existing index untouched), 2 usage error.";
  CLI::App app{"bannerc: compile impression, click and conversion CSVs into a banner index for bannerd."};
  app.footer(
      "Inputs are {impressions,clicks,conversions}_{quarter}[_suffix].csv anywhere below INPUT_DIR; any\n"
      "other name is an error, except hidden files and folders (names beginning with '.'), which are\n"
      "skipped. The files bannerc writes (-o, --rejects, their hidden temporaries) are never read as\n"
      "inputs, so they may sit in INPUT_DIR; but an output that is an input file, or is named like one\n"
      "inside INPUT_DIR, or -o and --rejects at one path, is a usage error before anything is written.\n"
      "-q drops the progress and the summary; errors and the first rejected rows still go to stderr.\n" +
      exit_status);
  app.set_version_flag("--version", std::string("bannerc ") + banner::kVersion);
  app.require_subcommand(1);

  auto add_compile_options = [&](CLI::App* cmd) {
    cmd->add_option("INPUT_DIR", args.input_dir, "folder of input CSVs (searched recursively)")
        ->required()
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--rejects", args.rejects,
                    "write every rejected row (unparseable, conflicting, orphan) to this CSV and "
                    "build from the rest instead of failing on unparseable rows (not an input, not the -o path)");
    cmd->add_option("--seed", args.seed, "seed of the random fill for short lists")
        ->transform(DecimalRange(0, UINT64_MAX))
        ->capture_default_str();
    cmd->add_option("--threads", args.threads,
                    "parser threads, 0 (one per core) to " + std::to_string(banner::kMaxThreads) +
                        "; as many quarters are merged at once")
        ->transform(DecimalRange(0, banner::kMaxThreads))
        ->capture_default_str();
    cmd->add_flag("-q,--quiet", args.quiet,
                  "no progress and no summary; errors, and the first rejected rows as file:line: reason, "
                  "still go to stderr");
  };
  CLI::App* build = app.add_subcommand("build", "compile INPUT_DIR into the index file -o INDEX (atomically)");
  add_compile_options(build);
  build->add_option("-o,--output", args.output, "the index file to write (not an input, not the --rejects path)")
      ->required();
  build->add_flag("--incremental", args.incremental,
                  "carry over the quarters of the existing -o INDEX whose input files are unchanged "
                  "(names and content hashes) instead of recompiling them; the index is the same as "
                  "a full build's");
  CLI::App* check = app.add_subcommand(
      "check", "validate INPUT_DIR and report as build does, writing no index (only the --rejects file)");
  add_compile_options(check);
  check->add_option("-o,--output", args.output,
                    "the index a build would write: its path is checked as build checks it, never read as an "
                    "input, and not written");
  CLI::App* watch = app.add_subcommand(
      "watch", "rebuild -o INDEX whenever CSVs arrive in INPUT_DIR, once it has been quiet for --settle seconds");
  add_compile_options(watch);
  watch->add_option("-o,--output", args.output, "the index file to keep up to date")->required();
  watch->add_option("--settle", args.settle_seconds, "seconds without a change before a build")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  watch->add_option("--log-format", args.log_format, "one record per build on stderr: logfmt or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"logfmt", "json"}));
  CLI::App* inspect = app.add_subcommand("inspect", "show what an index will serve, and why");
  inspect->footer(exit_status);
  inspect->add_option("INDEX", args.index, "index file")->required();
  inspect->add_flag("--json", args.json,
                    "print JSON (SPEC section 4) instead of a table; bytes of file names that are not "
                    "UTF-8 become U+FFFD");
  inspect->add_option("--campaign", args.campaign, "only this campaign")->transform(DecimalRange(0, banner::kMaxId));
  inspect->add_option("--quarter", args.quarter, "only this quarter")->transform(DecimalRange(1, 4));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : banner::kExitUsage;
  }
  if (build->parsed()) return banner::RunCompile(args, true);
  if (check->parsed()) return banner::RunCompile(args, false);
  if (watch->parsed()) return banner::Watch(args);
  return banner::Inspect(args);
}
