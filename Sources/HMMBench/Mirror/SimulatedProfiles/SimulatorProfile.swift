/// The behaviour of one kernel generation of test_hmm and the mm code under
/// it, as the simulator models it. Behaviour does not follow the uapi
/// numbering (6.15 reworked device-exclusive without a uapi change), so a
/// profile is chosen from the kernel release on its own, like the uapi
/// table, and can be overridden (`--sim-profile`). Each generation lives in
/// its own file (Profile6_1.swift, ...) and is listed in `all`.
public struct SimulatorProfile: Equatable, Sendable, CustomStringConvertible {
    /// How EXCLUSIVE (make_device_exclusive) treats the range.
    public enum ExclusiveRules: String, Equatable, Sendable {
        /// 6.1-6.14: make_device_exclusive_range over a batch; any page it
        /// could not make exclusive turns the whole request into EBUSY.
        /// THP is split by FOLL_SPLIT_PMD and left exclusive.
        case rangeBusy
        /// 6.15+: make_device_exclusive page by page, stopping at the first
        /// error: GUP's EFAULT (read-only, PROT_NONE, unmapped), EOPNOTSUPP
        /// for a folio that is not anonymous or is hugetlb; PTE-mapped THP
        /// folios work.
        case perPageFolio
    }

    /// "6.1", "6.15", "6.19": the first release the profile models.
    public var name: String
    /// The releases it covers, as records name it ("6.1-6.14", "6.19+").
    public var span: String
    /// The first release (major, minor) the profile applies to.
    public var firstMajor: Int
    public var firstMinor: Int
    public var exclusive: ExclusiveRules
    /// Migrating a whole PMD-mapped THP to a private device keeps it one
    /// huge device page (6.19 device-private THP series).
    public var devicePrivateTHP: Bool
    /// HMM_DMIRROR_FLAGS is implemented (bit 0: FAIL_ALLOC, one-shot).
    public var flags: Bool
    /// A never-touched page migrated to a device gets a writable entry in
    /// the fd's page table (6.1 dmirror_migrate_alloc_and_copy also looks at
    /// VM_WRITE for pages without a source; 6.19 takes the write bit from
    /// the source entry only, so such entries are read-only until a fault).
    public var holeEntryWritable: Bool
    /// Pages per hmm_range_fault call in dmirror_fault (READ/WRITE faults).
    public var faultBatch: Int
    /// Pages per hmm_range_fault call in dmirror_snapshot.
    public var snapshotBatch: Int
    /// Pages per migrate_vma_setup call in MIGRATE_TO_DEV/SYS.
    public var migrateBatch: Int
    /// The table the modelled driver decodes requests with under a custom
    /// `--uapi-table`.
    public var driverGeneration: UAPIGeneration

    public var description: String { span }

    public init(name: String, span: String, firstMajor: Int, firstMinor: Int, exclusive: ExclusiveRules,
                devicePrivateTHP: Bool, flags: Bool, holeEntryWritable: Bool, faultBatch: Int,
                snapshotBatch: Int, migrateBatch: Int, driverGeneration: UAPIGeneration) {
        self.name = name
        self.span = span
        self.firstMajor = firstMajor
        self.firstMinor = firstMinor
        self.exclusive = exclusive
        self.devicePrivateTHP = devicePrivateTHP
        self.flags = flags
        self.holeEntryWritable = holeEntryWritable
        self.faultBatch = faultBatch
        self.snapshotBatch = snapshotBatch
        self.migrateBatch = migrateBatch
        self.driverGeneration = driverGeneration
    }

    /// Every profile, oldest first. A new generation adds its file and one
    /// entry here.
    public static let all: [SimulatorProfile] = [.v6_1, .v6_15, .v6_19]

    /// The profile named by its first release ("6.15") or its span ("6.15-6.18").
    public init?(name: String) {
        guard let p = Self.all.first(where: { $0.name == name || $0.span == name }) else { return nil }
        self = p
    }

    /// The profile of a kernel release: the newest whose first release is
    /// not after it. Releases before 6.1 get 6.1's (the model's base).
    public static func forRelease(_ release: KernelRelease) -> SimulatorProfile {
        all.last { release.atLeast($0.firstMajor, $0.firstMinor) } ?? all[0]
    }

    /// The profile of a release string, or nil when it is not a release.
    public static func forRelease(_ release: String) -> SimulatorProfile? {
        KernelRelease(release).map { forRelease($0) }
    }

    /// The profile of a uapi generation's first release (6.1-6.18 -> 6.1).
    public static func forGeneration(_ g: UAPIGeneration) -> SimulatorProfile {
        let first = g.rawValue.split(separator: ".").compactMap { Int($0) }
        return forRelease(KernelRelease("\(first[0]).\(first[1])")!)
    }

    /// Parses a `--sim-profile` value. Throws a usage error naming the
    /// accepted values.
    public static func parse(_ text: String) throws -> SimulatorProfile {
        if let p = SimulatorProfile(name: text) { return p }
        let known = all.map { "\($0.name) (\($0.span))" }.joined(separator: ", ")
        throw HMMBenchError.usage("unknown simulator profile '\(text)'", hint: "one of \(known)")
    }
}
