/// One operation timed by both hmmbench and the minimal C program
/// (bench/reference/hmm-ref.c): its name in hmm-ref and the hmmbench
/// flow, with the parameters, that does the same kernel work.
public enum OverheadOp: String, Codable, CaseIterable, Sendable {
    /// HMM_DMIRROR_READ of a fresh, CPU-written range (`fault-read`).
    case read
    /// HMM_DMIRROR_WRITE of a fresh, CPU-written range (`fault-write`).
    case write
    /// HMM_DMIRROR_SNAPSHOT of one written range (`snapshot`).
    case snapshot
    /// MIGRATE_TO_DEV of a fresh, written range (`migrate-to-dev`).
    case migrateToDevice = "migrate-to-dev"
    /// MIGRATE_TO_SYS of a range migrated to the device untimed (`migrate-to-sys`).
    case migrateToSystem = "migrate-to-sys"
    /// MIGRATE_TO_DEV then MIGRATE_TO_SYS of a fresh range (`migrate-roundtrip`).
    case roundtrip
    /// HMM_DMIRROR_EXCLUSIVE of a fresh, written range (`exclusive phase=make`).
    case exclusive
    /// move_pages(2) of a written range from node 0 to node 1, 512 pages
    /// a call (`numa-move-pages`).
    case movePages = "move-pages"

    /// The hmmbench flow doing the same work.
    public var flow: String {
        switch self {
        case .read: return "fault-read"
        case .write: return "fault-write"
        case .snapshot: return "snapshot"
        case .migrateToDevice: return "migrate-to-dev"
        case .migrateToSystem: return "migrate-to-sys"
        case .roundtrip: return "migrate-roundtrip"
        case .exclusive: return "exclusive"
        case .movePages: return "numa-move-pages"
        }
    }

    /// Nodes and batch of the move-pages comparison (the flow's defaults).
    public static let moveFrom = 0
    public static let moveTo = 1
    public static let moveBatch = 512

    /// Whether the op needs a dmirror device (all but move-pages).
    public var usesDevice: Bool { self != .movePages }

    /// The dmirror request the op needs beyond READ, for skipping it on a
    /// uapi that lacks it.
    public var requiredRequest: MirrorOperation? {
        switch self {
        case .migrateToSystem, .roundtrip: return .migrateToSystem
        case .exclusive: return .exclusive
        default: return nil
        }
    }

    /// The flow parameters that match what hmm-ref does: a private
    /// anonymous base-page mapping, every byte written first.
    public func flowValues(size: Int, memory: DeviceMemoryKind) -> [String: String] {
        let s = String(size)
        switch self {
        case .read, .write:
            return ["size": s, "mapping": MappingKind.anon.rawValue, "populate": "yes", "memory": memory.rawValue]
        case .snapshot:
            return ["size": s, "mapping": MappingKind.anon.rawValue, "populate": "write", "memory": memory.rawValue]
        case .migrateToDevice, .migrateToSystem, .roundtrip:
            return ["size": s, "mapping": MappingKind.anon.rawValue, "memory": memory.rawValue]
        case .exclusive:
            return ["size": s, "phase": "make", "memory": memory.rawValue]
        case .movePages:
            return ["size": s, "mapping": MappingKind.anon.rawValue, "batch": String(Self.moveBatch),
                    "from": String(Self.moveFrom), "to": String(Self.moveTo), "threads": "0", "protection": "rw"]
        }
    }
}
