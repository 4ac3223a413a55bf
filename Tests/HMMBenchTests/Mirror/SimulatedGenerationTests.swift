import CShims
import Foundation
import Testing
@testable import HMMBench

/// Each simulator profile's behaviour where generations differ: 6.15's
/// device-exclusive rework, 6.19's device-private THP, FLAGS and batches.
/// Sources per behaviour: docs/SIMULATOR.md, "Generations".
@Suite struct SimulatedGenerationTests {
    func backend(_ p: SimulatorProfile) -> SimulatedBackend {
        SimulatedBackend(uapi: p.driverGeneration.table, profile: p)
    }

    func map(_ b: SimulatedBackend, _ kind: MappingKind, _ pop: Population = .write,
             _ prot: Protection = .readWrite, pages n: Int? = nil) throws -> MappedRegion {
        let count = n ?? (kind.granule == PageSize.base ? 16 : PageSize.pmd / PageSize.base)
        return try b.map(MappingSpec(kind, bytes: count * PageSize.base, protection: prot, population: pop))
    }

    func snap(_ m: DeviceMirror, _ r: MappedRegion) -> [UInt8] { m.snapshot(r).1 }

    func all(_ b: UInt8, _ n: Int) -> [UInt8] { Array(repeating: b, count: n) }

    // MARK: device-exclusive (6.15 rework)

    @Test func exclusiveWorksOnTHPFrom615() throws {
        for p in [SimulatorProfile.v6_15, .v6_19] {
            let b = backend(p)
            let d0 = try b.openDevice(0)
            let t = try map(b, .thp)
            let buf = HostBuffer(bytes: t.bytes)
            #expect(d0.perform(.exclusive, t, buffer: buf.pointer) == MirrorReply(cpages: 512), "\(p)")
            #expect(snap(d0, t) == all(0x00, 512))
            #expect(d0.perform(.checkExclusive, t) == MirrorReply(errno: EPERM))
            b.cpuRead(t)
            #expect(d0.perform(.checkExclusive, t) == MirrorReply())
            // FOLL_SPLIT_PMD split the mapping.
            #expect(snap(d0, t) == all(0x02, 512))
        }
        let old = backend(.v6_1)
        let t = try map(old, .thp)
        let buf = HostBuffer(bytes: t.bytes)
        #expect(try old.openDevice(0).perform(.exclusive, t, buffer: buf.pointer) == MirrorReply(errno: EBUSY))
    }

    @Test func exclusiveErrorsFrom615() throws {
        let cases: [(MappingKind, Population, Protection, Int32)] = [
            (.shared, .untouched, .readWrite, EOPNOTSUPP), (.file, .write, .readWrite, EOPNOTSUPP),
            (.hugetlb, .write, .readWrite, EOPNOTSUPP), (.anon, .write, .readOnly, EFAULT),
            (.anon, .write, .none, EFAULT),
        ]
        for p in [SimulatorProfile.v6_1, .v6_15, .v6_19] {
            let b = backend(p)
            let d0 = try b.openDevice(0)
            let buf = HostBuffer(bytes: PageSize.pmd)
            for (kind, pop, prot, errno) in cases {
                let r = try map(b, kind, pop, prot)
                let expected = p == .v6_1 ? EBUSY : errno
                #expect(d0.perform(.exclusive, r, buffer: buf.pointer) == MirrorReply(errno: expected), "\(p) \(kind) \(prot)")
                #expect(d0.perform(.checkExclusive, r) == MirrorReply())
            }
            var gone: MappedRegion? = try map(b, .anon)
            let address = gone!.address()
            gone = nil
            let reply = d0.perform(.exclusive, address: address, pages: 16, buffer: buf.pointer)
            #expect(reply == MirrorReply(errno: p == .v6_1 ? EBUSY : EFAULT), "\(p) unmapped")
        }
    }

    /// 6.15 dmirror_exclusive stops at the first failing page and keeps the
    /// earlier ones exclusive; 6.1 refuses the whole range first.
    @Test func exclusiveStopsAtTheFirstBadPageFrom615() throws {
        for p in [SimulatorProfile.v6_1, .v6_15] {
            let b = backend(p)
            let d0 = try b.openDevice(0)
            let r = try map(b, .anon, pages: 8)
            let buf = HostBuffer(bytes: 16 * PageSize.base)
            // Pages 8..<16 are past the end of the mapping: unmapped.
            let reply = d0.perform(.exclusive, address: r.address(), pages: 16, buffer: buf.pointer)
            #expect(reply == MirrorReply(errno: p == .v6_1 ? EBUSY : EFAULT))
            let check = d0.perform(.checkExclusive, r)
            #expect(check == (p == .v6_1 ? MirrorReply() : MirrorReply(errno: EPERM)), "\(p)")
        }
    }

    // MARK: device-private THP (6.19)

    @Test func thpStaysHugeOnAPrivateDeviceFrom619() throws {
        let b = backend(.v6_19)
        let t = try map(b, .thp)
        let d0 = try b.openDevice(0)
        let d1 = try b.openDevice(1)
        let d2 = try b.openDevice(2)
        let buf = HostBuffer(bytes: t.bytes)
        #expect(b.deviceChunks(0) == (1, 0))
        #expect(d0.perform(.migrateToDevice, t, buffer: buf.pointer) == MirrorReply(cpages: 512))
        #expect(b.pagesOnDevice(0) == 512)
        #expect(snap(d0, t) == all(0x26, 512))
        #expect(snap(d1, t) == all(0xFF, 512))
        #expect(snap(d2, t) == all(0xFF, 512))
        // The first huge allocation adds a chunk of its own.
        #expect(b.deviceChunks(0) == (1, 1))
        #expect(d0.perform(.read, t, buffer: buf.pointer) == MirrorReply(cpages: 512, faults: 0))
        #expect(d0.perform(.migrateToSystem, t) == MirrorReply(cpages: 1))
        #expect(snap(d0, t) == all(0x06, 512))
        #expect(d0.perform(.migrateToDevice, t, buffer: buf.pointer) == MirrorReply(cpages: 512))
        #expect(b.deviceChunks(0) == (1, 1))

        let old = backend(.v6_1)
        let o = try map(old, .thp)
        let o0 = try old.openDevice(0)
        #expect(o0.perform(.migrateToDevice, o, buffer: buf.pointer) == MirrorReply(cpages: 512))
        #expect(snap(o0, o) == all(0x22, 512))
        #expect(snap(try old.openDevice(1), o) == all(0x00, 512))
        #expect(old.deviceChunks(0) == (1, 0))
        #expect(o0.perform(.migrateToSystem, o) == MirrorReply(cpages: 512))
        #expect(snap(o0, o) == all(0x02, 512))
    }

    @Test func migrateToSystemCountsOnePerHugePage() throws {
        for (p, cpages) in [(SimulatorProfile.v6_1, UInt64(1024)), (.v6_19, 2)] {
            let b = backend(p)
            let t = try map(b, .thp, pages: 1024)
            let d0 = try b.openDevice(0)
            let buf = HostBuffer(bytes: t.bytes)
            #expect(d0.perform(.migrateToDevice, t, buffer: buf.pointer) == MirrorReply(cpages: 1024))
            #expect(d0.perform(.migrateToSystem, t) == MirrorReply(cpages: cpages), "\(p)")
            #expect(b.pagesOnDevice(0) == 0)
        }
    }

    @Test func cpuTouchBringsTheWholeHugePageBack() throws {
        for p in [SimulatorProfile.v6_1, .v6_19] {
            let b = backend(p)
            let t = try map(b, .thp)
            let d0 = try b.openDevice(0)
            let buf = HostBuffer(bytes: t.bytes)
            #expect(d0.perform(.migrateToDevice, t, buffer: buf.pointer) == MirrorReply(cpages: 512))
            b.cpuRead(t, pages: 7..<8)
            if p == .v6_19 {
                #expect(b.pagesOnDevice(0) == 0)
                #expect(snap(d0, t) == all(0x06, 512))
            } else {
                #expect(b.pagesOnDevice(0) == 511)
                #expect(snap(d0, t) == all(0x22, 7) + [0x02] + all(0x22, 504))
            }
        }
    }

    @Test func otherDeviceReadBringsTheWholeHugePageBack() throws {
        let b = backend(.v6_19)
        let t = try map(b, .thp)
        let d0 = try b.openDevice(0)
        let d1 = try b.openDevice(1)
        let buf = HostBuffer(bytes: t.bytes)
        #expect(d0.perform(.migrateToDevice, t, buffer: buf.pointer) == MirrorReply(cpages: 512))
        #expect(d1.perform(.read, t, pages: 0..<4, buffer: buf.pointer) == MirrorReply(cpages: 4, faults: 1))
        #expect(b.pagesOnDevice(0) == 0)
        #expect(snap(d0, t) == all(0x06, 512))
        #expect(buf.pointer.load(as: UInt8.self) == 0x5A)
    }

    /// A THP only partly in the request, or not starting a migrate batch,
    /// is split and moves page by page, as in 6.1.
    @Test func partialHugeRangesSplit() throws {
        let b = backend(.v6_19)
        let t = try map(b, .thp)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: t.bytes)
        #expect(d0.perform(.migrateToDevice, t, pages: 0..<256, buffer: buf.pointer) == MirrorReply(cpages: 256))
        #expect(snap(d0, t) == all(0x22, 256) + all(0x02, 256))
        #expect(b.deviceChunks(0) == (1, 0))
        let u = try map(b, .thp)
        #expect(d0.perform(.migrateToDevice, u, buffer: buf.pointer) == MirrorReply(cpages: 512))
        #expect(d0.perform(.migrateToSystem, u, pages: 0..<256) == MirrorReply(cpages: 256))
        #expect(snap(d0, u) == all(0x02, 256) + all(0x22, 256))
    }

    // MARK: FLAGS (6.19)

    @Test func failAllocIsOneShotPerFd() throws {
        let b = backend(.v6_19)
        let d0 = try b.openDevice(0)
        let other = try b.openDevice(0)
        let r = try map(b, .anon)
        let buf = HostBuffer(bytes: PageSize.pmd)
        #expect(d0.perform(.flags, r, pages: 0..<1) == MirrorReply())
        // Another fd's migration does not consume it.
        #expect(other.perform(.migrateToDevice, r, pages: 8..<16, buffer: buf.pointer) == MirrorReply(cpages: 8))
        // The first base allocation fails: page 0 stays, the read-back finds the hole.
        #expect(d0.perform(.migrateToDevice, r, pages: 0..<8, buffer: buf.pointer) == MirrorReply(errno: ENOENT))
        #expect(snap(d0, r) == [0x02] + all(0x22, 15))
        #expect(d0.perform(.migrateToDevice, r, pages: 0..<8, buffer: buf.pointer) == MirrorReply(cpages: 8))
        // Any other bit is not FAIL_ALLOC.
        let s = try map(b, .anon)
        #expect(d0.perform(.flags, s, pages: 0..<2) == MirrorReply())
        #expect(d0.perform(.migrateToDevice, s, buffer: buf.pointer) == MirrorReply(cpages: 16))
    }

    @Test func failAllocSplitsHugeAllocationsAndFailsBaseOnesBack() throws {
        let b = backend(.v6_19)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: PageSize.pmd)
        let t = try map(b, .thp)
        #expect(d0.perform(.flags, t, pages: 0..<1) == MirrorReply())
        #expect(d0.perform(.migrateToDevice, t, buffer: buf.pointer) == MirrorReply(cpages: 512))
        #expect(snap(d0, t) == all(0x22, 512))
        #expect(b.deviceChunks(0) == (1, 0))

        let u = try map(b, .thp)
        #expect(d0.perform(.migrateToDevice, u, buffer: buf.pointer) == MirrorReply(cpages: 512))
        #expect(d0.perform(.flags, u, pages: 0..<1) == MirrorReply())
        #expect(d0.perform(.migrateToSystem, u) == MirrorReply(cpages: 512))
        #expect(snap(d0, u) == all(0x02, 512))

        let r = try map(b, .anon)
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(d0.perform(.flags, r, pages: 0..<1) == MirrorReply())
        #expect(d0.perform(.migrateToSystem, r) == MirrorReply(errno: ENOMEM))
        #expect(snap(d0, r) == all(0x22, 16))
        #expect(d0.perform(.migrateToSystem, r) == MirrorReply(cpages: 16))
    }

    @Test func flagsIsEINVALWhereTheDriverLacksIt() throws {
        // A 6.19 table on the 6.1 driver: the request reaches the ioctl's
        // default case.
        let b = SimulatedBackend(uapi: UAPIGeneration.v6_19.table, profile: .v6_1)
        let r = try map(b, .anon)
        #expect(try b.openDevice(0).perform(.flags, r, pages: 0..<1) == MirrorReply(errno: EINVAL))
        #expect(try backend(.v6_1).openDevice(0).perform(.flags, r, pages: 0..<1) == MirrorReply(errno: ENOTTY))
    }

    // MARK: batches, holes, release

    /// dmirror_fault calls hmm_range_fault 64 (6.1) or 32 (6.19) pages at a
    /// time: a READ failing at page 48 leaves the CPU side of pages 0..<48
    /// faulted and the fd's table holding the complete batches before it.
    @Test func faultBatchesShowInAFailedRead() throws {
        for (p, faults) in [(SimulatorProfile.v6_1, UInt64(1)), (.v6_19, 0)] {
            let b = backend(p)
            let d0 = try b.openDevice(0)
            let r = try map(b, .anon, .untouched, pages: 48)
            let buf = HostBuffer(bytes: 64 * PageSize.base)
            #expect(d0.perform(.read, address: r.address(), pages: 64, buffer: buf.pointer) == MirrorReply(errno: EFAULT))
            #expect(snap(d0, r) == all(0x11, 48))
            #expect(d0.perform(.read, r, pages: 0..<32, buffer: buf.pointer) == MirrorReply(cpages: 32, faults: faults), "\(p)")
        }
    }

    /// 6.19 takes an entry's write bit from the migrate source only: a
    /// never-touched page gets a read-only entry, so a device WRITE faults.
    @Test func holeEntriesAreReadOnlyFrom619() throws {
        for (p, faults) in [(SimulatorProfile.v6_1, UInt64(0)), (.v6_19, 1)] {
            let b = backend(p)
            let d0 = try b.openDevice(0)
            let r = try map(b, .anon, .untouched)
            let buf = HostBuffer(bytes: r.bytes)
            #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
            #expect(snap(d0, r) == all(0x22, 16))
            #expect(d0.perform(.write, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: faults), "\(p)")
        }
    }

    @Test func releaseDropsEveryChunk() throws {
        let b = backend(.v6_19)
        let d0 = try b.openDevice(0)
        let t = try map(b, .thp)
        let buf = HostBuffer(bytes: t.bytes)
        #expect(d0.perform(.migrateToDevice, t, buffer: buf.pointer) == MirrorReply(cpages: 512))
        #expect(d0.perform(.release, t) == MirrorReply())
        #expect(b.deviceChunks(0) == (0, 0))
        // Evicted whole: back as one THP.
        #expect(snap(d0, t) == all(0x06, 512))
        let r = try map(b, .anon)
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(b.deviceChunks(0) == (1, 0))
    }
}
