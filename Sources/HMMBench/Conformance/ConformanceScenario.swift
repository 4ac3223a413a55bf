/// One step of a conformance scenario: a mapping, a device request, a CPU
/// touch, a protection change, an unmap or a close. Every scenario works on
/// one mapping (the last `map`); device fds open on first use.
public enum ConformanceAction: Equatable, Sendable {
    case map(MappingSpec)
    /// A request by device `device` over `pages` of the mapping (all when
    /// nil), with the address moved by `addressOffset` bytes and the page
    /// count replaced by `npages` when given (argument checks).
    case op(MirrorOperation, device: Int, pages: Range<Int>? = nil, addressOffset: Int = 0, npages: Int? = nil)
    case cpuRead(Range<Int>? = nil)
    case cpuWrite(Range<Int>? = nil, value: UInt8 = 0xC3)
    case protect(Protection)
    /// munmap of the mapping (later requests use its old address).
    case unmap
    /// Closes the device's fd; a later request opens a new one.
    case close(device: Int)

    /// The device this action needs, if any.
    public var device: Int? {
        switch self {
        case .op(_, let d, _, _, _), .close(let d): return d
        default: return nil
        }
    }

    /// The step's short name in reports ("read", "cpu-write", "map").
    public var opName: String {
        switch self {
        case .map: return "map"
        case .op(let op, _, _, _, _): return op.rawValue
        case .cpuRead: return "cpu-read"
        case .cpuWrite: return "cpu-write"
        case .protect: return "protect"
        case .unmap: return "unmap"
        case .close: return "close"
        }
    }

    /// One line: "dev0 read 0..<16", "map anon 16p write rw".
    public var summary: String {
        func pages(_ r: Range<Int>?) -> String { r.map { " \($0.lowerBound)..<\($0.upperBound)" } ?? "" }
        switch self {
        case .map(let s):
            return "map \(s.kind.rawValue) \(s.pages)p \(s.population.rawValue) \(s.protection.rawValue)"
        case .op(let op, let d, let r, let off, let n):
            var s = "dev\(d) \(op.rawValue)\(pages(r))"
            if off != 0 { s += " addr+\(off)" }
            if let n { s += " npages=\(n)" }
            return s
        case .cpuRead(let r): return "cpu-read\(pages(r))"
        case .cpuWrite(let r, let v): return "cpu-write\(pages(r)) =0x" + ConformanceStep.hex(v)
        case .protect(let p): return "protect \(p.rawValue)"
        case .unmap: return "unmap"
        case .close(let d): return "close dev\(d)"
        }
    }
}

extension ConformanceStep {
    /// Two lower-case hex digits.
    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}

/// A named script of steps whose replies, snapshots and data are compared
/// between the real driver and the model.
public struct ConformanceScenario: Equatable, Sendable {
    public var name: String
    public var summary: String
    public var actions: [ConformanceAction]
    /// Why running this on the real driver can take the kernel down; such
    /// a scenario runs on the kernel only when asked (`--include-hazards`).
    public var kernelHazard: String?
    /// The operation the scenario is about: without it in the uapi the
    /// whole scenario is skipped (FLAGS scenarios on 6.1-6.18).
    public var needs: MirrorOperation?
    /// Per-generation expectations, where generations differ.
    public var expectations: [ConformanceExpectation]

    public init(_ name: String, _ summary: String, kernelHazard: String? = nil, needs: MirrorOperation? = nil,
                expectations: [ConformanceExpectation] = [], _ actions: [ConformanceAction]) {
        self.name = name
        self.summary = summary
        self.kernelHazard = kernelHazard
        self.needs = needs
        self.expectations = expectations
        self.actions = actions
    }

    /// Devices the scenario opens.
    public var devices: Set<Int> { Set(actions.compactMap(\.device)) }
}

/// The conformance scenario set: every operation on each mapping kind,
/// bad arguments, cross-device private and coherent cases, exclusive
/// access and its revocation, release and close, FLAGS (6.19+); with the
/// expectations that differ by generation (ConformanceGenerations.swift).
public enum ConformanceSuite {
    public static let all: [ConformanceScenario] = withGenerationExpectations(
        kindScenarios() + argumentScenarios() + crossDeviceScenarios() + exclusiveScenarios()
            + invalidationScenarios() + releaseScenarios() + flagsScenarios())

    /// Looks up scenarios by name prefix ("anon-written/", "coherent").
    public static func named(_ prefix: String) -> [ConformanceScenario] {
        all.filter { $0.name.hasPrefix(prefix) }
    }

    static let basePages = 16
    static let hugePages = PageSize.pmd / PageSize.base

    static func spec(_ kind: MappingKind, _ pop: Population, _ prot: Protection = .readWrite) -> MappingSpec {
        let pages = kind.granule == PageSize.base ? basePages : hugePages
        return MappingSpec(kind, bytes: pages * PageSize.base, protection: prot, population: pop)
    }

    struct Kind {
        var name: String
        var spec: MappingSpec
        /// The CPU may touch it (not PROT_NONE, still mapped).
        var cpu = true
        var unmapped = false
        var exclusive = true
    }

    static let kinds: [Kind] = [
        Kind(name: "anon-untouched", spec: spec(.anon, .untouched)),
        Kind(name: "anon-read", spec: spec(.anon, .read)),
        Kind(name: "anon-written", spec: spec(.anon, .write)),
        Kind(name: "shared-untouched", spec: spec(.shared, .untouched)),
        Kind(name: "shared", spec: spec(.shared, .write)),
        Kind(name: "file", spec: spec(.file, .write)),
        Kind(name: "thp", spec: spec(.thp, .write)),
        Kind(name: "thp-read", spec: spec(.thp, .read), exclusive: false),
        // make_device_exclusive on hugetlb is not exercised on purpose: the
        // 6.1 code path is untested upstream and could harm the test bed.
        Kind(name: "hugetlb", spec: spec(.hugetlb, .write), exclusive: false),
        Kind(name: "read-only", spec: spec(.anon, .write, .readOnly)),
        Kind(name: "read-only-untouched", spec: spec(.anon, .untouched, .readOnly)),
        Kind(name: "prot-none", spec: spec(.anon, .write, .none), cpu: false),
        Kind(name: "unmapped", spec: spec(.anon, .write), cpu: false, unmapped: true),
    ]

    static func kindScenarios() -> [ConformanceScenario] {
        var out: [ConformanceScenario] = []
        for k in kinds {
            let start: [ConformanceAction] = [.map(k.spec)] + (k.unmapped ? [.unmap] : [])
            let cpuRead: [ConformanceAction] = k.cpu ? [.cpuRead()] : []
            out.append(ConformanceScenario("\(k.name)/read", "device reads fault once, then hit", start + [
                .op(.snapshot, device: 0), .op(.read, device: 0), .op(.snapshot, device: 0),
                .op(.read, device: 0), .op(.snapshot, device: 1),
            ]))
            out.append(ConformanceScenario("\(k.name)/write", "device write, then device and CPU read", start + [
                .op(.write, device: 0), .op(.snapshot, device: 0), .op(.read, device: 0),
            ] + cpuRead + [.op(.snapshot, device: 0)]))
            out.append(ConformanceScenario("\(k.name)/migrate", "migrate to dev0 and back", start + [
                .op(.migrateToDevice, device: 0), .op(.snapshot, device: 0), .op(.snapshot, device: 1),
                .op(.read, device: 0), .op(.migrateToSystem, device: 0), .op(.snapshot, device: 0),
            ] + cpuRead + [.op(.snapshot, device: 0)]))
            if k.exclusive {
                out.append(ConformanceScenario("\(k.name)/exclusive", "exclusive access and CPU revoke", start + [
                    .op(.exclusive, device: 0), .op(.snapshot, device: 0), .op(.checkExclusive, device: 0),
                ] + cpuRead + [.op(.checkExclusive, device: 0), .op(.snapshot, device: 0)]))
            }
        }
        return out
    }

    static func argumentScenarios() -> [ConformanceScenario] {
        // Every operation some released generation has (the ones only a
        // patched tree has are known by name, never sent here).
        let ops = MirrorOperation.allCases.filter { op in UAPIGeneration.allCases.contains { $0.table.supports(op) } }
        return [
            ConformanceScenario("args/unaligned", "every request with addr+1 is EINVAL",
                                [.map(spec(.anon, .write))] + ops.map { .op($0, device: 0, pages: 0..<1, addressOffset: 1) }
                                    + [.op(.snapshot, device: 0)]),
            ConformanceScenario("args/zero-pages", "every request with npages 0 is EINVAL",
                                [.map(spec(.anon, .write))] + ops.map { .op($0, device: 0, npages: 0) }
                                    + [.op(.snapshot, device: 0)]),
        ]
    }

    static func crossDeviceScenarios() -> [ConformanceScenario] {
        let written = ConformanceAction.map(spec(.anon, .write))
        return [
            ConformanceScenario("private/other-device-read", "dev1 reads dev0's private pages back", [
                written, .op(.migrateToDevice, device: 0), .op(.snapshot, device: 0), .op(.snapshot, device: 1),
                .op(.read, device: 1), .op(.snapshot, device: 0), .op(.snapshot, device: 1),
                .op(.read, device: 0),
            ]),
            ConformanceScenario("private/other-device-write", "dev1 writes dev0's private pages back", [
                written, .op(.migrateToDevice, device: 0), .op(.write, device: 1),
                .op(.snapshot, device: 0), .op(.snapshot, device: 1), .cpuRead(),
            ]),
            ConformanceScenario("private/other-device-migrate", "dev1 cannot migrate dev0's pages", [
                written, .op(.migrateToDevice, device: 0), .op(.migrateToDevice, device: 1),
                .op(.migrateToSystem, device: 1), .op(.snapshot, device: 0), .op(.snapshot, device: 1),
            ]),
            ConformanceScenario("private/cpu-touch", "CPU touch migrates back page by page", [
                written, .op(.migrateToDevice, device: 0), .op(.write, device: 0),
                .cpuRead(0..<4), .op(.snapshot, device: 0),
                .cpuWrite(8..<12), .op(.snapshot, device: 0), .op(.snapshot, device: 1), .cpuRead(),
            ]),
            // On 6.1.192 this oopses in dmirror_do_read: the driver ignores
            // its own MMU_NOTIFY_MIGRATE invalidation, so after migrate_to_ram
            // its page table still names the freed device page.
            ConformanceScenario("private/read-after-cpu-touch", "device READ after a CPU touch migrated pages back",
                                kernelHazard: "oopses 6.1 test_hmm in dmirror_do_read (stale device page-table entry after migrate_to_ram)", [
                written, .op(.migrateToDevice, device: 0), .cpuRead(0..<4), .op(.read, device: 0), .op(.snapshot, device: 0),
            ]),
            ConformanceScenario("private/migrate-twice", "migrating again to the same device", [
                written, .op(.migrateToDevice, device: 0), .op(.migrateToDevice, device: 0),
                .op(.read, device: 0), .op(.migrateToSystem, device: 0, pages: 0..<8),
                .op(.snapshot, device: 0), .op(.migrateToSystem, device: 0), .op(.read, device: 0),
            ]),
            ConformanceScenario("coherent/cross-device", "coherent pages stay on dev2", [
                written, .op(.migrateToDevice, device: 2), .op(.snapshot, device: 2), .op(.snapshot, device: 3),
                .op(.migrateToDevice, device: 3), .cpuRead(), .cpuWrite(), .op(.snapshot, device: 2),
                .op(.read, device: 3), .op(.snapshot, device: 2), .op(.snapshot, device: 3),
                .op(.write, device: 3), .op(.snapshot, device: 2), .op(.migrateToSystem, device: 3),
                .op(.migrateToSystem, device: 2), .op(.snapshot, device: 2), .cpuRead(),
            ]),
            ConformanceScenario("coherent/private-view", "private devices see coherent pages", [
                written, .op(.migrateToDevice, device: 2), .op(.snapshot, device: 0),
                .op(.read, device: 0), .op(.snapshot, device: 2), .op(.migrateToDevice, device: 0),
            ]),
            ConformanceScenario("coherent/untouched", "never-touched pages migrate to dev2", [
                .map(spec(.anon, .untouched)), .op(.migrateToDevice, device: 2), .op(.snapshot, device: 2),
                .op(.snapshot, device: 3), .cpuRead(), .op(.snapshot, device: 2),
            ]),
        ]
    }

    static func exclusiveScenarios() -> [ConformanceScenario] {
        [
            ConformanceScenario("exclusive/other-device", "dev1's read revokes dev0's exclusive access", [
                .map(spec(.anon, .write)), .op(.exclusive, device: 0), .op(.snapshot, device: 1),
                .op(.checkExclusive, device: 1), .op(.read, device: 1), .op(.checkExclusive, device: 0),
                .op(.snapshot, device: 0),
            ]),
            ConformanceScenario("exclusive/partial-revoke", "CPU write revokes page by page", [
                .map(spec(.anon, .write)), .op(.exclusive, device: 0), .cpuWrite(0..<2),
                .op(.checkExclusive, device: 0, pages: 0..<2), .op(.checkExclusive, device: 0),
                .op(.snapshot, device: 0), .op(.read, device: 0), .op(.write, device: 0),
                .op(.checkExclusive, device: 0),
            ]),
        ]
    }

    static func invalidationScenarios() -> [ConformanceScenario] {
        [
            ConformanceScenario("invalidate/cow", "CPU write over the zero page drops the mirror", [
                .map(spec(.anon, .read)), .op(.read, device: 0), .cpuWrite(), .op(.read, device: 0),
                .cpuWrite(), .op(.read, device: 0),
            ]),
            ConformanceScenario("invalidate/mprotect", "mprotect drops the mirror", [
                .map(spec(.anon, .write)), .op(.read, device: 0), .protect(.readOnly),
                .op(.snapshot, device: 0), .op(.read, device: 0), .op(.write, device: 0),
                .protect(.readWrite), .op(.snapshot, device: 0), .op(.write, device: 0),
                .op(.snapshot, device: 0),
            ]),
            ConformanceScenario("invalidate/thp-zero-split", "CPU write to the huge zero page", [
                .map(spec(.thp, .read)), .cpuWrite(0..<1), .op(.snapshot, device: 0, pages: 0..<4),
                .op(.write, device: 0, pages: 4..<8), .op(.snapshot, device: 0, pages: 0..<16),
            ]),
        ]
    }

    static func releaseScenarios() -> [ConformanceScenario] {
        [
            // No CPU or device fault after the close: on 6.1 that path would
            // use the freed mirror, so only snapshots look at the pages.
            ConformanceScenario("close/releases", "closing the fd releases its device pages", [
                .map(spec(.anon, .write)), .op(.migrateToDevice, device: 0), .close(device: 0),
                .op(.snapshot, device: 0), .op(.snapshot, device: 1),
            ]),
            ConformanceScenario("release/private", "RELEASE evicts dev0's pages", [
                .map(spec(.anon, .write)), .op(.migrateToDevice, device: 0), .op(.release, device: 0),
                .op(.snapshot, device: 0), .op(.read, device: 0), .cpuRead(),
                .op(.migrateToDevice, device: 0), .op(.snapshot, device: 0),
            ]),
        ]
    }
}
