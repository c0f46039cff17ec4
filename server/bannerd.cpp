// bannerd: serves the campaigns' banners over HTTP/1.1 (SPEC section 5).
//
//   bannerd --index INDEX [--listen 127.0.0.1:8080] [--threads N] [--images DIR] [--quarter Q]
//
// Everything but flag parsing lives in server/server.h.
#include <csignal>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "log.h"
#include "server.h"
#include "version.h"

namespace {

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
}

}  // namespace

int main(int argc, char** argv) {
  banner::ServerOptions options;
  double read_timeout = 10, idle_timeout = 60, write_timeout = 30, shutdown_timeout = 10, poll_interval = 1,
         drain_seconds = 0;
  size_t image_cache_mb = options.image_cache_bytes >> 20;

  CLI::App app{
      "bannerd: serves one banner per request, chosen at random among the campaign's best for the\n"
      "current quarter, never the same one twice in a row to a visitor (a cookie remembers the last).\n"
      "Routes: / /campaigns/{id} /api/campaigns/{id} /campaigns/{id}/why /api/campaigns/{id}/why\n"
      "/images/{id} /healthz /readyz /metrics\n"
      "(with --events-dir: /i/{campaign}/{banner}.gif /click/{campaign}/{banner})\n"
      "Reloads the index when the file its path names changes (inotify, and a periodic check) or on SIGHUP;\n"
      "SIGTERM/SIGINT stop gracefully (SIGTERM after --drain-seconds). Under systemd (Type=notify) it\n"
      "reports READY, RELOADING, STOPPING."};
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", std::string("bannerd ") + banner::kVersion);
  app.add_option("--index", options.index_path, "Index file written by `bannerc build`")->required();
  app.add_option("--listen", options.listen, "Address to listen on, HOST:PORT (port 0: any free port)");
  app.add_option("--threads", options.threads, "I/O threads, each with its own SO_REUSEPORT listener (0: one per core)")
      ->check(CLI::Range(0u, 256u));
  app.add_option("--images", options.images_dir, "Folder of image_{banner_id}.png files (else SVG placeholders)");
  app.add_option("--quarter", options.quarter, "Pin the quarter (1-4); 0 follows the UTC clock")
      ->check(CLI::Range(0, 4));
  app.add_option("--max-connections", options.max_connections,
                 "Open connections at most; beyond it new ones get 503 and are closed")
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  app.add_option("--header-limit", options.header_limit, "Request line + header bytes at most (beyond: 431)")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 20));
  app.add_option("--body-limit", options.body_limit, "Request body bytes at most (beyond: 413)")
      ->check(CLI::Range(size_t{0}, size_t{1} << 30));
  app.add_option("--read-timeout", read_timeout, "Seconds for a request to arrive whole once it has started")
      ->check(CLI::PositiveNumber);
  app.add_option("--idle-timeout", idle_timeout, "Seconds a keep-alive connection may wait for its next request")
      ->check(CLI::PositiveNumber);
  app.add_option("--write-timeout", write_timeout, "Seconds for a response to be written")->check(CLI::PositiveNumber);
  app.add_option("--shutdown-timeout", shutdown_timeout,
                 "Seconds SIGTERM waits for requests in flight before exiting anyway")
      ->check(CLI::PositiveNumber);
  app.add_option("--drain-seconds", drain_seconds,
                 "Seconds SIGTERM first answers /readyz with 503 (serving everything else) so that load\n"
                 "balancers stop sending, before the graceful stop; a second SIGTERM or SIGINT ends it")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--backlog", options.backlog, "listen() backlog per I/O thread")->check(CLI::Range(1, 65535));
  app.add_option("--image-cache-mb", image_cache_mb, "Image bytes kept in memory at most (loaded at start)");
  app.add_flag("--access-log", options.access_log, "Log one line per request on stderr");
  app.add_flag("--mmap", options.map_index,
               "Map the index file instead of copying it into memory (zero-copy, but then replace\n"
               "the file only by rename, as bannerc does: an in-place overwrite would fault the server)");
  bool no_watch = false;
  app.add_flag("--no-watch", no_watch,
               "Don't watch the index path with inotify (the periodic check and SIGHUP still reload)");
  app.add_option("--poll-interval", poll_interval,
                 "Seconds between two stat()s of the index path, the backstop for changes inotify can't\n"
                 "see (network file systems); 0: never")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--events-dir", options.events_dir,
                 "Record impressions (page views, /i/{campaign}/{banner}.gif) and clicks (/click/{campaign}/{banner})\n"
                 "in this folder as the CSVs bannerc reads: one file per kind, quarter and quarter-hour, renamed\n"
                 "into place when its quarter-hour closes (`bannerc watch` on this folder picks them up)");
  app.add_option("--click-target", options.click_target,
                 "Where /click/... redirects (302); {campaign_id} and {banner_id} are replaced. Empty: a thanks page");
  app.add_option("--events-host", options.events_host, "Host name in the events file names (default: the host name)");
  app.add_option("--events-host-id", options.events_host_id,
                 "0-1023, distinct per bannerd host: the top bits of every click_id (default: a hash of --events-host)")
      ->check(CLI::Range(-1, 1023));
  app.add_option("--events-rotate-seconds", options.events_rotate_seconds,
                 "Seconds of wall time per events file; must divide 900 (tests: 1)")
      ->check(CLI::Range(1, 900));
  double events_flush_seconds = 0.1;
  app.add_option("--events-flush-seconds", events_flush_seconds,
                 "Seconds between two writes of the recorded events: what a crash can lose at most")
      ->check(CLI::Range(0.01, 60.0));
  std::string log_format = "logfmt";
  app.add_option("--log-format", log_format, "Log records on stderr as logfmt or json (one object per line)")
      ->check(CLI::IsMember({"logfmt", "json"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  options.read_timeout = Millis(read_timeout);
  options.idle_timeout = Millis(idle_timeout);
  options.write_timeout = Millis(write_timeout);
  options.shutdown_timeout = Millis(shutdown_timeout);
  options.drain_period = Millis(drain_seconds);
  options.image_cache_bytes = image_cache_mb << 20;
  options.watch = !no_watch;
  options.poll_interval = Millis(poll_interval);
  options.events_flush_interval = Millis(events_flush_seconds);
  options.handle_signals = true;
  banner::LogFormat format = banner::LogFormat::kLogfmt;
  banner::ParseLogFormat(log_format, &format);  // checked by IsMember above
  banner::SetLogFormat(format);

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);  // an events file over RLIMIT_FSIZE: write() fails, the events are counted as dropped
  banner::Status status;
  auto server = banner::Server::Create(options, &status);
  if (!server) {
    std::string fields = "error=";
    banner::AppendQuoted(&fields, status.message());
    banner::LogEvent("error", "start_failed", fields);
    // The plain line is for a person at a terminal; JSON logs stay one object per line.
    if (format == banner::LogFormat::kLogfmt) std::fprintf(stderr, "bannerd: %s\n", status.message().c_str());
    return 1;
  }
  server->Start();
  server->Wait();
  return 0;
}
