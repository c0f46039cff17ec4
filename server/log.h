// One-line structured log records on stderr, in logfmt:
//   ts=2026-11-22T04:30:00.123Z level=info event=reload_ok generation=2 ...
// Each record is written with a single write(2) so lines from several
// threads never interleave. Thread-safe; never throws.
#pragma once

#include <string>
#include <string_view>

namespace banner {

// `fields` is appended after "event=..." verbatim ("k=v k2=v2").
void LogEvent(std::string_view level, std::string_view event, std::string_view fields);

// Appends `value` double-quoted for logfmt: quotes, backslashes and control
// bytes (DEL included, as \xXX) are escaped so that a client-supplied string
// can't forge a record. The loop is json.h's AppendQuotedString.
void AppendQuoted(std::string* out, std::string_view value);

}  // namespace banner
