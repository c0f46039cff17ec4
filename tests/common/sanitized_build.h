// Whether this build runs under ASan or TSan: memory figures are then the
// sanitizer's, not ours (quarantine, shadow), everything is slower, and the
// sanitizers' allocators need address space a test must not take away.
#pragma once

namespace banner::test {

inline bool SanitizedBuild() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

}  // namespace banner::test
