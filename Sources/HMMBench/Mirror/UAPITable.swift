import CShims

/// The test_hmm uapi generations hmmbench knows. Request numbers were
/// renumbered between them, so the running generation is chosen from the
/// kernel release (or given by the user), never probed with a request.
public enum UAPIGeneration: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// 5.8 - 5.13: READ, WRITE, MIGRATE, SNAPSHOT.
    case v5_8 = "5.8"
    /// 5.14 - 5.19: adds EXCLUSIVE and CHECK_EXCLUSIVE after SNAPSHOT.
    case v5_14 = "5.14"
    /// 6.0: MIGRATE_TO_DEV/MIGRATE_TO_SYS; SNAPSHOT moves to 0x04.
    case v6_0 = "6.0"
    /// 6.1 - 6.18: adds RELEASE. 6.12's header is the same as 6.1's.
    case v6_1 = "6.1"
    /// 6.19 and later: adds FLAGS (device-private THP series).
    case v6_19 = "6.19"

    /// The releases the generation covers, as records and headers name
    /// it: "6.1-6.18", never a bare "6.1" for a 6.12 kernel.
    public var span: String {
        switch self {
        case .v5_8: return "5.8-5.13"
        case .v5_14: return "5.14-5.19"
        case .v6_0: return "6.0"
        case .v6_1: return "6.1-6.18"
        case .v6_19: return "6.19+"
        }
    }

    public var description: String { span }

    /// The generation named by its first release ("6.1") or its span
    /// ("6.1-6.18"), as `--uapi` and recorded files give it.
    public init?(name: String) {
        guard let g = Self(rawValue: name) ?? Self.allCases.first(where: { $0.span == name }) else { return nil }
        self = g
    }

    /// The generation of a kernel release, or nil before 5.8 (no test_hmm).
    public static func forRelease(_ release: KernelRelease) -> UAPIGeneration? {
        if release.atLeast(6, 19) { return .v6_19 }
        if release.atLeast(6, 1) { return .v6_1 }
        if release.atLeast(6, 0) { return .v6_0 }
        if release.atLeast(5, 14) { return .v5_14 }
        if release.atLeast(5, 8) { return .v5_8 }
        return nil
    }

    /// The generation of a release string ("6.1.0-27-amd64"), or nil.
    public static func forRelease(_ release: String) -> UAPIGeneration? {
        KernelRelease(release).flatMap { forRelease($0) }
    }

    /// Parses a `--uapi` value ("6.1", "5.14", ...). Throws a usage error
    /// naming the accepted values.
    public static func parse(_ text: String) throws -> UAPIGeneration {
        if let g = UAPIGeneration(name: text) { return g }
        let known = allCases.map(\.rawValue).joined(separator: ", ")
        throw HMMBenchError.usage("unknown uapi generation '\(text)'", hint: "one of \(known), or --uapi-table for a patched tree")
    }

    /// This generation's request table.
    public var table: UAPITable {
        switch self {
        case .v5_8:
            return UAPITable(name: span, requests: [
                .read: HMMB_5_8_READ, .write: HMMB_5_8_WRITE,
                .migrateToDevice: HMMB_5_8_MIGRATE, .snapshot: HMMB_5_8_SNAPSHOT,
            ])
        case .v5_14:
            return UAPITable(name: span, requests: [
                .read: HMMB_5_14_READ, .write: HMMB_5_14_WRITE,
                .migrateToDevice: HMMB_5_14_MIGRATE, .snapshot: HMMB_5_14_SNAPSHOT,
                .exclusive: HMMB_5_14_EXCLUSIVE, .checkExclusive: HMMB_5_14_CHECK_EXCLUSIVE,
            ])
        case .v6_0:
            return UAPITable(name: span, requests: [
                .read: HMMB_6_0_READ, .write: HMMB_6_0_WRITE,
                .migrateToDevice: HMMB_6_0_MIGRATE_TO_DEV, .migrateToSystem: HMMB_6_0_MIGRATE_TO_SYS,
                .snapshot: HMMB_6_0_SNAPSHOT, .exclusive: HMMB_6_0_EXCLUSIVE,
                .checkExclusive: HMMB_6_0_CHECK_EXCLUSIVE,
            ])
        case .v6_1:
            return UAPITable(name: span, requests: [
                .read: HMMB_6_1_READ, .write: HMMB_6_1_WRITE,
                .migrateToDevice: HMMB_6_1_MIGRATE_TO_DEV, .migrateToSystem: HMMB_6_1_MIGRATE_TO_SYS,
                .snapshot: HMMB_6_1_SNAPSHOT, .exclusive: HMMB_6_1_EXCLUSIVE,
                .checkExclusive: HMMB_6_1_CHECK_EXCLUSIVE, .release: HMMB_6_1_RELEASE,
            ])
        case .v6_19:
            return UAPITable(name: span, requests: [
                .read: HMMB_6_19_READ, .write: HMMB_6_19_WRITE,
                .migrateToDevice: HMMB_6_19_MIGRATE_TO_DEV, .migrateToSystem: HMMB_6_19_MIGRATE_TO_SYS,
                .snapshot: HMMB_6_19_SNAPSHOT, .exclusive: HMMB_6_19_EXCLUSIVE,
                .checkExclusive: HMMB_6_19_CHECK_EXCLUSIVE, .release: HMMB_6_19_RELEASE,
                .flags: HMMB_6_19_FLAGS,
            ])
        }
    }
}

/// Which ioctl request carries each mirror operation in one uapi
/// generation. Built from a known generation or, for a patched tree, from
/// an explicit `op=nr` list.
public struct UAPITable: Equatable, Sendable, CustomStringConvertible {
    /// "6.1", or "custom" for a user-given table.
    public var name: String
    /// Full ioctl request numbers (`_IOWR('H', nr, struct hmm_dmirror_cmd)`).
    public var requests: [MirrorOperation: UInt]

    public init(name: String, requests: [MirrorOperation: UInt]) {
        self.name = name
        self.requests = requests
    }

    /// The request for an operation, or nil when this generation lacks it.
    public func request(for op: MirrorOperation) -> UInt? { requests[op] }

    /// The command number (low byte) for an operation.
    public func number(for op: MirrorOperation) -> UInt8? { requests[op].map { UInt8($0 & 0xFF) } }

    public func supports(_ op: MirrorOperation) -> Bool { requests[op] != nil }

    /// The known generation this table is, or nil for a custom table.
    public var generation: UAPIGeneration? { UAPIGeneration(name: name) }

    /// The operation a full request number stands for in this table.
    public func operation(for request: UInt) -> MirrorOperation? {
        requests.first { $0.value == request }?.key
    }

    /// The `_IOWR('H', nr, 40-byte struct)` request for a command number.
    public static func request(number nr: UInt8) -> UInt {
        (HMMB_6_1_READ & ~UInt(0xFF)) | UInt(nr)
    }

    /// Parses an explicit table such as
    /// "read=0,write=1,migrate-to-dev=2,migrate-to-sys=4,snapshot=5" (numbers
    /// decimal or 0x-hex), for trees whose numbering no release has.
    public static func parse(_ text: String) throws -> UAPITable {
        var requests: [MirrorOperation: UInt] = [:]
        var used: [UInt8: MirrorOperation] = [:]
        for item in text.split(separator: ",") {
            let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let names = MirrorOperation.allCases.map(\.rawValue).joined(separator: ", ")
            guard kv.count == 2 else {
                throw HMMBenchError.usage("uapi table entry '\(item)' is not OP=NR", hint: "operations: \(names)")
            }
            guard let op = MirrorOperation(rawValue: kv[0]) else {
                throw HMMBenchError.usage("uapi table entry '\(item)': unknown operation '\(kv[0])'", hint: "operations: \(names)")
            }
            let digits = kv[1].hasPrefix("0x") ? String(kv[1].dropFirst(2)) : kv[1]
            guard let nr = UInt8(digits, radix: kv[1].hasPrefix("0x") ? 16 : 10) else {
                throw HMMBenchError.usage("uapi table entry '\(item)': '\(kv[1])' is not a number 0-255")
            }
            if let other = used[nr] {
                throw HMMBenchError.usage("uapi table gives number \(nr) to both \(other.rawValue) and \(op.rawValue)")
            }
            if requests[op] != nil {
                throw HMMBenchError.usage("uapi table names \(op.rawValue) twice", hint: "give each operation one number")
            }
            used[nr] = op
            requests[op] = request(number: nr)
        }
        guard !requests.isEmpty else { throw HMMBenchError.usage("empty uapi table") }
        return UAPITable(name: "custom", requests: requests)
    }

    public var description: String {
        let items = MirrorOperation.allCases.compactMap { op in number(for: op).map { "\(op.rawValue)=\($0)" } }
        return "\(name) [\(items.joined(separator: ","))]"
    }
}
