#if os(Linux) && canImport(Glibc)
    import CMalloc
    import Glibc
#endif

/// glibc's allocator gives threads that allocate at the same time arenas of their own, up to
/// eight per core, and each arena keeps the memory freed in it. A worker's few threads (event
/// loops and the task pool) passing jobs among them spread their memory over four or five arenas;
/// in one, a drain of 20,000 jobs peaks about 4 MB lower at the same rate (`scripts/bench-compare`).
enum MallocArenas {
    /// One arena for the process, unless `MALLOC_ARENA_MAX` or `GLIBC_TUNABLES` says otherwise.
    static func useOne() {
        #if os(Linux) && canImport(Glibc)
            guard getenv("MALLOC_ARENA_MAX") == nil, getenv("GLIBC_TUNABLES") == nil else { return }
            _ = mallopt(M_ARENA_MAX, 1)
        #endif
    }
}
