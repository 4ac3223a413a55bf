import CShims
import Testing
@testable import HMMBench

/// Request numbers and generation choice. Expected values are computed here
/// from the _IOC bit layout of include/uapi/asm-generic/ioctl.h (dir << 30 |
/// size << 16 | type << 8 | nr, with dir 3 = read|write), not taken from
/// the code under test.
struct UAPITableTests {
    static func iowr(_ nr: UInt) -> UInt { (3 << 30) | (40 << 16) | (UInt(UInt8(ascii: "H")) << 8) | nr }

    @Test func commandStructIs40BytesOfFiveU64() {
        #expect(MemoryLayout<hmm_dmirror_cmd>.size == 40)
        #expect(MemoryLayout<hmm_dmirror_cmd>.offset(of: \.addr) == 0)
        #expect(MemoryLayout<hmm_dmirror_cmd>.offset(of: \.ptr) == 8)
        #expect(MemoryLayout<hmm_dmirror_cmd>.offset(of: \.npages) == 16)
        #expect(MemoryLayout<hmm_dmirror_cmd>.offset(of: \.cpages) == 24)
        #expect(MemoryLayout<hmm_dmirror_cmd>.offset(of: \.faults) == 32)
        #expect(HMMB_CMD_SIZE == 40)
    }

    @Test func readRequestIsTheDocumentedConstant() {
        #expect(Self.iowr(0) == 0xC028_4800)
        #expect(HMMB_6_1_READ == 0xC028_4800)
    }

    /// nr per generation, straight from the reference table.
    static let expected: [(UAPIGeneration, [MirrorOperation: UInt])] = [
        (.v5_8, [.read: 0, .write: 1, .migrateToDevice: 2, .snapshot: 3]),
        (.v5_14, [.read: 0, .write: 1, .migrateToDevice: 2, .snapshot: 3, .exclusive: 4, .checkExclusive: 5]),
        (.v6_0, [.read: 0, .write: 1, .migrateToDevice: 2, .migrateToSystem: 3, .snapshot: 4, .exclusive: 5, .checkExclusive: 6]),
        // 6.1-6.18 (6.12's header is 6.1's): no FLAGS. FLAGS (0x08) from 6.19.
        (.v6_1, [.read: 0, .write: 1, .migrateToDevice: 2, .migrateToSystem: 3, .snapshot: 4, .exclusive: 5,
                 .checkExclusive: 6, .release: 7]),
        (.v6_19, [.read: 0, .write: 1, .migrateToDevice: 2, .migrateToSystem: 3, .snapshot: 4, .exclusive: 5,
                  .checkExclusive: 6, .release: 7, .flags: 8]),
    ]

    /// Every generation's table is named by the releases it covers.
    @Test func generationsAreNamedByTheirSpan() throws {
        #expect(UAPIGeneration.allCases.map(\.table.name) == ["5.8-5.13", "5.14-5.19", "6.0", "6.1-6.18", "6.19+"])
        #expect(try UAPIGeneration.parse("6.1-6.18") == .v6_1)
        #expect(try UAPIGeneration.parse("6.19") == .v6_19)
        #expect(UAPIGeneration.v6_1.table.generation == .v6_1)
        #expect(try UAPITable.parse("read=0").generation == nil)
    }

    /// On a 6.1-6.18 kernel a flow needing FLAGS is skipped with the reason.
    @Test func flagsIsAbsentBefore619() {
        #expect(throws: FlowSkip.self) { try MirrorFlowSupport.require([.flags], UAPIGeneration.v6_1.table) }
        #expect(throws: Never.self) { try MirrorFlowSupport.require([.flags], UAPIGeneration.v6_19.table) }
    }

    @Test(arguments: expected.indices)
    func everyGenerationsRequestsMatchIOWR(index: Int) {
        let (gen, nrs) = Self.expected[index]
        let table = gen.table
        for op in MirrorOperation.allCases {
            if let nr = nrs[op] {
                #expect(table.request(for: op) == Self.iowr(nr), "\(gen) \(op)")
            } else {
                #expect(table.request(for: op) == nil, "\(gen) must not have \(op)")
            }
        }
    }

    @Test func ambiguousNumbersDifferBetweenGenerations() {
        // nr 4 is EXCLUSIVE on 5.14 but SNAPSHOT from 6.0; nr 3 SNAPSHOT before 6.0, MIGRATE_TO_SYS after.
        #expect(UAPIGeneration.v5_14.table.request(for: .exclusive) == Self.iowr(4))
        #expect(UAPIGeneration.v6_0.table.request(for: .snapshot) == Self.iowr(4))
        #expect(UAPIGeneration.v5_14.table.request(for: .snapshot) == Self.iowr(3))
        #expect(UAPIGeneration.v6_1.table.request(for: .migrateToSystem) == Self.iowr(3))
    }

    static let releases: [(String, UAPIGeneration?)] = [
        ("6.1.0-27-amd64", .v6_1), ("5.15.0-91-generic", .v5_14), ("6.18.44-rc1+", .v6_1),
        ("6.0.12", .v6_0), ("6.0", .v6_0), ("5.19.17-300.fc36.x86_64", .v5_14), ("5.14.0-362.el9.x86_64", .v5_14),
        ("5.13.19", .v5_8), ("5.8.0-1", .v5_8), ("5.7.19", nil), ("4.19.0-25-amd64", nil),
        ("6.10.3-arch1-1", .v6_1), ("6.12.117", .v6_1), ("6.19.0", .v6_19), ("6.19-rc1", .v6_19),
        ("7.0.0", .v6_19), ("10.1", .v6_19), ("garbage", nil), ("6", nil),
        ("6.1.0-rc4-next-20221111", .v6_1),
    ]

    @Test(arguments: releases.indices)
    func generationFromRelease(index: Int) {
        let (release, gen) = Self.releases[index]
        #expect(UAPIGeneration.forRelease(release) == gen, "\(release)")
    }

    @Test func releaseParsingIgnoresSuffixes() {
        let r = KernelRelease("6.18.44-rc1+")
        #expect(r?.major == 6 && r?.minor == 18 && r?.patch == 44)
        #expect(KernelRelease("5.15.0-91-generic")! < KernelRelease("6.1")!)
    }

    @Test func parseGeneration() throws {
        #expect(try UAPIGeneration.parse("5.14") == .v5_14)
        #expect(throws: HMMBenchError.self) { try UAPIGeneration.parse("6.2") }
        let e = try #require(#expect(throws: HMMBenchError.self) { try UAPIGeneration.parse("4.0") })
        #expect(e.kind == .usage)
        #expect(e.message.contains("unknown uapi generation '4.0'"))
        #expect(e.hint?.contains("5.8, 5.14, 6.0, 6.1") == true)
    }

    @Test func explicitTableForPatchedTrees() throws {
        // The 2025 migrate-on-fault RFC inserts a command at 3 and shifts the rest.
        let t = try UAPITable.parse("read=0,write=1,migrate-to-dev=2,migrate-to-sys=4,snapshot=0x05")
        #expect(t.name == "custom")
        #expect(t.request(for: .migrateToSystem) == Self.iowr(4))
        #expect(t.request(for: .snapshot) == Self.iowr(5))
        #expect(t.request(for: .exclusive) == nil)
        #expect(throws: HMMBenchError.self) { try UAPITable.parse("read=0,write=0") }
        #expect(throws: HMMBenchError.self) { try UAPITable.parse("bogus=1") }
        #expect(throws: HMMBenchError.self) { try UAPITable.parse("read=300") }
        #expect(throws: HMMBenchError.self) { try UAPITable.parse("") }
    }

    /// A patched tree's every op can be named, including ops no flow drives
    /// yet; a name twice, a number twice or an unknown name is refused with
    /// the reason.
    @Test func explicitTableDescribesPatchedTreesAndRefusesAmbiguity() throws {
        // The migrate-on-fault RFC: MIGRATE_ON_FAULT_TO_DEV at 3, the rest shifted, RELEASE at 8.
        let rfc = try UAPITable.parse("read=0,write=1,migrate-to-dev=2,migrate-on-fault-to-dev=3,migrate-to-sys=4,"
                                      + "snapshot=5,exclusive=6,check-exclusive=7,release=8")
        #expect(rfc.request(for: .release) == Self.iowr(8))
        #expect(rfc.request(for: .migrateOnFaultToDevice) == Self.iowr(3))
        #expect(rfc.operation(for: Self.iowr(8)) == .release)
        let mm = try UAPITable.parse("read=0,write=1,migrate-to-dev=2,migrate-to-sys=3,snapshot=4,release=7,flags=8,read-unlockable=0x09")
        #expect(mm.request(for: .readUnlockable) == Self.iowr(9))
        func message(_ text: String) -> String {
            do { _ = try UAPITable.parse(text); return "no error" } catch let e as HMMBenchError { return e.message } catch { return "\(error)" }
        }
        #expect(message("read=0,read=1").contains("names read twice"))
        #expect(message("read=0,write=0").contains("number 0 to both read and write"))
        #expect(message("read=0,bogus=1").contains("unknown operation 'bogus'"))
    }

    /// --uapi and --uapi-table together are refused: which would win?
    @Test func uapiAndUapiTableTogetherAreRefused() {
        let o = BackendOptions(choice: .sim, uapi: .v6_1, uapiTable: "read=0")
        #expect(throws: HMMBenchError.self) { _ = try BackendSelector.uapiTable(o, forKernel: false) }
    }

    /// The choice from uname -r says what it chose and how to override it.
    @Test func releaseChoiceSaysHowToOverride() throws {
        let (table, why) = try BackendSelector.uapiTable(BackendOptions(choice: .sim, release: "6.12.117"), forKernel: true)
        #expect(table.name == "6.1-6.18")
        #expect(why.contains("6.12.117") && why.contains("--uapi") && why.contains("--uapi-table"))
    }

    @Test func snapshotByteValuesAndNames() {
        #expect(HMMB_SNAP_ERROR == 0xFF && HMMB_SNAP_ZERO == 0x10 && HMMB_SNAP_DEV_COHERENT_REMOTE == 0x50)
        #expect(SnapshotByte.describe(0x11) == "ZERO|READ")
        #expect(SnapshotByte.describe(0x22) == "DEV_PRIVATE_LOCAL|WRITE")
        #expect(SnapshotByte.describe(0x06) == "PMD|WRITE")
        #expect(SnapshotByte.describe(0x52) == "DEV_COHERENT_REMOTE|WRITE")
        #expect(SnapshotByte.describe(0xFF) == "ERROR")
        #expect(SnapshotByte.describe(0x00) == "NONE")
    }
}
