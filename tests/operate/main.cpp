// The operations suite's main: bannerd and bannerc as systemd runs them
// (notify protocol, drain, logs, versions) and bannerc watch end to end.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
