#include "systemd_notify.h"

#include <cstdint>
#include <ctime>
#include <string>

#ifdef BANNER_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace banner {

namespace {

void Notify(const std::string& state) {
#ifdef BANNER_HAVE_SYSTEMD
  // A lost notification is not worth failing over: systemd then only times
  // out the start or reload, which says as much in its own log.
  sd_notify(0, state.c_str());
#else
  (void)state;
#endif
}

uint64_t MonotonicMicros() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace

void NotifyReady(std::string_view status) {
  std::string state = "READY=1\nSTATUS=";
  state.append(status);
  Notify(state);
}

void NotifyReloading() { Notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(MonotonicMicros())); }

void NotifyStopping() { Notify("STOPPING=1"); }

}  // namespace banner
