// One-line structured log records on stderr, for bannerd and `bannerc watch`,
// in logfmt (the default):
//   ts=2026-11-22T04:30:00.123Z level=info event=reload_ok generation=2 ...
// or, after SetLogFormat(LogFormat::kJson), one JSON object per line:
//   {"ts":"2026-11-22T04:30:00.123Z","level":"info","event":"reload_ok","generation":2,...}
// Callers always write their fields in logfmt; the JSON form is derived from
// them, so a record says the same thing in both formats.
// Each record is written with a single write(2) so lines from several
// threads never interleave. Thread-safe; never throws.
#pragma once

#include <string>
#include <string_view>

namespace banner {

enum class LogFormat { kLogfmt, kJson };

// "logfmt" or "json"; false for anything else.
bool ParseLogFormat(std::string_view name, LogFormat* format);
// Process-wide. Set it before other threads log (at start, from the flags).
void SetLogFormat(LogFormat format);

// `fields` is appended after "event=..." ("k=v k2=v2"; values as bare words
// or quoted with AppendQuoted).
void LogEvent(std::string_view level, std::string_view event, std::string_view fields);

// The record LogEvent writes, without the newline: pure, for the tests.
std::string FormatLogRecord(LogFormat format, std::string_view ts, std::string_view level,
                            std::string_view event, std::string_view fields);

// Appends `value` double-quoted for logfmt: quotes, backslashes and control
// bytes (DEL included, as \xXX) are escaped so that a client-supplied string
// can't forge a record. The loop is json.h's AppendQuotedString.
void AppendQuoted(std::string* out, std::string_view value);

}  // namespace banner
