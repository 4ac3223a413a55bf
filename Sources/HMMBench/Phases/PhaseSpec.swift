/// One phase of a flow's kernel work: a phase-level kernel function, named
/// as the flow's reader knows it, with the names other kernel versions give
/// the same step (the first one the running kernel has is traced).
/// Flows name a short list (`FlowDefinition.phases`): each traced call
/// nested under a traced parent adds to the parent's time, so hot leaf
/// functions are never phases.
public struct PhaseSpec: Sendable, Equatable {
    /// The phase as reports show it ("migrate_vma_setup", "move_pages").
    public var name: String
    /// Kernel function names to look for, in order of preference.
    public var candidates: [String]

    /// A phase named after its one kernel function.
    public init(_ function: String) {
        name = function
        candidates = [function]
    }

    /// A phase whose function has other names in other versions.
    public init(_ name: String, functions: [String]) {
        self.name = name
        candidates = functions
    }
}

extension PhaseSpec {
    /// The phases of the dmirror migrate-to-device path
    /// (lib/test_hmm.c dmirror_migrate_to_device: migrate_vma_setup,
    /// the driver's allocation and copy, migrate_vma_pages, the driver's
    /// mapping, migrate_vma_finalize; then the read-back that returns the
    /// range to the caller: dmirror_bounce_init's vmalloc of a buffer the
    /// size of the range, dmirror_do_read filling it, copy_to_user (in
    /// lib/, not traceable: it stays unattributed) and
    /// dmirror_bounce_fini's vfree). From 6.10 vmalloc() is a macro for
    /// vmalloc_noprof (memory allocation profiling), the traced name.
    public static let migrateToDevice: [PhaseSpec] = [
        PhaseSpec("migrate_vma_setup"), PhaseSpec("dmirror_migrate_alloc_and_copy"), PhaseSpec("migrate_vma_pages"),
        PhaseSpec("dmirror_migrate_finalize_and_map"), PhaseSpec("migrate_vma_finalize"),
        PhaseSpec("vmalloc", functions: ["vmalloc", "vmalloc_noprof"]),
        PhaseSpec("dmirror_do_read"), PhaseSpec("vfree"),
    ]

    /// Device memory back to system memory: the ioctl's own path
    /// (lib/test_hmm.c dmirror_migrate_to_system) or the CPU fault
    /// (dmirror_devmem_fault) both go through migrate_vma_* and the
    /// driver's copy to system pages.
    public static let migrateToSystem: [PhaseSpec] = [
        PhaseSpec("migrate_vma_setup"), PhaseSpec("dmirror_devmem_fault_alloc_and_copy"), PhaseSpec("migrate_vma_pages"),
        PhaseSpec("migrate_vma_finalize"),
    ]

    /// The mirror's device faults (lib/test_hmm.c dmirror_fault:
    /// hmm_range_fault, then the driver's page table update).
    public static let deviceFault: [PhaseSpec] = [
        PhaseSpec("hmm_range_fault"), PhaseSpec("dmirror_do_fault"), PhaseSpec("dmirror_do_read"),
        PhaseSpec("dmirror_do_write"),
    ]

    /// NUMA moves: the move_pages syscall, lru_cache_disable (which waits
    /// for an expedited RCU grace period) and the migration itself
    /// (migrate_pages; 6.3+ batches in migrate_pages_batch).
    public static let numaMove: [PhaseSpec] = [
        PhaseSpec("move_pages", functions: ["kernel_move_pages", "__do_sys_move_pages", "__x64_sys_move_pages"]),
        PhaseSpec("lru_cache_disable"), PhaseSpec("migrate_pages"), PhaseSpec("migrate_pages_batch"),
    ]

    /// The mirror's snapshot (lib/test_hmm.c dmirror_range_snapshot, with
    /// hmm_range_fault nested in it).
    public static let snapshot: [PhaseSpec] = [PhaseSpec("dmirror_range_snapshot"), PhaseSpec("hmm_range_fault")]

    /// Exclusive access: making a range device-exclusive
    /// (make_device_exclusive_range, renamed make_device_exclusive in
    /// later kernels) and the driver's mapping; revoking it on a CPU write
    /// (remove_device_exclusive_entry and the driver's invalidation).
    public static let exclusive: [PhaseSpec] = [
        PhaseSpec("make_device_exclusive", functions: ["make_device_exclusive_range", "make_device_exclusive"]),
        PhaseSpec("dmirror_atomic_map"), PhaseSpec("remove_device_exclusive_entry"), PhaseSpec("dmirror_interval_invalidate"),
    ]

    /// `lists` joined, each phase once (by name), in first-seen order.
    public static func union(_ lists: [PhaseSpec]...) -> [PhaseSpec] {
        var seen = Set<String>()
        return lists.joined().filter { seen.insert($0.name).inserted }
    }

    /// mbind(2) and migrate_pages(2) of a whole range.
    public static let numaPolicyMove: [PhaseSpec] = [
        PhaseSpec("lru_cache_disable"), PhaseSpec("migrate_pages"), PhaseSpec("migrate_pages_batch"),
    ]
}
