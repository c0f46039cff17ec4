#include "server.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include <atomic>
#include <functional>
#include <future>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "event_log.h"
#include "index_reader.h"
#include "images.h"
#include "index_holder.h"
#include "index_watcher.h"
#include "log.h"
#include "metrics.h"
#include "money.h"
#include "systemd_notify.h"
#include "worker.h"

namespace banner {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

#if defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
constexpr const char* kReactorHint =
    " (this bannerd uses io_uring: is it disabled here, by sysctl kernel.io_uring_disabled or a seccomp"
    " profile? A build with -DBANNER_IO_URING=OFF uses epoll)";
#else
constexpr const char* kReactorHint = "";
#endif

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "127.0.0.1:8080", "[::1]:8080", "localhost:0", ":8080" / "*:8080" (all interfaces).
bool ParseListen(const std::string& listen, tcp::endpoint* endpoint, std::string* error) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    *error = "--listen: expected HOST:PORT, got \"" + listen + "\"";
    return false;
  }
  std::string host = listen.substr(0, colon);
  const std::string port_text = listen.substr(colon + 1);
  unsigned long port = 0;
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      (port = std::stoul(port_text)) > 65535) {
    *error = "--listen: bad port \"" + port_text + "\"";
    return false;
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "*") host = "0.0.0.0";
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, port_text, ec);
    if (ec || results.empty()) {
      *error = "--listen: cannot resolve \"" + host + "\": " + ec.message();
      return false;
    }
    address = results.begin()->endpoint().address();
  }
  *endpoint = tcp::endpoint(address, static_cast<unsigned short>(port));
  return true;
}

void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);  // best effort: the connection limit still applies
  }
}

std::string Campaigns(const IndexReader& index) {
  std::string out = "campaigns=";
  for (int q = 1; q <= kQuarters; ++q) {
    if (q > 1) out += ',';
    out += std::to_string(index.campaign_count(q));
  }
  return out;
}

// Loads and verifies the index. By default the file's bytes are copied into
// private memory, so that an in-place overwrite or truncation of the file
// (`cp`, `echo junk >`) can't change or fault the index being served; with
// map_file the file is mapped directly (zero-copy; safe only if the file is
// replaced by rename, as bannerc does).
std::unique_ptr<IndexReader> LoadIndex(const std::string& path, bool map_file, Status* error) {
  if (map_file) return IndexReader::Open(path, error);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = Status::Error(path + ": cannot open: " + std::strerror(errno));
    return nullptr;
  }
  std::string bytes;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) bytes.reserve(static_cast<size_t>(st.st_size));
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = Status::Error(path + ": cannot read: " + std::strerror(errno));
      ::close(fd);
      return nullptr;
    }
    if (n == 0) break;
    bytes.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return IndexReader::FromBytes(std::move(bytes), error);
}

// The host name cut to what an events file name may hold.
std::string DefaultEventsHost() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "bannerd";
  std::string host;
  for (const char* c = name; *c != '\0' && *c != '.'; ++c) {
    if (std::isalnum(static_cast<unsigned char>(*c)) || *c == '-') host.push_back(*c);
  }
  return host.empty() ? "bannerd" : host;
}

// FNV-1a of the host name: distinct hosts get distinct click_id prefixes
// unless two of 1024 collide; --events-host-id makes it certain.
uint32_t HostIdOf(std::string_view host) {
  uint32_t h = 2166136261u;
  for (char c : host) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h % (kMaxHostId + 1);
}

// Counts down the workers that have switched to a new snapshot.
struct Ack {
  explicit Ack(size_t n, std::function<void(Status)> cb) : left(n), done(std::move(cb)) {}
  std::atomic<size_t> left;
  std::function<void(Status)> done;
};

}  // namespace

struct Server::Impl {
  MetricsRegistry metrics;
  Shared shared;
  std::unique_ptr<ImageStore> images;
  std::unique_ptr<EventLog> events;  // declared before the workers: outlives them
  IndexHolder holder;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  asio::io_context control{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> control_guard;
  asio::steady_timer drain_timer{control};
  std::thread control_thread;
  std::unique_ptr<IndexWatcher> watcher;
  std::unique_ptr<asio::signal_set> signals;
  std::atomic<bool> stopping{false};
  bool started = false;
  bool waited = false;
  uint16_t port = 0;

  // Control thread. Only this thread publishes once the workers run, so each
  // worker receives the snapshots in generation order.
  void DoReload(std::string_view reason, std::function<void(Status)> done) {
    NotifyReloading();
    const ServerOptions& options = shared.options;
    std::string fields = "reason=";
    fields.append(reason).append(" path=");
    AppendQuoted(&fields, options.index_path);
    Status st;
    std::unique_ptr<IndexReader> reader = LoadIndex(options.index_path, options.map_index, &st);
    if (!reader) {
      metrics.reloads_failed.fetch_add(1, std::memory_order_relaxed);
      fields.append(" error=");
      AppendQuoted(&fields, st.message());
      fields.append(" action=\"keeps serving the previous index\"");
      LogEvent("error", "reload_failed", fields);
      NotifyReady("reload failed; serving generation " + std::to_string(holder.current()->generation));
      if (done) done(st);
      return;
    }
    const std::string campaigns = Campaigns(*reader);
    auto snapshot = holder.Publish(std::move(reader), NowUnix());
    // Each worker installs the snapshot on its own thread, between two
    // requests; the last one to do so reports the reload done.
    auto ack = std::make_shared<Ack>(workers.size(), std::move(done));
    const uint64_t generation = snapshot->generation;
    for (auto& w : workers) {
      w->Install(snapshot, [ack, generation] {
        if (ack->left.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
        NotifyReady("serving generation " + std::to_string(generation));
        if (ack->done) ack->done(Status::Ok());
      });
    }
    metrics.reloads_ok.fetch_add(1, std::memory_order_relaxed);
    fields.append(" generation=").append(std::to_string(snapshot->generation)).append(" ").append(campaigns);
    LogEvent("info", "reload_ok", fields);
  }

  // Control thread. SIGTERM: /readyz answers 503 for the drain period while
  // everything else is served as before, then DoStop. A stop asked for
  // during the drain happens at once.
  void DoDrain(std::string_view reason) {
    const auto period = shared.options.drain_period;
    if (period.count() <= 0 || stopping.load() || shared.draining.load()) return DoStop(reason);
    shared.draining.store(true);
    NotifyStopping();
    std::string fields = "reason=";
    fields.append(reason).append(" seconds=");
    AppendMicros(&fields, static_cast<uint64_t>(period.count()) * 1000);
    LogEvent("info", "draining", fields);
    drain_timer.expires_after(period);
    drain_timer.async_wait([this, why = std::string(reason)](boost::system::error_code ec) {
      if (!ec) DoStop(why);
    });
  }

  // Control thread.
  void DoStop(std::string_view reason) {
    if (stopping.exchange(true)) return;
    if (!shared.draining.load()) NotifyStopping();
    drain_timer.cancel();
    LogEvent("info", "stopping", std::string("reason=") + std::string(reason));
    const auto deadline = std::chrono::steady_clock::now() + shared.options.shutdown_timeout;
    for (auto& w : workers) w->BeginShutdown(deadline);
    if (watcher) watcher->Stop();
    if (signals) {
      boost::system::error_code ec;
      signals->cancel(ec);
    }
  }

  void WaitForSignal() {
    signals->async_wait([this](boost::system::error_code ec, int signo) {
      if (ec) return;
      if (signo == SIGHUP) {
        DoReload("sighup", nullptr);
        WaitForSignal();
      } else if (signo == SIGTERM) {
        DoDrain("sigterm");
        if (!stopping.load()) WaitForSignal();  // a second signal ends the drain
      } else {
        DoStop("sigint");
      }
    });
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_->started && !impl_->waited) {
    Stop();
    Wait();
  }
}

std::unique_ptr<Server> Server::Create(const ServerOptions& options, Status* error) {
  auto impl = std::make_unique<Impl>();
  Impl& s = *impl;
  ServerOptions& opts = s.shared.options;
  opts = options;
  if (opts.threads == 0) opts.threads = std::max(1u, std::thread::hardware_concurrency());
  if (opts.quarter < 0 || opts.quarter > 4) {
    *error = Status::Error("--quarter must be 1, 2, 3 or 4");
    return nullptr;
  }
  tcp::endpoint endpoint;
  std::string message;
  if (!ParseListen(opts.listen, &endpoint, &message)) {
    *error = Status::Error(message);
    return nullptr;
  }

  Status st;
  std::unique_ptr<IndexReader> reader = LoadIndex(opts.index_path, opts.map_index, &st);
  if (!reader) {
    *error = Status::Error("cannot load index " + opts.index_path + ": " + st.message());
    return nullptr;
  }
  if (!opts.images_dir.empty()) {
    s.images = ImageStore::Load(opts.images_dir, opts.image_cache_bytes, opts.image_max_file_bytes, &st);
    if (!s.images) {
      *error = Status::Error("cannot load images: " + st.message());
      return nullptr;
    }
  }
  for (char c : opts.click_target) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      *error = Status::Error("--click-target must not hold CR, LF or other control characters "
                             "(they would split the Location header)");
      return nullptr;
    }
  }
  if (!opts.events_dir.empty()) {
    EventLogOptions events;
    events.dir = opts.events_dir;
    events.host = opts.events_host.empty() ? DefaultEventsHost() : opts.events_host;
    events.host_id = opts.events_host_id >= 0 ? static_cast<uint32_t>(opts.events_host_id) : HostIdOf(events.host);
    events.rotate_seconds = opts.events_rotate_seconds;
    events.flush_interval = opts.events_flush_interval;
    s.events = EventLog::Create(events, opts.threads, &st);
    if (!s.events) {
      *error = st;
      return nullptr;
    }
    s.shared.events = s.events.get();
    s.metrics.events = s.events.get();
  }
  RaiseFileLimit();

  s.metrics.start_unix = NowUnix();
  s.shared.images = s.images.get();
  s.shared.metrics = &s.metrics;

  // No thread runs yet: the workers start with the first snapshot; DoReload
  // has them install later ones.
  auto first = s.holder.Publish(std::move(reader), NowUnix());
  std::random_device entropy;
  // Asio throws when it cannot set up its reactor (out of descriptors, or an
  // io_uring that the kernel or a seccomp profile forbids); a worker's first
  // timer does it.
  try {
    for (unsigned i = 0; i < opts.threads; ++i) {
      const uint64_t seed = (uint64_t{entropy()} << 32) ^ entropy() ^ (uint64_t{i} * 0x9e3779b97f4a7c15ull);
      EventSink* sink = s.events ? s.events->sink(i) : nullptr;
      s.workers.push_back(std::make_unique<Worker>(&s.shared, s.metrics.AddWorker(), seed, first, sink));
    }
  } catch (const std::exception& e) {
    *error = Status::Error(std::string("cannot set up the I/O threads: ") + e.what() + kReactorHint);
    return nullptr;
  }
  for (auto& w : s.workers) s.shared.workers.push_back(w.get());

  // SO_REUSEPORT would let a second bannerd on the same port silently take
  // half the connections: make sure nobody listens there yet.
  if (endpoint.port() != 0) {
    asio::io_context probe_ioc;
    tcp::acceptor probe(probe_ioc);
    boost::system::error_code ec;
    probe.open(endpoint.protocol(), ec);
    if (!ec) probe.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) probe.bind(endpoint, ec);
    if (ec) {
      *error = Status::Error("cannot listen on " + opts.listen + ": " + ec.message());
      return nullptr;
    }
  }
  // Worker 0 binds first (resolving port 0); the others share its port.
  for (auto& w : s.workers) {
    if (s.port != 0) endpoint.port(s.port);
    st = w->Listen(endpoint, opts.backlog);
    if (!st.ok()) {
      *error = st;
      return nullptr;
    }
    s.port = w->port();
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->port; }

void Server::Start() {
  Impl& s = *impl_;
  const ServerOptions& options = s.shared.options;
  if (s.started) return;
  s.started = true;
  s.control_guard.emplace(s.control.get_executor());
  if (options.handle_signals) {
    s.signals = std::make_unique<asio::signal_set>(s.control, SIGINT, SIGTERM, SIGHUP);
    s.WaitForSignal();
  }
  if (options.watch || options.poll_interval.count() > 0) {
    IndexWatcher::Options watch;
    watch.inotify = options.watch;
    watch.poll_interval = options.poll_interval;
    s.watcher = std::make_unique<IndexWatcher>(s.control, options.index_path, watch,
                                               [&s](std::string_view reason) { s.DoReload(reason, nullptr); });
    Status st = s.watcher->Start();
    if (!st.ok()) {
      std::string fields = "error=";
      AppendQuoted(&fields, st.message());
      fields.append(watch.poll_interval.count() > 0 ? " action=\"reload on the periodic check and SIGHUP only\""
                                                    : " action=\"reload on SIGHUP only\"");
      LogEvent("warn", "watch_failed", fields);
    }
  }
  if (s.events) s.events->Start();
  for (size_t i = 0; i < s.workers.size(); ++i) {
    Worker* worker = s.workers[i].get();
    s.threads.emplace_back([worker, i] {
      const std::string name = "bannerd-io-" + std::to_string(i);
      pthread_setname_np(pthread_self(), name.c_str());
      worker->Run();
    });
  }
  s.control_thread = std::thread([&s] {
    pthread_setname_np(pthread_self(), "bannerd-ctl");
    s.control.run();
  });

  const auto snapshot = s.holder.current();
  std::string fields = "listen=";
  AppendQuoted(&fields, options.listen);
  fields.append(" port=").append(std::to_string(s.port));
  fields.append(" threads=").append(std::to_string(s.workers.size()));
  fields.append(" index=");
  AppendQuoted(&fields, options.index_path);
  fields.append(" generation=").append(std::to_string(snapshot->generation));
  fields.append(" ").append(Campaigns(*snapshot->index));
  fields.append(" images=").append(std::to_string(s.images ? s.images->count() : 0));
  fields.append(" quarter=").append(options.quarter == 0 ? "clock" : std::to_string(options.quarter));
  LogEvent("info", "start", fields);
  NotifyReady("serving generation " + std::to_string(snapshot->generation));
}

void Server::Stop() {
  Impl* s = impl_.get();
  asio::post(s->control, [s] { s->DoStop("requested"); });
}

void Server::Wait() {
  Impl& s = *impl_;
  if (!s.started || s.waited) return;
  s.waited = true;
  for (auto& t : s.threads) t.join();
  if (s.events) s.events->Stop();  // every event recorded: written and renamed into place
  // The control thread tears the watcher and the signal set down itself and
  // returns once their cancelled operations have completed. Stopping it
  // instead would leave those operations to the io_context's destructor,
  // which on io_uring (Boost 1.81) destroys a handler, and with it the
  // watcher's descriptor, after the service that descriptor needs.
  asio::post(s.control, [&s] {
    s.watcher.reset();
    s.signals.reset();
  });
  s.control_guard.reset();
  s.control_thread.join();
  LogEvent("info", "stop", "status=ok");
}

Status Server::Reload() {
  if (impl_->stopping.load()) return Status::Error("server is stopping");
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> result = promise->get_future();
  Impl* s = impl_.get();
  asio::post(s->control, [s, promise] {
    s->DoReload("request", [promise](Status st) { promise->set_value(std::move(st)); });
  });
  // The I/O threads acknowledge within a moment unless the server stopped
  // under us; don't wait forever for threads that are gone.
  if (result.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    return Status::Error("reload not acknowledged: server is stopping");
  }
  return result.get();
}

uint64_t Server::current_generation() const { return impl_->holder.current()->generation; }

}  // namespace banner
