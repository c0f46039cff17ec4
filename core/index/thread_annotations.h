// Clang's thread-safety annotations, named as in LevelDB's
// port/thread_annotations.h and Abseil. Under Clang (-Wthread-safety, on in
// every clang build of the project) the compiler checks the locking rules
// they state: which mutex guards a field (GUARDED_BY), what a function needs
// held (REQUIRES) or not held (EXCLUDES). Under other compilers they expand
// to nothing. The annotated mutex to use them with is mutex.h's.
#pragma once

#if defined(__clang__)
#define BANNER_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define BANNER_THREAD_ANNOTATION(x)
#endif

// On a class: it is a capability (a mutex), named `x` in warnings.
#define CAPABILITY(x) BANNER_THREAD_ANNOTATION(capability(x))
// On a class: an RAII object that holds a capability while it lives.
#define SCOPED_CAPABILITY BANNER_THREAD_ANNOTATION(scoped_lockable)
// On a field: read or written only with `x` held.
#define GUARDED_BY(x) BANNER_THREAD_ANNOTATION(guarded_by(x))
// On a pointer field: what it points to is read or written only with `x` held.
#define PT_GUARDED_BY(x) BANNER_THREAD_ANNOTATION(pt_guarded_by(x))
// On a function: the caller must hold (REQUIRES) or must not hold (EXCLUDES)
// the capabilities named.
#define REQUIRES(...) BANNER_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) BANNER_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// On a function: it acquires or releases the capabilities named (the object
// itself when none is).
#define ACQUIRE(...) BANNER_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) BANNER_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
