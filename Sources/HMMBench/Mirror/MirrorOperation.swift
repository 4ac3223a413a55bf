/// One operation of the test_hmm device-mirror protocol. Which request
/// number carries it depends on the uapi generation (see `UAPITable`).
public enum MirrorOperation: String, CaseIterable, Codable, Sendable {
    /// Device reads the range through hmm_range_fault, copying into `ptr`.
    case read
    /// Device writes the range from `ptr` through hmm_range_fault.
    case write
    /// migrate_vma to device memory (named MIGRATE before 6.0).
    case migrateToDevice = "migrate-to-dev"
    /// migrate_vma back to system memory (6.0+).
    case migrateToSystem = "migrate-to-sys"
    /// hmm_range_fault without faulting: one state byte per page into `ptr`.
    case snapshot
    /// make_device_exclusive over the range (5.14+).
    case exclusive
    /// Whether the range is still device-exclusive (5.14+).
    case checkExclusive = "check-exclusive"
    /// Release the device's pages (6.1+ device-private eviction test).
    case release
    /// Set driver flags (6.19+, device-private THP series; bit 0 makes
    /// the next device allocation fail once).
    case flags
    /// Not driven by any flow yet: known so that `--uapi-table` can
    /// describe patched trees. READ without holding the mmap lock across
    /// the copy (mm trees, 0x09).
    case readUnlockable = "read-unlockable"
    /// Not driven by any flow yet: migrate to the device from the fault
    /// path (2025 "migrate on fault" RFC, which inserts it at 0x03 and
    /// shifts the later numbers, putting RELEASE at 0x08).
    case migrateOnFaultToDevice = "migrate-on-fault-to-dev"

    /// The driver's name for it, as in test_hmm_uapi.h.
    public var uapiName: String {
        switch self {
        case .read: return "HMM_DMIRROR_READ"
        case .write: return "HMM_DMIRROR_WRITE"
        case .migrateToDevice: return "HMM_DMIRROR_MIGRATE_TO_DEV"
        case .migrateToSystem: return "HMM_DMIRROR_MIGRATE_TO_SYS"
        case .snapshot: return "HMM_DMIRROR_SNAPSHOT"
        case .exclusive: return "HMM_DMIRROR_EXCLUSIVE"
        case .checkExclusive: return "HMM_DMIRROR_CHECK_EXCLUSIVE"
        case .release: return "HMM_DMIRROR_RELEASE"
        case .flags: return "HMM_DMIRROR_FLAGS"
        case .readUnlockable: return "HMM_DMIRROR_READ_UNLOCKABLE"
        case .migrateOnFaultToDevice: return "HMM_DMIRROR_MIGRATE_ON_FAULT_TO_DEV"
        }
    }
}

/// What the driver answered to one request: the `cpages` and `faults`
/// fields of the command and the errno (0 on success).
public struct MirrorReply: Equatable, Codable, Sendable, CustomStringConvertible {
    public var cpages: UInt64
    public var faults: UInt64
    public var errno: Int32

    public init(cpages: UInt64 = 0, faults: UInt64 = 0, errno: Int32 = 0) {
        self.cpages = cpages
        self.faults = faults
        self.errno = errno
    }

    public var succeeded: Bool { errno == 0 }

    public var description: String {
        errno == 0 ? "cpages=\(cpages) faults=\(faults)" : Errno.name(errno)
    }
}

/// Snapshot byte values (one per page), as the driver defines them.
public enum SnapshotByte {
    public static let error: UInt8 = 0xFF
    public static let none: UInt8 = 0x00
    public static let read: UInt8 = 0x01
    public static let write: UInt8 = 0x02
    public static let pmd: UInt8 = 0x04
    public static let pud: UInt8 = 0x08
    public static let zero: UInt8 = 0x10
    public static let devicePrivateLocal: UInt8 = 0x20
    public static let devicePrivateRemote: UInt8 = 0x30
    public static let deviceCoherentLocal: UInt8 = 0x40
    public static let deviceCoherentRemote: UInt8 = 0x50

    /// "ZERO|READ", "DEV_PRIVATE_LOCAL|WRITE", "ERROR", "NONE".
    public static func describe(_ b: UInt8) -> String {
        if b == error { return "ERROR" }
        if b == none { return "NONE" }
        var parts: [String] = []
        switch b & 0x70 {
        case devicePrivateLocal: parts.append("DEV_PRIVATE_LOCAL")
        case devicePrivateRemote: parts.append("DEV_PRIVATE_REMOTE")
        case deviceCoherentLocal: parts.append("DEV_COHERENT_LOCAL")
        case deviceCoherentRemote: parts.append("DEV_COHERENT_REMOTE")
        case zero: parts.append("ZERO")
        case 0: break
        default: parts.append("0x" + String(b & 0x70, radix: 16))
        }
        if b & pmd != 0 { parts.append("PMD") }
        if b & pud != 0 { parts.append("PUD") }
        if b & read != 0 { parts.append("READ") }
        if b & write != 0 { parts.append("WRITE") }
        return parts.joined(separator: "|")
    }
}
