#include "log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "json.h"

namespace banner {

namespace {

std::atomic<LogFormat> g_format{LogFormat::kLogfmt};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Takes the logfmt value at the front of *in (a bare word, or a quoted string
// with AppendQuoted's escapes) into *value, unescaped. Returns whether it was
// quoted.
bool TakeValue(std::string_view* in, std::string* value) {
  value->clear();
  if (in->empty() || in->front() != '"') {
    const size_t end = in->find(' ');
    value->assign(in->substr(0, end));
    in->remove_prefix(end == std::string_view::npos ? in->size() : end);
    return false;
  }
  size_t i = 1;
  for (; i < in->size() && (*in)[i] != '"'; ++i) {
    const char c = (*in)[i];
    if (c == '\\' && i + 1 < in->size()) {
      const char next = (*in)[i + 1];
      if (next == '"' || next == '\\') {
        value->push_back(next);
        ++i;
        continue;
      }
      if (next == 'x' && i + 3 < in->size() && HexDigit((*in)[i + 2]) >= 0 && HexDigit((*in)[i + 3]) >= 0) {
        value->push_back(static_cast<char>(HexDigit((*in)[i + 2]) * 16 + HexDigit((*in)[i + 3])));
        i += 3;
        continue;
      }
    }
    value->push_back(c);
  }
  in->remove_prefix(i < in->size() ? i + 1 : in->size());
  return true;
}

// Bare words that are JSON numbers (ids, counts, seconds) stay numbers.
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const size_t int_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const size_t int_digits = i - int_start;
  if (int_digits == 0 || (int_digits > 1 && s[int_start] == '0')) return false;
  if (i < s.size() && s[i] == '.') {
    const size_t frac_start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == frac_start) return false;
  }
  return i == s.size();
}

// `fields` (logfmt) as JSON members, each preceded by a comma.
void AppendJsonFields(std::string* out, std::string_view fields) {
  std::string value;
  while (!fields.empty()) {
    if (fields.front() == ' ') {
      fields.remove_prefix(1);
      continue;
    }
    const std::string_view key = fields.substr(0, fields.find_first_of("= "));
    fields.remove_prefix(key.size());
    out->push_back(',');
    AppendJsonString(out, key);
    out->push_back(':');
    if (fields.empty() || fields.front() != '=') {  // a bare key is a flag
      out->append("true");
      continue;
    }
    fields.remove_prefix(1);
    const bool quoted = TakeValue(&fields, &value);
    if (!quoted && IsJsonNumber(value)) {
      out->append(value);
    } else {
      AppendJsonString(out, value);
    }
  }
}

}  // namespace

bool ParseLogFormat(std::string_view name, LogFormat* format) {
  if (name == "logfmt") {
    *format = LogFormat::kLogfmt;
  } else if (name == "json") {
    *format = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

void SetLogFormat(LogFormat format) { g_format.store(format, std::memory_order_relaxed); }

void AppendQuoted(std::string* out, std::string_view value) {
  AppendQuotedString(out, value, QuoteStyle::kLogfmt);
}

std::string FormatLogRecord(LogFormat format, std::string_view ts, std::string_view level,
                            std::string_view event, std::string_view fields) {
  std::string line;
  line.reserve(96 + fields.size() * 2);
  if (format == LogFormat::kJson) {
    line.append("{\"ts\":");
    AppendJsonString(&line, ts);
    line.append(",\"level\":");
    AppendJsonString(&line, level);
    line.append(",\"event\":");
    AppendJsonString(&line, event);
    AppendJsonFields(&line, fields);
    line.push_back('}');
    return line;
  }
  line.append("ts=").append(ts).append(" level=").append(level).append(" event=").append(event);
  if (!fields.empty()) line.append(" ").append(fields);
  return line;
}

void LogEvent(std::string_view level, std::string_view event, std::string_view fields) {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  std::string line = FormatLogRecord(g_format.load(std::memory_order_relaxed), ts, level, event, fields);
  line.push_back('\n');
  // Best effort: a log line that can't be written is dropped on purpose,
  // serving must not depend on stderr.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace banner
