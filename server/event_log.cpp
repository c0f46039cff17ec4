#include "event_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <algorithm>
#include <filesystem>

#include "json.h"
#include "log.h"

namespace banner {

namespace {

constexpr std::string_view kImpressionsHeader = "banner_id,campaign_id\n";
constexpr std::string_view kClicksHeader = "click_id,banner_id,campaign_id\n";

std::string_view KindName(EventKind kind) { return kind == EventKind::kClick ? "clicks" : "impressions"; }
std::string_view HeaderOf(EventKind kind) { return kind == EventKind::kClick ? kClicksHeader : kImpressionsHeader; }

int64_t WallNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// 20261201T221500Z
std::string Stamp(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  tm parts{};
  gmtime_r(&t, &parts);
  char text[32];
  const size_t n = std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &parts);
  return std::string(text, n);
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void LogFileError(std::string_view what, const std::string& path, int error) {
  std::string fields = "path=";
  AppendQuoted(&fields, path);
  fields.append(" error=");
  AppendQuoted(&fields, std::strerror(error));
  fields.append(" action=\"events of this file are dropped and counted; serving goes on\"");
  LogEvent("error", what, fields);
}

// A dot-file a crashed bannerd left: cut to its last whole row, renamed into
// place (or removed when it holds no row).
void Recover(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  const std::string final_path = dir + "/" + name.substr(1);
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  std::string bytes;
  char chunk[1 << 16];
  ssize_t n;
  while ((n = ::read(fd, chunk, sizeof chunk)) > 0) bytes.append(chunk, static_cast<size_t>(n));
  const size_t whole = bytes.rfind('\n') == std::string::npos ? 0 : bytes.rfind('\n') + 1;
  const size_t header = bytes.find('\n') == std::string::npos ? bytes.size() : bytes.find('\n') + 1;
  const bool has_rows = whole > header;
  if (has_rows && ::ftruncate(fd, static_cast<off_t>(whole)) == 0) ::fdatasync(fd);
  ::close(fd);
  std::string fields = "path=";
  AppendQuoted(&fields, path);
  if (has_rows && ::rename(path.c_str(), final_path.c_str()) == 0) {
    fields.append(" renamed=");
    AppendQuoted(&fields, final_path);
    fields.append(" bytes=").append(std::to_string(whole));
  } else {
    ::unlink(path.c_str());
    fields.append(" removed=\"no whole row\"");
  }
  LogEvent("warn", "events_recovered", fields);
}

}  // namespace

uint64_t PackClickId(uint32_t host_id, uint64_t second_since_epoch, uint32_t thread, uint32_t counter) {
  return (uint64_t{host_id} << 53) | ((second_since_epoch & ((uint64_t{1} << 31) - 1)) << 22) |
         (uint64_t{thread} << 14) | counter;
}

EventSink::EventSink(size_t capacity, uint32_t host_id, uint32_t thread)
    : ring_(capacity), mask_(capacity - 1), host_id_(host_id), thread_(thread) {}

bool EventSink::Record(const Event& event) {
  const uint64_t head = head_.load(std::memory_order_relaxed);
  if (head - tail_.load(std::memory_order_acquire) == ring_.size()) {
    Bump(dropped_);
    return false;
  }
  ring_[head & mask_] = event;
  head_.store(head + 1, std::memory_order_release);
  Bump(recorded_[static_cast<size_t>(event.kind)]);
  return true;
}

uint64_t EventSink::NextClickId(int64_t now_unix) {
  const uint64_t second = now_unix > kClickIdEpochUnix ? static_cast<uint64_t>(now_unix - kClickIdEpochUnix) : 0;
  if (second > id_second_) {
    id_second_ = second;
    id_counter_ = 0;
  } else if (id_counter_ == kClickIdsPerSecond) {
    ++id_second_;  // borrow the next second: never reuse one
    id_counter_ = 0;
  }
  return PackClickId(host_id_, id_second_, thread_, id_counter_++);
}

void EventSink::Drain(std::vector<Event>* out) {
  const uint64_t tail = tail_.load(std::memory_order_relaxed);
  const uint64_t head = head_.load(std::memory_order_acquire);
  for (uint64_t i = tail; i != head; ++i) out->push_back(ring_[i & mask_]);
  tail_.store(head, std::memory_order_release);
}

struct EventLog::OpenFile {
  EventKind kind;
  int quarter;
  int64_t period_start;
  int64_t opened_unix;
  std::string tmp_path, final_path;
  int fd = -1;
  off_t size = 0;
  std::string pending;  // this flush's rows
  size_t pending_events = 0;
};

std::unique_ptr<EventLog> EventLog::Create(const EventLogOptions& options, unsigned threads, Status* error) {
  if (options.rotate_seconds <= 0 || 900 % options.rotate_seconds != 0) {
    *error = Status::Error("--events-rotate-seconds must divide 900 (a quarter-hour), e.g. 900, 300, 60, 1");
    return nullptr;
  }
  if (options.host.empty() || options.host.find_first_not_of(
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    *error = Status::Error("--events-host \"" + options.host + "\": use letters, digits and '-' only");
    return nullptr;
  }
  if (options.host_id > kMaxHostId) {
    *error = Status::Error("--events-host-id must be 0.." + std::to_string(kMaxHostId));
    return nullptr;
  }
  if (threads > kMaxEventThreads) {
    *error = Status::Error("--events-dir supports at most " + std::to_string(kMaxEventThreads) + " I/O threads");
    return nullptr;
  }
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec || ::access(options.dir.c_str(), W_OK) != 0) {
    *error = Status::Error("--events-dir " + options.dir + ": not a writable folder" +
                           (ec ? ": " + ec.message() : std::string()));
    return nullptr;
  }
  if (DIR* d = ::opendir(options.dir.c_str())) {
    std::vector<std::string> leftovers;
    while (dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if ((name.starts_with(".impressions_") || name.starts_with(".clicks_")) && name.ends_with(".csv")) {
        leftovers.emplace_back(name);
      }
    }
    ::closedir(d);
    for (const std::string& name : leftovers) Recover(options.dir, name);
  }
  auto log = std::unique_ptr<EventLog>(new EventLog(options));
  size_t capacity = 1;
  while (capacity < options.ring_events) capacity <<= 1;
  for (unsigned i = 0; i < threads; ++i) log->sinks_.push_back(std::make_unique<EventSink>(capacity, options.host_id, i));
  return log;
}

EventLog::EventLog(const EventLogOptions& options) : options_(options), start_unix_(WallNow()) {}

EventLog::~EventLog() { Stop(); }

void EventLog::Start() {
  thread_ = std::thread([this] { Run(); });
}

void EventLog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventLog::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, options_.flush_interval, [this] { return stop_; });
    lock.unlock();
    Flush(false);
    lock.lock();
  }
  lock.unlock();
  Flush(true);
}

void EventLog::Flush(bool final) {
  const int64_t now = WallNow();
  const int64_t rotate = options_.rotate_seconds;
  // A period's file stays open this long after the period ends, for the
  // events of its last moments still in the rings.
  const int64_t grace = 1 + 2 * std::chrono::duration_cast<std::chrono::seconds>(options_.flush_interval).count();
  batch_.clear();
  for (auto& sink : sinks_) sink->Drain(&batch_);
  for (const Event& e : batch_) {
    const int64_t period = e.served_unix - ((e.served_unix % rotate) + rotate) % rotate;
    OpenFile* file = nullptr;
    for (auto& f : files_) {
      if (f->kind == e.kind && f->quarter == e.quarter && f->period_start == period) file = f.get();
    }
    if (file == nullptr) {
      if (period + rotate + grace <= now && !final) {
        late_dropped_.fetch_add(1, std::memory_order_relaxed);  // its file is closed already
        continue;
      }
      auto f = std::make_unique<OpenFile>();
      f->kind = e.kind;
      f->quarter = e.quarter;
      f->period_start = period;
      f->opened_unix = now;
      const std::string name = std::string(KindName(e.kind)) + "_" + std::to_string(e.quarter) + "_" +
                               options_.host + "_" + Stamp(period) + "_" + Stamp(start_unix_) + ".csv";
      f->final_path = options_.dir + "/" + name;
      f->tmp_path = options_.dir + "/." + name;
      f->fd = ::open(f->tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (f->fd < 0) {
        LogFileError("events_open_failed", f->tmp_path, errno);
      } else if (WriteAll(f->fd, HeaderOf(e.kind))) {
        f->size = static_cast<off_t>(HeaderOf(e.kind).size());
      } else {
        LogFileError("events_write_failed", f->tmp_path, errno);
        ::close(f->fd);
        f->fd = -1;
      }
      file = f.get();
      files_.push_back(std::move(f));
    }
    if (e.kind == EventKind::kClick) {
      AppendUint(&file->pending, e.click_id);
      file->pending.push_back(',');
    }
    AppendUint(&file->pending, e.banner_id);
    file->pending.push_back(',');
    AppendUint(&file->pending, e.campaign_id);
    file->pending.push_back('\n');
    ++file->pending_events;
  }
  int64_t oldest = 0;
  for (auto& f : files_) {
    Write(f.get(), f->pending, f->pending_events);
    f->pending.clear();
    f->pending_events = 0;
  }
  std::erase_if(files_, [&](const std::unique_ptr<OpenFile>& f) {
    if (!final && f->period_start + rotate + grace > now) {
      oldest = oldest == 0 ? f->opened_unix : std::min(oldest, f->opened_unix);
      return false;
    }
    Close(f.get());
    return true;
  });
  oldest_open_unix_.store(oldest, std::memory_order_relaxed);
}

void EventLog::Write(OpenFile* file, const std::string& rows, size_t events) {
  if (events == 0) return;
  if (file->fd >= 0 && WriteAll(file->fd, rows)) {
    file->size += static_cast<off_t>(rows.size());
    bytes_written_.fetch_add(rows.size(), std::memory_order_relaxed);
    return;
  }
  // Disk full, file too large, ...: drop this flush's rows, and cut a row
  // written in part, so that the file stays valid CSV.
  const int error = errno;
  write_dropped_.fetch_add(events, std::memory_order_relaxed);
  if (file->fd >= 0) {
    if (::ftruncate(file->fd, file->size) != 0) {
      ::close(file->fd);  // can't keep the file whole: stop writing it
      ::unlink(file->tmp_path.c_str());
      file->fd = -1;
    }
    LogFileError("events_write_failed", file->tmp_path, error);
  }
}

void EventLog::Close(OpenFile* file) {
  if (file->fd < 0) return;
  ::fdatasync(file->fd);
  ::close(file->fd);
  file->fd = -1;
  if (::rename(file->tmp_path.c_str(), file->final_path.c_str()) != 0) {
    LogFileError("events_rename_failed", file->tmp_path, errno);
    return;
  }
  files_closed_.fetch_add(1, std::memory_order_relaxed);
}

void EventLog::RenderMetrics(int64_t now_unix, std::string* out) const {
  uint64_t recorded[2] = {0, 0};
  uint64_t full = 0;
  for (const auto& s : sinks_) {
    recorded[0] += s->recorded(EventKind::kImpression);
    recorded[1] += s->recorded(EventKind::kClick);
    full += s->dropped();
  }
  auto line = [out](std::string_view name, std::string_view labels, uint64_t value) {
    out->append(name).append(labels).push_back(' ');
    AppendUint(out, value);
    out->push_back('\n');
  };
  out->append("# HELP banner_events_recorded_total Impressions and clicks queued for the events folder.\n"
              "# TYPE banner_events_recorded_total counter\n");
  line("banner_events_recorded_total", "{kind=\"impression\"}", recorded[0]);
  line("banner_events_recorded_total", "{kind=\"click\"}", recorded[1]);
  out->append("# HELP banner_events_dropped_total Events lost: an I/O thread's ring was full, a write failed,"
              " or the event came after its file closed.\n# TYPE banner_events_dropped_total counter\n");
  line("banner_events_dropped_total", "{reason=\"buffer_full\"}", full);
  line("banner_events_dropped_total", "{reason=\"write_failed\"}", write_dropped_.load(std::memory_order_relaxed));
  line("banner_events_dropped_total", "{reason=\"late\"}", late_dropped_.load(std::memory_order_relaxed));
  out->append("# HELP banner_events_bytes_written_total Row bytes written to the events files.\n"
              "# TYPE banner_events_bytes_written_total counter\n");
  line("banner_events_bytes_written_total", "", bytes_written_.load(std::memory_order_relaxed));
  out->append("# HELP banner_events_files_closed_total Events files renamed into place.\n"
              "# TYPE banner_events_files_closed_total counter\n");
  line("banner_events_files_closed_total", "", files_closed_.load(std::memory_order_relaxed));
  const int64_t oldest = oldest_open_unix_.load(std::memory_order_relaxed);
  out->append("# HELP banner_events_open_file_age_seconds Age of the oldest events file still open (0: none).\n"
              "# TYPE banner_events_open_file_age_seconds gauge\n");
  line("banner_events_open_file_age_seconds", "",
       oldest == 0 || now_unix < oldest ? 0 : static_cast<uint64_t>(now_unix - oldest));
}

}  // namespace banner
