import CShims
import Foundation
import Testing
@testable import HMMBench

/// The simulated driver on the 6.1 profile, continued: migration, the two
/// private devices, coherent devices, exclusive access, release and close.
extension SimulatedBackendTests {
    // MARK: migration by mapping kind

    @Test func migrateAnonKinds() throws {
        for pop in Population.allCases {
            let b = backend()
            let r = try map(b, .anon, pop)
            let d0 = try b.openDevice(0)
            let buf = HostBuffer(bytes: r.bytes)
            #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16), "\(pop)")
            #expect(firstBytes(buf, 16) == all(pop == .write ? 0x5A : 0, 16))
            #expect(snap(d0, r) == all(0x22, 16))
            // Already mirrored by the migration: no fault.
            #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 0))
        }
    }

    @Test func migrateRefusals() throws {
        let b = backend()
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: PageSize.pmd)
        for kind in [MappingKind.shared, .file] {
            for pop in Population.allCases {
                let r = try map(b, kind, pop)
                #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(errno: ENOENT), "\(kind) \(pop)")
                #expect(snap(d0, r) == all(pop == .untouched ? 0x00 : 0x02, 16))
            }
        }
        let h = try map(b, .hugetlb, .write)
        #expect(d0.perform(.migrateToDevice, h, buffer: buf.pointer) == MirrorReply(errno: EINVAL))
        #expect(d0.perform(.read, h, buffer: buf.pointer) == MirrorReply(cpages: 512, faults: 1))
    }

    @Test func migrateTHPSplitsTheHugePage() throws {
        let b = backend()
        let r = try map(b, .thp, .write)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.migrateToDevice, r, pages: 0..<16, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(snap(d0, r) == all(0x22, 16) + all(0x02, 496))
        b.cpuRead(r, pages: 0..<1)
        #expect(snap(d0, r) == [0x02] + all(0x22, 15) + all(0x02, 496))
    }

    @Test func readOnlyMigrationGivesReadOnlyDevicePages() throws {
        let b = backend()
        let r = try map(b, .anon, .write, .readOnly)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(snap(d0, r) == all(0x21, 16))
        #expect(d0.perform(.migrateToSystem, r) == MirrorReply(cpages: 16))
        #expect(snap(d0, r) == all(0x01, 16))
        #expect(b.cpuRead(r) == 16 * 0x5A)
    }

    // MARK: device-private across devices

    @Test func privatePageIsNoneForTheOtherDeviceAndComesBackOnItsRead() throws {
        let b = backend()
        let r = try map(b)
        let d0 = try b.openDevice(0)
        let d1 = try b.openDevice(1)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(snap(d0, r) == all(0x22, 16))
        #expect(snap(d1, r) == all(0x00, 16))
        #expect(d1.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(errno: ENOENT))
        #expect(d1.perform(.migrateToSystem, r) == MirrorReply(cpages: 0))
        memset(buf.pointer, 0, r.bytes)
        #expect(d1.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        #expect(firstBytes(buf, 16) == all(0x5A, 16))
        #expect(snap(d0, r) == all(0x02, 16))
        #expect(snap(d1, r) == all(0x02, 16))
        #expect(b.pagesOnDevice(0) == 0)
    }

    @Test func otherDeviceWriteMigratesBackToo() throws {
        let b = backend()
        let r = try map(b)
        let d0 = try b.openDevice(0)
        let d1 = try b.openDevice(1)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        memset(buf.pointer, 0x77, r.bytes)
        #expect(d1.perform(.write, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        #expect(snap(d0, r) == all(0x02, 16))
        #expect(b.cpuRead(r) == 16 * 0x77)
    }

    @Test func cpuTouchMigratesBackPageByPage() throws {
        let b = backend()
        let r = try map(b)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        memset(buf.pointer, 0x3C, r.bytes)
        // The device writes its own pages: data lands on the device copy.
        #expect(d0.perform(.write, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 0))
        #expect(b.cpuRead(r, pages: 0..<4) == 4 * 0x3C)
        #expect(snap(d0, r) == all(0x02, 4) + all(0x22, 12))
        #expect(b.pagesOnDevice(0) == 12)
        // The migrated-back pages left dev0's table: one fault pass.
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        b.cpuWrite(r, pages: 4..<16, value: 1)
        #expect(snap(d0, r) == all(0x02, 16))
        #expect(b.cpuRead(r) == 4 * 0x3C + 12)
    }

    @Test func migrateTwiceAndMigrateToSystem() throws {
        let b = backend()
        let r = try map(b)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(d0.perform(.migrateToSystem, r, pages: 0..<8) == MirrorReply(cpages: 8))
        #expect(snap(d0, r) == all(0x02, 8) + all(0x22, 8))
        #expect(d0.perform(.migrateToSystem, r) == MirrorReply(cpages: 8))
        #expect(d0.perform(.migrateToSystem, r) == MirrorReply(cpages: 0))
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        #expect(firstBytes(buf, 16) == all(0x5A, 16))
    }

    // MARK: device-coherent

    @Test func coherentPagesStayPut() throws {
        let b = backend()
        let r = try map(b)
        let d2 = try b.openDevice(2)
        let d3 = try b.openDevice(3)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d2.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(snap(d2, r) == all(0x42, 16))
        #expect(snap(d3, r) == all(0x52, 16))
        #expect(snap(d0, r) == all(0x52, 16))
        // dev3 has not mirrored the pages: its read-back finds holes.
        #expect(d3.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(errno: ENOENT))
        #expect(b.cpuRead(r) == 16 * 0x5A)
        b.cpuWrite(r, value: 0x11)
        #expect(snap(d2, r) == all(0x42, 16))
        #expect(d3.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        #expect(firstBytes(buf, 16) == all(0x11, 16))
        #expect(d3.perform(.write, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 0))
        #expect(snap(d2, r) == all(0x42, 16))
        #expect(snap(d3, r) == all(0x52, 16))
        // Now it has (test_hmm.c: the read-back only needs dev3's entries).
        #expect(d3.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(snap(d2, r) == all(0x42, 16))
        #expect(d3.perform(.migrateToSystem, r) == MirrorReply(cpages: 0))
        #expect(d2.perform(.migrateToSystem, r) == MirrorReply(cpages: 16))
        #expect(snap(d2, r) == all(0x02, 16))
        #expect(b.cpuRead(r) == 16 * 0x11)
    }

    // MARK: exclusive access

    @Test func exclusiveThenCPURevokes() throws {
        let b = backend()
        let r = try map(b, .anon, .untouched)
        let d0 = try b.openDevice(0)
        let d1 = try b.openDevice(1)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.checkExclusive, r) == MirrorReply())
        #expect(d0.perform(.exclusive, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(snap(d0, r) == all(0x00, 16))
        #expect(snap(d1, r) == all(0x00, 16))
        #expect(d0.perform(.checkExclusive, r) == MirrorReply(errno: EPERM))
        #expect(d1.perform(.checkExclusive, r) == MirrorReply())
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 0))
        b.cpuRead(r, pages: 0..<1)
        #expect(snap(d0, r) == [0x02] + all(0x00, 15))
        #expect(d0.perform(.checkExclusive, r) == MirrorReply(errno: EPERM))
        #expect(d0.perform(.checkExclusive, r, pages: 0..<1) == MirrorReply())
        b.cpuWrite(r, value: 1)
        #expect(d0.perform(.checkExclusive, r) == MirrorReply())
        #expect(snap(d0, r) == all(0x02, 16))
    }

    @Test func otherDeviceFaultRevokesExclusive() throws {
        let b = backend()
        let r = try map(b)
        let d0 = try b.openDevice(0)
        let d1 = try b.openDevice(1)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.exclusive, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(firstBytes(buf, 16) == all(0x5A, 16))
        #expect(d1.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        #expect(d0.perform(.checkExclusive, r) == MirrorReply())
        #expect(snap(d0, r) == all(0x02, 16))
    }

    @Test func exclusiveRefusedOutsidePrivateAnonBasePages() throws {
        let b = backend()
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: PageSize.pmd)
        for kind in [MappingKind.shared, .file] {
            let r = try map(b, kind, .untouched)
            #expect(d0.perform(.exclusive, r, buffer: buf.pointer) == MirrorReply(errno: EBUSY))
            #expect(snap(d0, r) == all(0x02, 16))
        }
        // Measured on the 6.1 module (conformance thp/exclusive): EBUSY, yet
        // every page of the split THP is device-exclusive until the CPU
        // touches it.
        let t = try map(b, .thp, .write)
        #expect(d0.perform(.exclusive, t, buffer: buf.pointer) == MirrorReply(errno: EBUSY))
        #expect(snap(d0, t) == all(0x00, 512))
        #expect(d0.perform(.checkExclusive, t) == MirrorReply(errno: EPERM))
        b.cpuRead(t)
        #expect(d0.perform(.checkExclusive, t) == MirrorReply())
        #expect(snap(d0, t) == all(0x02, 512))
        let ro = try map(b, .anon, .write, .readOnly)
        #expect(d0.perform(.exclusive, ro, buffer: buf.pointer) == MirrorReply(errno: EBUSY))
        #expect(d0.perform(.checkExclusive, ro) == MirrorReply())
    }

    // MARK: release and close

    /// Closing one fd evicts every page the whole device holds, including
    /// pages mirrored through another fd of the same device: lib/test_hmm.c
    /// dmirror_fops_release calls dmirror_device_evict_chunk on each of the
    /// device's chunks (read in Debian's 6.1.192 tree; 6.12 and mainline do
    /// the same). Pages on the other device stay.
    @Test func closingOneFdEvictsEveryPageOfItsDevice() throws {
        let b = backend()
        let r1 = try map(b)
        let r2 = try map(b)
        let r3 = try map(b)
        let a = try b.openDevice(0)
        let other = try b.openDevice(0)
        let d1 = try b.openDevice(1)
        let buf = HostBuffer(bytes: r1.bytes)
        #expect(a.perform(.migrateToDevice, r1, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(other.perform(.migrateToDevice, r2, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(d1.perform(.migrateToDevice, r3, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(b.pagesOnDevice(0) == 32)
        a.close()
        #expect(b.pagesOnDevice(0) == 0)
        #expect(snap(other, r2) == all(0x02, 16))
        #expect(b.pagesOnDevice(1) == 16)
        #expect(snap(d1, r3) == all(0x22, 16))
    }

    @Test func closeReleasesTheDevicePages() throws {
        let b = backend()
        let r = try map(b)
        var d0: DeviceMirror? = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0!.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(b.pagesOnDevice(0) == 16)
        d0!.close()
        #expect(d0!.perform(.snapshot, r, buffer: buf.pointer) == MirrorReply(errno: EBADF))
        d0 = nil
        #expect(b.pagesOnDevice(0) == 0)
        #expect(b.openMirrorCount == 0)
        let again = try b.openDevice(0)
        #expect(snap(again, r) == all(0x02, 16))
        #expect(again.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        #expect(firstBytes(buf, 16) == all(0x5A, 16))
    }

    @Test func releaseEvictsEveryPageOfTheDevice() throws {
        let b = backend()
        let r = try map(b)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(d0.perform(.release, r) == MirrorReply())
        #expect(snap(d0, r) == all(0x02, 16))
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        // 6.1-6.18 has no FLAGS: the request is never sent.
        #expect(d0.perform(.flags, r) == MirrorReply(errno: ENOTTY))
    }
}
