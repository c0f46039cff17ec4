// logfmt quoting of the values bannerd logs (client-supplied targets and
// methods included): a value can't end its field or its record early.
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

}  // namespace
}  // namespace banner
