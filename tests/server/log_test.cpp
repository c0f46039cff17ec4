// logfmt quoting of the values bannerd logs (client-supplied targets and
// methods included): a value can't end its field or its record early; and the
// JSON form of the same records (--log-format json).
#include "log.h"

#include <string>

#include <doctest/doctest.h>

namespace banner {
namespace {

TEST_CASE("AppendQuoted writes a logfmt value that cannot forge a field or a record") {
  std::string fields = "target=";
  AppendQuoted(&fields, "/x\" level=error\r\nts=0 event=forged\\");
  CHECK(fields == "target=\"/x\\\" level=error\\x0d\\x0ats=0 event=forged\\\\\"");
  fields.clear();
  AppendQuoted(&fields, std::string("\x00\x7f\x80 ok", 6));
  CHECK(fields == "\"\\x00\\x7f\x80 ok\"");
}

TEST_CASE("a JSON record carries the same fields, numbers as numbers, quoted values unescaped") {
  std::string fields = "generation=2 campaigns=3,4 ratio=0.25 id=007 reason=sighup path=";
  AppendQuoted(&fields, "/var/lib/banner \"x\"\\\n");
  fields += " draining";
  const std::string record = FormatLogRecord(LogFormat::kJson, "2026-11-22T04:30:00.123Z", "info", "reload_ok", fields);
  CHECK(record ==
        "{\"ts\":\"2026-11-22T04:30:00.123Z\",\"level\":\"info\",\"event\":\"reload_ok\",\"generation\":2,"
        "\"campaigns\":\"3,4\",\"ratio\":0.25,\"id\":\"007\",\"reason\":\"sighup\","
        "\"path\":\"/var/lib/banner \\\"x\\\"\\\\\\u000a\",\"draining\":true}");
  CHECK(FormatLogRecord(LogFormat::kJson, "t", "warn", "e", "") == "{\"ts\":\"t\",\"level\":\"warn\",\"event\":\"e\"}");
}

TEST_CASE("a logfmt record is ts, level, event, then the fields as given") {
  CHECK(FormatLogRecord(LogFormat::kLogfmt, "t", "info", "stop", "status=ok") == "ts=t level=info event=stop status=ok");
  CHECK(FormatLogRecord(LogFormat::kLogfmt, "t", "info", "stop", "") == "ts=t level=info event=stop");
}

TEST_CASE("ParseLogFormat knows logfmt and json only") {
  LogFormat f = LogFormat::kJson;
  CHECK(ParseLogFormat("logfmt", &f));
  CHECK(f == LogFormat::kLogfmt);
  CHECK(ParseLogFormat("json", &f));
  CHECK(f == LogFormat::kJson);
  CHECK_FALSE(ParseLogFormat("JSON", &f));
  CHECK(f == LogFormat::kJson);
}

}  // namespace
}  // namespace banner
