// PrefetchForRead: a hint that the cache line at `address` will be read soon.
//
// Not __builtin_prefetch alone: GCC (12) judges a function whose only effect is
// __builtin_prefetch free of side effects, and removes the calls to it, and to
// its callers in turn (FlatHashMap::Prefetch, QuarterTables::PrefetchClick, the
// merge loop's lambda): the merge then ran without a single prefetch. An asm
// volatile statement is a side effect no pass removes.
#pragma once

namespace banner {

inline void PrefetchForRead(const void* address) {
#if defined(__x86_64__) || defined(__i386__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address);
  asm volatile("" : : "r"(address));  // keeps the call (see above)
#endif
}

}  // namespace banner
