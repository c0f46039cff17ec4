// Tells systemd what bannerd is doing (Type=notify units), through
// sd_notify(3) from libsystemd:
//   READY=1      the index is loaded and the listeners accept connections;
//                again after a reload (STATUS= says which generation serves)
//   RELOADING=1  a reload began; with MONOTONIC_USEC=, which systemd 253+
//                requires and older ones ignore
//   STOPPING=1   a stop (or the drain before it) began
// Without NOTIFY_SOCKET in the environment, i.e. not started by systemd,
// every call does nothing; so does a build without libsystemd-dev
// (BANNER_HAVE_SYSTEMD undefined, which CMake reports).
//
// Thread-safe.
#pragma once

#include <string_view>

namespace banner {

void NotifyReady(std::string_view status);
void NotifyReloading();
void NotifyStopping();

}  // namespace banner
