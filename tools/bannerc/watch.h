// `bannerc watch`: compile on arrival.
//
// Watches INPUT_DIR and every folder below it (new ones too) with inotify.
// Once the tree has been quiet for the settle time after a change — so that
// a batch copied in file by file is compiled once — it builds the index as
// `bannerc build --incremental` does (carry_over.h) and publishes it
// atomically; bannerd picks it up. One log record per build (log.h). A failed
// build leaves the index as it was; the next change retries. Hidden files
// and folders are ignored, as the compiler ignores them: that is how rsync
// and scp name partial uploads. So are the index and rejects files
// themselves, should they sit inside INPUT_DIR.
//
// The first build, at start, compiles every quarter, so that the bannerc
// running (say, after an upgrade) has made every list of the index it
// serves; an index it would write unchanged is left alone. SIGHUP asks for
// such a full build now. SIGTERM or SIGINT stop the watch; a build under way
// finishes first.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace banner {

struct WatchOptions {
  std::string input_dir;
  std::string output;   // the index file
  std::string rejects;  // empty: unparseable rows fail a build
  uint64_t seed = 1;
  unsigned threads = 0;
  std::chrono::milliseconds settle{2000};
};

// Runs until SIGTERM or SIGINT; returns the exit status (0 then, 1 if the
// watch could not be set up). Blocks SIGTERM, SIGINT and SIGHUP in the
// calling thread: call it before any other thread starts.
// REQUIRES: CheckOutputPaths(input_dir, {output, rejects}) passed.
int RunWatch(const WatchOptions& options);

}  // namespace banner
