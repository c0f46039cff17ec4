#include "watch.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <string>

#include "atomic_file.h"
#include "coding.h"
#include "compiler.h"
#include "index_image.h"
#include "json.h"
#include "log.h"
#include "mapped_file.h"
#include "money.h"
#include "rejects_file.h"
#include "tree_watch.h"

namespace banner {

namespace {

using Clock = std::chrono::steady_clock;

// Whether the file at `path` holds exactly `bytes`.
bool FileHolds(const std::string& path, std::string_view bytes) {
  Status ignored;  // unreadable: not the same, so it is written
  const std::unique_ptr<MappedFile> file = MappedFile::Open(path, &ignored);
  return file != nullptr && file->bytes() == bytes;
}

void AppendSeconds(std::string* out, Clock::duration d) {
  AppendMicros(out, static_cast<Micros>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()));
}

// The log fields of a build that compiled: what it read, carried over and
// rejected.
std::string DescribeCompile(const CompileResult& result) {
  std::string fields = "inputs=";
  AppendUint(&fields, result.files.size());
  fields += " carried=";
  std::string carried;
  for (int q = 1; q <= kQuarters; ++q) {
    if (!result.carried_over[q - 1]) continue;
    if (!carried.empty()) carried += ',';
    carried += std::to_string(q);
  }
  fields += carried.empty() ? "none" : carried;
  fields += " campaigns=";
  for (int q = 1; q <= kQuarters; ++q) {
    if (q > 1) fields += ',';
    AppendUint(&fields, result.lists[q - 1].size());
  }
  fields += " read_bytes=";
  AppendUint(&fields, result.input_bytes);
  fields += " rejected=";
  AppendUint(&fields, result.bad_rows + result.conflicts + result.orphans);
  return fields;
}

// One build, as `bannerc build [--incremental]` makes it, logged as one
// record. `carry_over` false compiles every quarter.
void BuildOnce(const WatchOptions& options, bool carry_over) {
  const Clock::time_point start = Clock::now();
  std::string note;
  const std::unique_ptr<IndexReader> previous = OpenPreviousIndex(options.output, &note);
  CompileOptions compile;
  compile.input_dir = options.input_dir;
  compile.outputs = {options.output};
  if (!options.rejects.empty()) compile.outputs.push_back(options.rejects);
  compile.seed = options.seed;
  compile.threads = options.threads;
  if (carry_over) compile.previous = previous.get();
  Status status;
  std::unique_ptr<RejectsFile> rejects;
  if (!options.rejects.empty()) {
    rejects = RejectsFile::Create(options.rejects, &status);
    compile.reject_bad_rows = true;
    compile.on_reject = [&rejects](const RejectedRow& row) { rejects->Add(row); };
  }
  CompileResult result;
  if (status.ok()) status = Compile(compile, &result);
  if (status.ok() && rejects) status = rejects->Commit();
  std::string bytes;
  bool unchanged = false;
  if (status.ok()) {
    bytes = EncodeIndex(result, options.seed);
    unchanged = previous != nullptr && FileHolds(options.output, bytes);
    if (!unchanged) status = WriteFileAtomically(options.output, bytes);
  }

  std::string fields = "index=";
  AppendQuoted(&fields, options.output);
  if (!status.ok()) {
    fields += " error=";
    AppendQuoted(&fields, status.message());
    if (!result.bad_row_examples.empty()) {
      fields += " first_bad_row=";
      AppendQuoted(&fields, result.bad_row_examples.front());
    }
    fields += " action=\"kept the index as it was; the next change retries\"";
  } else {
    fields += " checksum=";
    AppendHex64(&fields, DecodeFixed64(bytes.data() + IndexHeader::kChecksumOffset));
    fields += " " + DescribeCompile(result);
  }
  if (!note.empty()) {
    fields += " note=";
    AppendQuoted(&fields, note);
  }
  fields += " seconds=";
  AppendSeconds(&fields, Clock::now() - start);
  const char* event = !status.ok() ? "build_failed" : unchanged ? "build_unchanged" : "build_ok";
  LogEvent(status.ok() ? "info" : "error", event, fields);
}

// SIGTERM, SIGINT and SIGHUP as a readable descriptor. They are blocked in
// the calling thread, and so in the compile's threads it starts later.
int SignalFd() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return -1;
  return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

}  // namespace

int RunWatch(const WatchOptions& options) {
  const int signals = SignalFd();
  Status status;
  std::set<std::string> own_files = {options.output};
  if (!options.rejects.empty()) own_files.insert(options.rejects);
  const std::unique_ptr<TreeWatch> tree =
      signals < 0 ? nullptr : TreeWatch::Create(options.input_dir, own_files, &status);
  if (!tree) {
    std::string fields = "error=";
    AppendQuoted(&fields, signals < 0 ? std::string("signalfd: ") + std::strerror(errno) : status.message());
    LogEvent("error", "watch_failed", fields);
    if (signals >= 0) ::close(signals);
    return 1;
  }
  std::string fields = "input=";
  AppendQuoted(&fields, options.input_dir);
  fields += " index=";
  AppendQuoted(&fields, options.output);
  fields += " settle_seconds=";
  AppendSeconds(&fields, options.settle);
  LogEvent("info", "watch_start", fields);

  // The build to make once the tree has been quiet until `due`.
  bool pending = true, full = true;
  Clock::time_point due = Clock::now();
  std::string stop_reason;
  while (stop_reason.empty()) {
    int timeout_ms = -1;
    if (pending) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(due - Clock::now()).count();
      timeout_ms = static_cast<int>(std::max<int64_t>(0, left));
    }
    pollfd fds[2] = {{tree->fd(), POLLIN, 0}, {signals, POLLIN, 0}};
    if (::poll(fds, 2, timeout_ms) < 0 && errno != EINTR) break;
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info;
      while (::read(signals, &info, sizeof info) == sizeof info) {
        if (info.ssi_signo == SIGHUP) {
          pending = full = true;
          due = Clock::now();
        } else {
          stop_reason = info.ssi_signo == SIGTERM ? "sigterm" : "sigint";
        }
      }
    }
    if (fds[0].revents & POLLIN && tree->ReadChanges()) {
      pending = true;
      due = Clock::now() + options.settle;
    }
    if (stop_reason.empty() && pending && Clock::now() >= due) {
      BuildOnce(options, !full);
      pending = full = false;
    }
  }
  ::close(signals);
  LogEvent("info", "watch_stop", "reason=" + (stop_reason.empty() ? std::string("poll_failed") : stop_reason));
  return stop_reason.empty() ? 1 : 0;
}

}  // namespace banner
