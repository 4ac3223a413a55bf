import CShims
import Foundation
import Testing
@testable import HMMBench

/// The simulated driver, checked against values measured on the real 6.1
/// module in the test bed (Debian 6.1.192, 16-page ranges unless said; the
/// same cases are in Fixtures/kernel/conformance-6.1.192.json).
@Suite struct SimulatedBackendTests {
    let pages = 16

    func backend(_ g: UAPIGeneration = .v6_1, coherent: Bool = true) -> SimulatedBackend {
        SimulatedBackend(uapi: g.table, coherentDevices: coherent)
    }

    func map(_ b: SimulatedBackend, _ kind: MappingKind = .anon, _ pop: Population = .write,
             _ prot: Protection = .readWrite, pages n: Int? = nil) throws -> MappedRegion {
        let count = n ?? (kind.granule == PageSize.base ? pages : PageSize.pmd / PageSize.base)
        return try b.map(MappingSpec(kind, bytes: count * PageSize.base, protection: prot, population: pop))
    }

    func snap(_ m: DeviceMirror, _ r: MappedRegion) -> [UInt8] {
        let (reply, bytes) = m.snapshot(r)
        #expect(reply == MirrorReply(cpages: UInt64(r.pageCount)))
        return bytes
    }

    func all(_ b: UInt8, _ n: Int) -> [UInt8] { Array(repeating: b, count: n) }

    /// First byte of each page of a read buffer.
    func firstBytes(_ buf: HostBuffer, _ n: Int) -> [UInt8] {
        (0..<n).map { buf.pointer.load(fromByteOffset: $0 * PageSize.base, as: UInt8.self) }
    }

    // MARK: devices and generations

    @Test func devicesPerGenerationAndOption() throws {
        #expect(backend().devices().map(\.present) == [true, true, true, true])
        #expect(backend(.v6_0).devices().map(\.present) == [true, true, true, true])
        #expect(backend(.v5_14).devices().map(\.present) == [true, true, false, false])
        #expect(backend(.v6_1, coherent: false).devices().map(\.present) == [true, true, false, false])
        #expect(backend().kind == .simulated)
        #expect(backend().devices()[2].memory == .coherent)
    }

    @Test func absentDeviceThrowsEnvironmentError() {
        let b = backend(.v5_14)
        do {
            _ = try b.openDevice(2)
            Issue.record("device 2 opened on a 5.14 model")
        } catch let e as HMMBenchError {
            #expect(e.kind == .environment)
            #expect(e.errno == ENOENT)
            #expect(e.message.contains("/dev/hmm_dmirror2"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: HMMBenchError.self) { _ = try b.openDevice(7) }
    }

    /// Requests are resolved before the clock: what the table and the
    /// modelled driver make of an operation is fixed in the request, and
    /// perform only issues it.
    @Test func aResolvedRequestCarriesTheNumberAndTheDriversReading() throws {
        let b = SimulatedBackend(uapi: UAPIGeneration.v6_1.table)
        let d0 = try b.openDevice(0)
        let snap = d0.request(.snapshot)
        #expect(snap.operation == .snapshot && snap.number == UAPIGeneration.v6_1.table.request(for: .snapshot))
        #expect(snap.decoded == .snapshot)
        let r = try map(b, pages: 4)
        var bytes = [UInt8](repeating: 0xFF, count: 4)
        let reply = bytes.withUnsafeMutableBytes { d0.perform(snap, address: r.address(), pages: 4, buffer: $0.baseAddress) }
        #expect(reply.succeeded && bytes != [0xFF, 0xFF, 0xFF, 0xFF])
        // 6.1 has no FLAGS: no number, ENOTTY without reaching the model.
        let flags = d0.request(.flags)
        #expect(flags.number == nil && d0.perform(flags, address: r.address(), pages: 4, buffer: nil) == MirrorReply(errno: ENOTTY))
        // A number the driver's table does not know: the driver's EINVAL.
        let table = try UAPITable.parse("read=0,write=1,migrate-to-dev=2,snapshot=40")
        let odd = try SimulatedBackend(uapi: table).openDevice(0)
        let unknown = odd.request(.snapshot)
        #expect(unknown.number != nil && unknown.decoded == nil)
        #expect(odd.perform(unknown, address: r.address(), pages: 4, buffer: nil) == MirrorReply(errno: EINVAL))
    }

    @Test func missingOpIsENOTTYAndLeavesModelAlone() throws {
        let b = backend(.v5_14)
        let r = try map(b)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(cpages: 16))
        #expect(snap(d0, r) == all(0x22, 16))
        #expect(d0.perform(.migrateToSystem, r) == MirrorReply(errno: ENOTTY))
        #expect(d0.perform(.release, r) == MirrorReply(errno: ENOTTY))
        #expect(snap(d0, r) == all(0x22, 16))
        #expect(b.pagesOnDevice(0) == 16)

        let old = backend(.v5_8)
        let r8 = try map(old)
        let m8 = try old.openDevice(1)
        #expect(m8.perform(.exclusive, r8) == MirrorReply(errno: ENOTTY))
        #expect(m8.perform(.checkExclusive, r8) == MirrorReply(errno: ENOTTY))
        #expect(snap(m8, r8) == all(0x02, 16))

        let b60 = backend(.v6_0)
        let r60 = try map(b60)
        let m60 = try b60.openDevice(0)
        #expect(m60.perform(.release, r60) == MirrorReply(errno: ENOTTY))
        #expect(m60.perform(.exclusive, r60, buffer: buf.pointer) == MirrorReply(cpages: 16))
    }

    // MARK: anonymous memory

    @Test func untouchedAnonSnapshotsNoneAndReadFaultsOnce() throws {
        let b = backend()
        let r = try map(b, .anon, .untouched)
        let d0 = try b.openDevice(0)
        #expect(snap(d0, r) == all(0x00, 16))
        let buf = HostBuffer(bytes: r.bytes)
        buf.fillPattern(seed: 7)
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        #expect(firstBytes(buf, 16) == all(0, 16))
        #expect(snap(d0, r) == all(0x11, 16))
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 0))
    }

    @Test func populationShowsInSnapshots() throws {
        let b = backend()
        let d1 = try b.openDevice(1)
        #expect(snap(d1, try map(b, .anon, .read)) == all(0x11, 16))
        #expect(snap(d1, try map(b, .anon, .write)) == all(0x02, 16))
        #expect(snap(d1, try map(b, .shared, .write)) == all(0x02, 16))
        #expect(snap(d1, try map(b, .file, .write)) == all(0x02, 16))
        #expect(snap(d1, try map(b, .thp, .write)) == all(0x06, 512))
        #expect(snap(d1, try map(b, .thp, .read)) == all(0x05, 512))
        #expect(snap(d1, try map(b, .thp, .untouched)) == all(0x00, 512))
        #expect(snap(d1, try map(b, .hugetlb, .write)) == all(0x06, 512))
        #expect(snap(d1, try map(b, .hugetlb, .read)) == all(0x05, 512))
        #expect(snap(d1, try map(b, .anon, .write, .readOnly)) == all(0x01, 16))
        #expect(snap(d1, try map(b, .anon, .read, .readOnly)) == all(0x11, 16))
        #expect(snap(d1, try map(b, .anon, .write, .none)) == all(0xFF, 16))
    }

    @Test func cpuReadOfUntouchedPageMapsZeroPage() throws {
        let b = backend()
        let r = try map(b, .anon, .untouched)
        let d0 = try b.openDevice(0)
        b.cpuRead(r, pages: 0..<4)
        #expect(snap(d0, r) == all(0x11, 4) + all(0x00, 12))
        b.cpuWrite(r, pages: 2..<6, value: 9)
        #expect(snap(d0, r) == all(0x11, 2) + all(0x02, 4) + all(0x00, 10))
        #expect(r.pointer(page: 3).load(as: UInt8.self) == 9)
    }

    @Test func deviceWriteFaultsCopiesAndMakesPagesWritable() throws {
        let b = backend()
        let r = try map(b, .anon, .read)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        memset(buf.pointer, 0xB4, r.bytes)
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        memset(buf.pointer, 0xB4, r.bytes)
        // Read entries are not write entries: the write faults again.
        #expect(d0.perform(.write, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        #expect(snap(d0, r) == all(0x02, 16))
        #expect(b.cpuRead(r) == 16 * 0xB4)
        #expect(d0.perform(.write, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 0))
    }

    @Test func copyOnWriteOfZeroPageInvalidatesMirror() throws {
        let b = backend()
        let r = try map(b, .anon, .read)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        b.cpuWrite(r, value: 3)
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        #expect(firstBytes(buf, 16) == all(3, 16))
        // Writing an already written page does not fault or invalidate.
        b.cpuWrite(r, value: 4)
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 0))
        #expect(firstBytes(buf, 16) == all(4, 16))
    }

    // MARK: protection and bad ranges

    @Test func readOnlyMappingRefusesDeviceWrite() throws {
        let b = backend()
        let r = try map(b, .anon, .write, .readOnly)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.write, r, buffer: buf.pointer) == MirrorReply(errno: EPERM))
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
        #expect(firstBytes(buf, 16) == all(0x5A, 16))
        #expect(d0.perform(.write, r, buffer: buf.pointer) == MirrorReply(errno: EPERM))
        // Back to read-write: the mirror was invalidated, pages writable again.
        try b.protect(r, .readWrite)
        #expect(snap(d0, r) == all(0x02, 16))
        #expect(d0.perform(.write, r, buffer: buf.pointer) == MirrorReply(cpages: 16, faults: 1))
    }

    @Test func protNoneFailsEveryAccessButSnapshot() throws {
        let b = backend()
        let r = try map(b, .anon, .write, .none)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        #expect(d0.perform(.read, r, buffer: buf.pointer) == MirrorReply(errno: EFAULT))
        #expect(d0.perform(.write, r, buffer: buf.pointer) == MirrorReply(errno: EFAULT))
        #expect(d0.perform(.migrateToDevice, r, buffer: buf.pointer) == MirrorReply(errno: EINVAL))
        #expect(d0.perform(.migrateToSystem, r) == MirrorReply(errno: EINVAL))
        #expect(d0.perform(.exclusive, r, buffer: buf.pointer) == MirrorReply(errno: EBUSY))
        #expect(d0.perform(.checkExclusive, r) == MirrorReply())
        #expect(snap(d0, r) == all(0xFF, 16))
        // The CPU side must not crash: the model ignores the touch.
        #expect(b.cpuRead(r) == 0)
    }

    @Test func unalignedAddressOrZeroPagesIsEINVAL() throws {
        let b = backend()
        let r = try map(b)
        let d0 = try b.openDevice(0)
        let buf = HostBuffer(bytes: r.bytes)
        for op in MirrorOperation.allCases {
            // An operation the generation lacks is never sent (ENOTTY).
            let expected = MirrorReply(errno: b.uapi.supports(op) ? EINVAL : ENOTTY)
            #expect(d0.perform(op, address: r.address() + 1, pages: 1, buffer: buf.pointer) == expected, "\(op)")
            #expect(d0.perform(op, address: r.address(), pages: 0, buffer: buf.pointer) == expected, "\(op)")
        }
        #expect(snap(d0, r) == all(0x02, 16))
    }

    @Test func nilBufferIsEFAULT() throws {
        let b = backend()
        let r = try map(b)
        let d0 = try b.openDevice(0)
        #expect(d0.perform(.read, r) == MirrorReply(errno: EFAULT))
        #expect(d0.perform(.write, r) == MirrorReply(errno: EFAULT))
        #expect(d0.perform(.snapshot, r) == MirrorReply(errno: EFAULT))
        // The migration itself happens before the copy back fails.
        #expect(d0.perform(.migrateToDevice, r) == MirrorReply(errno: EFAULT))
        #expect(snap(d0, r) == all(0x22, 16))
    }

    @Test func unmappedRegionAfterItDies() throws {
        let b = backend()
        let d0 = try b.openDevice(0)
        var r: MappedRegion? = try map(b)
        let address = r!.address()
        let buffer = HostBuffer(bytes: r!.bytes)
        #expect(d0.perform(.migrateToDevice, r!, buffer: buffer.pointer) == MirrorReply(cpages: 16))
        #expect(b.followedRegionCount == 1)
        r = nil
        #expect(b.followedRegionCount == 0)
        #expect(b.pagesOnDevice(0) == 0)
        let buf = HostBuffer(bytes: 16 * PageSize.base)
        #expect(d0.perform(.read, address: address, pages: 16, buffer: buf.pointer) == MirrorReply(errno: EFAULT))
        #expect(d0.perform(.write, address: address, pages: 16, buffer: buf.pointer) == MirrorReply(errno: EFAULT))
        #expect(d0.perform(.migrateToDevice, address: address, pages: 16, buffer: buf.pointer) == MirrorReply(errno: EINVAL))
        #expect(d0.perform(.migrateToSystem, address: address, pages: 16, buffer: nil) == MirrorReply(errno: EINVAL))
        #expect(d0.perform(.exclusive, address: address, pages: 16, buffer: buf.pointer) == MirrorReply(errno: EBUSY))
        var bytes = [UInt8](repeating: 0, count: 16)
        let reply = bytes.withUnsafeMutableBytes { d0.perform(.snapshot, address: address, pages: 16, buffer: $0.baseAddress) }
        #expect(reply == MirrorReply(cpages: 16))
        #expect(bytes == all(0xFF, 16))
    }
}
